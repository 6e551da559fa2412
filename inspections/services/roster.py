"""The list of inspection items and the inspector roster with its conflicts (一单两库,
REGULATION.md §3)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from inspections import conf
from inspections.models import Conflict as ConflictRow
from inspections.models import ConflictKind, InspectionItem, Inspector, Method
from regulator import audit, scoping
from regulator.dates import add_years
from regulator.models import Authority, Enterprise, Role, User


def _text(errors: dict, name: str, value, limit: int = 5000) -> str:
    value = (value or "").replace("\x00", "").strip()
    if not value:
        errors[name] = [_("Required.")]
    elif len(value) > limit:
        errors[name] = [_("At most %(n)s characters.") % {"n": limit}]
    return value


def _own_authority(actor, code: str | None) -> Authority:
    """Staff act for their own authority; national staff may name any authority."""
    mine = scoping.authority_code(actor)
    code = (code or mine or "").strip().upper()
    auth = Authority.objects.filter(code=code).first()
    if auth is None:
        raise ApplicationError(_("Unknown authority."), errors={"authority": [_("Unknown authority.")]})
    if not scoping.is_national(actor) and auth.pk != mine:
        raise ApplicationError(
            _("You may act only for your own authority."), errors={"authority": [_("Not your authority.")]}
        )
    return auth


def item_create(
    *, actor, code: str, title: str, legal_basis: str, content: str, method: str, authority: str | None = None
) -> InspectionItem:
    """Publish an inspection item: no inspection without a legal basis (§3 [F S20])."""
    scoping.require_role(actor, Role.SUPERVISOR)
    errors: dict[str, list[str]] = {}
    code = _text(errors, "code", code, 32)
    title = _text(errors, "title", title, 200)
    legal_basis = _text(errors, "legal_basis", legal_basis)
    content = _text(errors, "content", content)
    if method not in Method.values:
        errors["method"] = [_("Choose one of: %s") % ", ".join(Method.values)]
    if errors:
        raise ApplicationError(_("Invalid inspection item."), errors=errors)
    auth = _own_authority(actor, authority)
    try:
        with transaction.atomic():
            item = InspectionItem.objects.create(
                code=code,
                title=title,
                legal_basis=legal_basis,
                content=content,
                method=method,
                authority=auth,
            )
            audit.record(
                actor=actor,
                action="inspections.item.created",
                obj=item,
                after={"code": code, "method": method, "authority": auth.pk},
            )
    except IntegrityError:
        raise Conflict(_("An item with this code exists."), errors={"code": [_("Already used.")]})
    return item


def inspector_create(
    *,
    actor,
    user_id: int | None = None,
    badge: str = "",
    authority: str | None = None,
    specialties: list[str] | None = None,
    load_cap: int | None = None,
) -> Inspector:
    """Add a member to the roster. A linked user must hold the inspector role in the same
    authority; the badge defaults to the user's badge."""
    scoping.require_role(actor, Role.SUPERVISOR)
    auth = _own_authority(actor, authority)
    user = None
    if user_id is not None:
        user = User.objects.filter(pk=user_id, role=Role.INSPECTOR, authority=auth).first()
        if user is None:
            raise ApplicationError(
                _("No inspector of that authority with this id."), errors={"user": [_("Not found.")]}
            )
        badge = badge or user.badge
    badge = (badge or "").replace("\x00", "").strip()
    if not badge or len(badge) > 32:
        raise ApplicationError(
            _("A badge id is required."), errors={"badge": [_("Required, at most 32 characters.")]}
        )
    cap = conf.get("INSPECTIONS_DEFAULT_LOAD_CAP") if load_cap is None else load_cap
    if int(cap) < 1:
        raise ApplicationError(_("The load cap must be at least 1."), errors={"load_cap": [_("At least 1.")]})
    try:
        with transaction.atomic():
            ins = Inspector.objects.create(
                user=user, badge=badge, authority=auth, specialties=list(specialties or []), load_cap=int(cap)
            )
            audit.record(
                actor=actor,
                action="inspections.inspector.created",
                obj=ins,
                after={"badge": badge, "authority": auth.pk, "load_cap": ins.load_cap},
            )
    except IntegrityError:
        raise Conflict(
            _("This badge or user is on the roster already."), errors={"badge": [_("Already used.")]}
        )
    return ins


