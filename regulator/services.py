"""Writes to the kernel: enterprise register and user accounts. Each write is one
transaction with an audit event."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from regulator import audit, provinces, uscc
from regulator.models import NATIONAL, Authority, Enterprise, Role, User

ENTERPRISE_FIELDS = (
    "uscc",
    "name",
    "legal_representative",
    "registered_address",
    "province",
    "contact_phone",
    "contact_email",
)


def enterprise_snapshot(ent: Enterprise) -> dict[str, Any]:
    return {f: getattr(ent, f) for f in ENTERPRISE_FIELDS}


def _clean_uscc(raw: str) -> str:
    try:
        return uscc.validate(raw)
    except uscc.USCCError as exc:
        raise ApplicationError(_("Invalid unified social credit code."), errors={"uscc": [str(exc)]})


def enterprise_create(
    *,
    actor,
    uscc_code: str,
    name: str,
    legal_representative: str,
    registered_address: str,
    province: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Enterprise:
    code = _clean_uscc(uscc_code)
    derived = uscc.province_of(code)
    if province and province not in provinces.BY_CODE:
        raise ApplicationError(_("Unknown province."), errors={"province": [_("Unknown province code.")]})
    if province and province != derived:
        raise ApplicationError(
            _("The province does not match the code."),
            errors={
                "province": [
                    _("The code's division digits (%(div)s) belong to province %(p)s.")
                    % {"div": code[2:8], "p": derived}
                ]
            },
        )
    ent = Enterprise(
        uscc=code,
        name=name.strip(),
        legal_representative=legal_representative.strip(),
        registered_address=registered_address.strip(),
        province=derived,
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
    )
    try:
        with transaction.atomic():
            ent.save(force_insert=True)
            audit.record(actor=actor, action="enterprise.created", obj=ent, after=enterprise_snapshot(ent))
    except IntegrityError:
        raise Conflict(
            _("An enterprise with this code is already registered."),
            errors={"uscc": [_("Already registered.")]},
        )
    return ent


# Registered facts (REGULATION.md §1.5: name, address, legal representative) change only
# through a change filing: licensing's ``enterprise_change_file`` re-signs every live
# licence of the enterprise in the same transaction (§1.7). The kernel cannot import
# licensing, so it asks the caller to name the filing and refuses anyone else.
REGISTERED_FACTS = ("name", "legal_representative", "registered_address")


def enterprise_update(*, actor, enterprise: Enterprise, change_filing: str = "", **changes: Any) -> Enterprise:
    """Update the register. Contacts change here directly; registered facts only when
    ``change_filing`` names the change filing that carries them (recorded as the reason)."""
    allowed = set(ENTERPRISE_FIELDS) - {"uscc", "province"}
    bad = set(changes) - allowed
    if bad:
        raise ApplicationError(_("These fields cannot change."), errors={f: [_("Read-only.")] for f in bad})
    registered = set(changes) & set(REGISTERED_FACTS)
    if registered and not change_filing:
        raise ApplicationError(
            _("Registered facts change through a change filing, which re-signs the licences."),
            errors={
                f: [_("File the change at /api/v1/change-filings/ (the enterprise's own account).")]
                for f in sorted(registered)
            },
        )
    with transaction.atomic():
        ent = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        before = enterprise_snapshot(ent)
        for field, value in changes.items():
            setattr(ent, field, value.strip() if isinstance(value, str) else value)
        ent.save()
        audit.record(
            actor=actor,
            action="enterprise.updated",
            obj=ent,
            before=before,
            after=enterprise_snapshot(ent),
            reason=change_filing,
        )
    return ent


def membership(*, role: str, enterprise_uscc: str | None, authority: str) -> tuple[Any, Any]:
    """(enterprise, authority) for a user of ``role``, validated: staff belong to one
    authority ("MIIT" by default), enterprise users to one enterprise and no authority."""
    if role not in Role.values:
        raise ApplicationError(
            _("Unknown role."), errors={"role": [_("Choose one of: %s") % ", ".join(Role.values)]}
        )
    enterprise = None
    if role == Role.ENTERPRISE:
        if not enterprise_uscc:
            raise ApplicationError(
                _("An enterprise user needs an enterprise."),
                errors={"enterprise": [_("Required for this role.")]},
            )
        code = _clean_uscc(enterprise_uscc)
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise ApplicationError(
                _("Unknown enterprise."), errors={"enterprise": [_("Not in the register.")]}
            )
    elif enterprise_uscc:
        raise ApplicationError(
            _("Only enterprise users belong to an enterprise."),
            errors={"enterprise": [_("Not for this role.")]},
        )
    code = (authority or "").strip().upper()
    if role == Role.ENTERPRISE:
        if code:
            raise ApplicationError(
                _("Enterprise users belong to no authority."),
                errors={"authority": [_("Not for this role.")]},
            )
        return enterprise, None
    auth = Authority.objects.filter(pk=code or NATIONAL).first()
    if auth is None:
        raise ApplicationError(
            _("Unknown authority."), errors={"authority": [_("Use MIIT or a province code.")]}
        )
    return enterprise, auth


def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    enterprise_uscc: str | None = None,
    authority: str = "",
    province: str = "",
    badge: str = "",
) -> User:
    """Provision a user. Staff belong to one authority: ``authority`` ("MIIT" or a province
    code; ``province`` is accepted as a synonym for a provincial administration); staff
    with neither belong to MIIT. Enterprise users belong to none."""
    enterprise, auth = membership(
        role=role, enterprise_uscc=enterprise_uscc, authority=authority or province
    )
    try:
        with transaction.atomic():
            user = User(username=username, role=role, enterprise=enterprise, authority=auth, badge=badge)
            user.set_password(password)
            user.save(force_insert=True)
            audit.record(
                actor=actor,
                action="user.created",
                obj=user,
                after={
                    "username": username,
                    "role": role,
                    "enterprise": enterprise_uscc,
                    "authority": auth.pk if auth else "",
                },
            )
    except IntegrityError:
        raise Conflict(_("That username is taken."), errors={"username": [_("Already exists.")]})
    return user


USER_UPDATABLE = (
    "role",
    "enterprise_uscc",
    "authority",
    "badge",
    "is_active",
    "is_staff",
    "is_superuser",
    "first_name",
    "last_name",
    "email",
)


def user_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "enterprise": user.enterprise.uscc if user.enterprise_id else None,
        "authority": user.authority_id or "",
        "badge": user.badge,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }


def user_update(*, actor, user_id: int, **changes: Any) -> User:
    """Change a user's role, membership (enterprise or authority), badge, status or names,
    audited with the before and after. The one way the admin (or anything else) changes
    who may see what: a role or authority change decides a user's whole reach (DESIGN.md,
    Users and roles). Deactivating revokes the user's tokens (regulator.signals)."""
    bad = set(changes) - set(USER_UPDATABLE)
    if bad:
        raise ApplicationError(
            _("These fields cannot change."), errors={f: [_("Read-only.")] for f in sorted(bad)}
        )
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("enterprise")
            .filter(pk=user_id)
            .first()
        )
        if user is None:
            raise NotFound(_("Not found."))
        before = user_snapshot(user)
        if {"role", "enterprise_uscc", "authority"} & set(changes):
            role = changes.get("role", user.role)
            ent = changes.get("enterprise_uscc", user.enterprise.uscc if user.enterprise_id else None)
            if role != Role.ENTERPRISE and "enterprise_uscc" not in changes:
                ent = None  # leaving the enterprise role leaves the enterprise
            auth = changes.get("authority", user.authority_id or "")
            if role == Role.ENTERPRISE and "authority" not in changes:
                auth = ""
            user.enterprise, user.authority = membership(role=role, enterprise_uscc=ent, authority=auth)
            user.role = role
        for field in ("badge", "is_active", "is_staff", "is_superuser", "first_name", "last_name", "email"):
            if field in changes:
                setattr(user, field, changes[field])
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ApplicationError(_("This combination of role and membership is not allowed."))
        after = user_snapshot(user)
        if after != before:
            audit.record(actor=actor, action="user.updated", obj=user, before=before, after=after)
    return user