def inspector_update(*, actor, inspector: Inspector, **changes) -> Inspector:
    scoping.require_role(actor, Role.SUPERVISOR)
    allowed = {"active", "load_cap", "specialties"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(_("Unknown fields."), errors={k: [_("Not editable.")] for k in unknown})
    if "load_cap" in changes and int(changes["load_cap"]) < 1:
        raise ApplicationError(_("The load cap must be at least 1."), errors={"load_cap": [_("At least 1.")]})
    with transaction.atomic():
        ins = Inspector.objects.select_for_update().get(pk=inspector.pk)
        before = {k: getattr(ins, k) for k in changes}
        for k, v in changes.items():
            setattr(ins, k, v)
        ins.save()
        audit.record(
            actor=actor, action="inspections.inspector.updated", obj=ins, before=before, after=changes
        )
    return ins


def conflict_declare(
    *,
    actor,
    inspector: Inspector,
    enterprise: Enterprise,
    kind: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    employment_ended_on: dt.date | None = None,
    note: str = "",
) -> ConflictRow:
    """An inspector declares their own conflict; a supervisor records one for any roster
    member of their jurisdiction (§3 recusal triggers). Employment counts for the look-back
    years after it ended, so a given end of employment sets the conflict's end date."""
    role = scoping.role_of(actor)
    if role == Role.INSPECTOR:
        if inspector.user_id != actor.pk:
            raise NotFound(_("Not found."))
    elif role == Role.SUPERVISOR:
        if not scoping.is_national(actor) and inspector.authority_id != scoping.authority_code(actor):
            raise NotFound(_("Not found."))
    else:
        raise NotFound(_("Not found."))
    errors: dict[str, list[str]] = {}
    if kind not in ConflictKind.values:
        errors["kind"] = [_("Choose one of: %s") % ", ".join(ConflictKind.values)]
    today = timezone.localdate()
    starts_on = starts_on or today
    if kind == ConflictKind.EMPLOYMENT and employment_ended_on is not None:
        ends_on = add_years(employment_ended_on, int(conf.get("INSPECTIONS_EMPLOYMENT_LOOKBACK_YEARS")))
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("Must not be before the start.")]
    if len(note or "") > 5000:
        errors["note"] = [_("At most %(n)s characters.") % {"n": 5000}]
    if errors:
        raise ApplicationError(_("Invalid conflict."), errors=errors)
    with transaction.atomic():
        row = ConflictRow.objects.create(
            inspector=inspector,
            enterprise=enterprise,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            note=(note or "").replace("\x00", ""),
            declared_by=actor,
        )
        audit.record(
            actor=actor,
            action="inspections.conflict.declared",
            obj=row,
            after={"badge": inspector.badge, "uscc": enterprise.uscc, "kind": kind, "ends_on": ends_on},
        )
    return row


def conflict_end(*, actor, conflict: ConflictRow, ends_on: dt.date | None = None) -> ConflictRow:
    """Close a conflict (e.g. the stake was sold); it stays on record with its dates."""
    ends_on = ends_on or timezone.localdate()
    with transaction.atomic():
        row = ConflictRow.objects.select_for_update().get(pk=conflict.pk)
        if ends_on < row.starts_on:
            raise ApplicationError(
                _("Invalid end date."), errors={"ends_on": [_("Must not be before the start.")]}
            )
        if row.ends_on is not None and row.ends_on <= ends_on:
            raise Conflict(_("This conflict has already ended."))
        before = {"ends_on": row.ends_on}
        row.ends_on = ends_on
        row.save(update_fields=["ends_on"])
        audit.record(
            actor=actor,
            action="inspections.conflict.ended",
            obj=row,
            before=before,
            after={"ends_on": ends_on},
        )
    return row
