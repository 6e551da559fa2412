"""Cases (REGULATION.md §7): opening, officers, evidence, investigation, notice, the party's
defence and hearing request, the hearing, deadline extensions, withdrawal and closing."""

import datetime as dt
import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from enforcement import conf, penalties
from enforcement import transitions as tr
from enforcement.models import (
    Case,
    CaseExtension,
    CaseOfficer,
    CaseStatus,
    Defence,
    Evidence,
    PenaltyKind,
    SourceKind,
)
from enforcement.services.common import (
    due_date,
    is_system,
    load_case,
    require_handler,
    require_party,
    required_text,
    today,
)
from regulator import audit, calendar, scoping, uploads
from regulator.audit import actor_fields
from regulator.models import NATIONAL, Authority, Role

S = CaseStatus
User = get_user_model()


def _authority(value) -> Authority:
    code = value.pk if isinstance(value, Authority) else str(value or "").strip().upper()
    auth = Authority.objects.filter(pk=code).first()
    if auth is None:
        raise ApplicationError(
            _("Unknown authority."), errors={"authority": [_("Use MIIT or a province code.")]}
        )
    return auth


def _officer_users(case_authority: str, officers) -> list:
    """Resolve and check the named officers: active staff of the handling authority (or
    national staff), in a role that may investigate."""
    ids = []
    for o in officers or []:
        ids.append(o.pk if hasattr(o, "pk") else o)
    # Two distinct people (§7): the same officer named twice does not count twice.
    if len(set(ids)) != len(ids):
        raise ApplicationError(_("An officer is named twice."), errors={"officers": [_("Duplicates.")]})
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    roles = set(conf.get("ENFORCEMENT_OFFICER_ROLES"))
    ok = [u for u in users if u.role in roles and u.authority_id in (case_authority, NATIONAL)]
    if len(ok) != len(ids):
        raise ApplicationError(
            _("Every officer must be enforcement staff of the handling authority."),
            errors={"officers": [_("Unknown user, wrong role or another authority.")]},
        )
    return ok


def _require_opener(actor, auth: Authority, licence) -> None:
    if is_system(actor):
        return
    role = scoping.role_of(actor)
    allowed = (Role.SUPERVISOR, Role.OFFICER, Role.INSPECTOR, Role.HANDLER)
    if role not in allowed or (role == Role.OFFICER and licence is None):
        raise NotFound(_("Not found."))
    # Provincial staff open cases for their own administration only; MIIT staff anywhere.
    if not scoping.is_national(actor) and scoping.authority_code(actor) != auth.pk:
        raise ApplicationError(
            _("You may open cases only for your own authority."),
            errors={"authority": [_("Not your authority.")]},
        )


def case_open(
    *,
    actor,
    enterprise,
    source_kind: str,
    source_ref: str,
    facts: str,
    provisions: str,
    authority,
    officers=None,
    licence=None,
) -> Case:
    """立案. Idempotent per (source_kind, source_ref): the same inspection finding or complaint
    opens one case however often it is referred. A supervisor or officer opening a case
    names at least the minimum number of officers (§7); a referral may leave them for later."""
    errors: dict[str, list[str]] = {}
    if source_kind not in SourceKind.values:
        errors["source_kind"] = [_("Choose one of: %s") % ", ".join(SourceKind.values)]
    source_ref = (source_ref or "").replace("\x00", "").strip()[:200]
    facts = required_text(errors, "facts", facts)
    provisions = required_text(errors, "provisions", provisions)
    if licence is not None and licence.enterprise_id != enterprise.pk:
        errors["licence"] = [_("The licence belongs to another enterprise.")]
    minimum = int(conf.get("ENFORCEMENT_MIN_OFFICERS"))
    # Handlers opening by hand name the officers at once; a referral (a system process, an
    # inspector or complaint handler) leaves them to the handling supervisor.
    if scoping.role_of(actor) in (Role.SUPERVISOR, Role.OFFICER) and len(officers or []) < minimum:
        errors["officers"] = [_("Name at least %(n)s officers.") % {"n": minimum}]
    if errors:
        raise ApplicationError(_("Invalid case."), errors=errors)
    auth = _authority(authority)
    _require_opener(actor, auth, licence)
    if source_ref:
        # The same finding referred twice (a retried task, two inspectors) is one case.
        found = Case.objects.filter(source_kind=source_kind, source_ref=source_ref).first()
        if found is not None:
            return found
    users = _officer_users(auth.pk, officers)
    opened = today()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                enterprise=enterprise,
                authority=auth,
                licence=licence,
                source_kind=source_kind,
                source_ref=source_ref,
                facts=facts,
                provisions=provisions,
                opened_on=opened,
                decision_due_on=due_date(opened, "decision"),
                calendar_version=calendar.version(),
                created_by=actor_fields(actor)[1],
            )
            label = actor_fields(actor)[1]
            CaseOfficer.objects.bulk_create(
                [CaseOfficer(case=case, user=u, assigned_by=label) for u in users]
            )
            tr.case_event(case=case, actor=actor, frm="", to=S.OPENED, action="opened")
            audit.record(
                actor=actor,
                action="enforcement.case_opened",
                obj=case,
                after={
                    **tr.case_snapshot(case),
                    "enterprise": enterprise.uscc,
                    "authority": auth.pk,
                    "source": f"{source_kind}:{source_ref}",
                    "officers": [u.username for u in users],
                },
            )
    except IntegrityError:
        # A concurrent referral of the same source won the unique constraint.
        found = Case.objects.filter(source_kind=source_kind, source_ref=source_ref).first()
        if found is None:
            raise
        return found
    return case


def case_assign_officers(*, actor, case_id: int, officers) -> Case:
    case = load_case(case_id)
    require_handler(actor, case)
    users = _officer_users(case.authority_id, officers)
    if not users:
        raise ApplicationError(_("Name at least one officer."), errors={"officers": [_("Required.")]})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in tr.UNDECIDED:
            raise Conflict(_("Officers are assigned only before the decision."), code="invalid_transition")
        have = set(case.assignments.values_list("user_id", flat=True))
        new = [u for u in users if u.pk not in have]
        label = actor_fields(actor)[1]
        CaseOfficer.objects.bulk_create([CaseOfficer(case=case, user=u, assigned_by=label) for u in new])
        names = [u.username for u in new]
        tr.case_event(
            case=case,
            actor=actor,
            frm=case.status,
            to=case.status,
            action="officers_assigned",
            data={"officers": names},
        )
        audit.record(
            actor=actor, action="enforcement.case_officers_assigned", obj=case, after={"officers": names}
        )
    return case


def evidence_add(*, actor, case_id: int, upload, description: str = "") -> Evidence:
    """Store an evidence file outside the database, by content hash; size and type are
    checked against the bytes, not the declared type."""
    case = load_case(case_id)
    require_handler(actor, case)
    max_bytes = int(conf.get("ENFORCEMENT_EVIDENCE_MAX_BYTES"))
    types = set(conf.get("ENFORCEMENT_EVIDENCE_TYPES"))
    if upload is None:
        raise ApplicationError(_("No file."), errors={"file": [_("Required.")]})
    if upload.size > max_bytes:
        raise ApplicationError(
            _("The file is too large."),
            errors={"file": [_("At most %s bytes.") % max_bytes]},
            code="too_large",
        )
    if upload.size == 0:
        raise ApplicationError(_("The file is empty."), errors={"file": [_("Empty file.")]})
    ctype = (upload.content_type or "").split(";")[0].strip().lower()
    data = upload.read()
    # The kernel's content check: the bytes must be the declared type and nothing else
    # (no executable, no ZIP polyglot, no active web content).
    uploads.check_content(data, ctype, types)
    # The hash names the stored file and is kept on the row: a file later altered in
    # storage no longer matches what the case recorded.
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status in (S.CLOSED, S.WITHDRAWN):
            raise Conflict(_("The case is closed."), code="invalid_transition")
        same = case.evidence.filter(sha256=digest).first()
        if same is not None:
            return same
        if case.evidence.count() >= int(conf.get("ENFORCEMENT_EVIDENCE_PER_CASE")):
            raise ApplicationError(_("Too many evidence files."), errors={"file": [_("Limit reached.")]})
        # Bytes go to storage, never into the database; if the row fails, the file goes.
        name = default_storage.save(f"enforcement/evidence/{case.pk}/{digest[:16]}", ContentFile(data))
        try:
            ev = Evidence.objects.create(
                case=case,
                file=name,
                original_name=(getattr(upload, "name", "") or "upload").replace("\x00", "")[:255],
                content_type=ctype,
                size=len(data),
                sha256=digest,
                description=(description or "").replace("\x00", "")[:500],
                uploaded_by=actor,
            )
            audit.record(
                actor=actor,
                action="enforcement.evidence_added",
                obj=ev,
                after={"case": case.pk, "sha256": digest, "size": ev.size, "type": ctype},
            )
        except Exception:
            default_storage.delete(name)
            raise
    return ev


def case_investigate(*, actor, case_id: int, reason: str = "") -> Case:
    case = load_case(case_id)
    require_handler(actor, case)
    minimum = int(conf.get("ENFORCEMENT_MIN_OFFICERS"))

    def check(c: Case) -> None:
        # §7 [R S30]: the investigation is done by at least two enforcement officers.
        if c.assignments.count() < minimum:
            raise ApplicationError(
                _("At least %(n)s officers must be assigned before the investigation.") % {"n": minimum},
                errors={"officers": [_("Assign officers first.")]},
            )

    return tr.case_transition(
        case_id=case.pk, to=S.INVESTIGATING, actor=actor, action="investigating", reason=reason, check=check
    )


def _intended(kind: str, amount, case: Case) -> tuple[str, Decimal | None]:
    errors: dict[str, list[str]] = {}
    if kind not in PenaltyKind.values:
        errors["kind"] = [_("Choose one of: %s") % ", ".join(PenaltyKind.values)]
    if kind in penalties.MONEY_KINDS:
        if amount is None or Decimal(amount) <= 0:
            errors["amount"] = [_("A fine or confiscation needs a positive amount.")]
    elif amount is not None:
        errors["amount"] = [_("Only a fine or confiscation has an amount.")]
    if kind == PenaltyKind.REVOCATION and case.licence_id is None:
        errors["kind"] = [_("Revocation needs the case to name the licence.")]
    if errors:
        raise ApplicationError(_("Invalid penalty."), errors=errors)
    return kind, (Decimal(amount) if amount is not None else None)


def hearing_right_for(kind: str, amount) -> bool:
    return penalties.hearing_right(
        kind,
        amount,
        conf.decimal("ENFORCEMENT_LARGE_FINE"),
        conf.decimal("ENFORCEMENT_LARGE_CONFISCATION"),
    )


def case_send_notice(*, actor, case_id: int, kind: str, amount=None, text: str) -> Case:
    """告知: the intended penalty, its facts, reasons and basis, and the party's rights: to
    state a defence and, for the heavier penalties, to ask for a hearing within the period."""
    case = load_case(case_id)
    require_handler(actor, case)
    errors: dict[str, list[str]] = {}
    text = required_text(errors, "text", text)
    if errors:
        raise ApplicationError(_("Invalid notice."), errors=errors)
    kind, amount = _intended(kind, amount, case)
    sent = today()

    # §7: the hearing right follows from the intended penalty (revocation, suspension, a
    # large fine or confiscation) and is fixed now, with the end of the reply period.
    def apply(c: Case) -> None:
        c.notice_sent_on = sent
        c.notice_text = text
        c.intended_kind = kind
        c.intended_amount = amount
        c.hearing_right = hearing_right_for(kind, amount)
        c.reply_due_on = due_date(sent, "hearing_request")
        c.calendar_version = calendar.version()

    return tr.case_transition(
        case_id=case.pk, to=S.NOTICE_SENT, actor=actor, action="notice_sent", apply=apply
    )


def case_defend(*, actor, case_id: int, text: str) -> Defence:
    """The party states its case (陈述、申辩) any time after the notice and before the decision."""
    case = load_case(case_id)
    require_party(actor, case)
    errors: dict[str, list[str]] = {}
    text = required_text(errors, "text", text)
    if errors:
        raise ApplicationError(_("Invalid defence."), errors=errors)
    with transaction.atomic():
        # The case lock orders the defence against a concurrent decision.
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in tr.UNDECIDED:
            raise Conflict(_("The case is already decided."), code="invalid_transition")
        d = Defence.objects.create(case=case, text=text, submitted_by=actor, submitted_at=timezone.now())
        tr.case_event(
            case=case, actor=actor, frm=case.status, to=case.status, action="defence", reason=text[:2000]
        )
        audit.record(actor=actor, action="enforcement.defence_submitted", obj=d, after={"case": case.pk})
    return d


def case_request_hearing(*, actor, case_id: int, reason: str = "") -> Case:
    case = load_case(case_id)
    require_party(actor, case)
    now = today()

    def check(c: Case) -> None:
        if not c.hearing_right:
            raise ApplicationError(
                _("The intended penalty carries no right to a hearing."),
                errors={
                    "hearing": [_("Only revocation, suspension or a large fine or confiscation do (§7).")]
                },
                code="no_hearing_right",
            )
        # The last day of the period is still in time; the day after is not.
        if c.reply_due_on is None or now > c.reply_due_on:
            # §7 [R, APL 2021 Art 64]: the request must come within 5 days of the notice.
            raise ApplicationError(
                _("The time to ask for a hearing ended on %(day)s.") % {"day": c.reply_due_on},
                errors={"hearing": [_("Requests were due by %(day)s.") % {"day": c.reply_due_on}]},
                code="hearing_request_late",
            )

    def apply(c: Case) -> None:
        c.hearing_requested_at = timezone.now()

    return tr.case_transition(
        case_id=case.pk,
        to=S.HEARING_REQUESTED,
        actor=actor,
        action="hearing_requested",
        reason=reason,
        check=check,
        apply=apply,
    )


def case_schedule_hearing(
    *,
    actor,
    case_id: int,
    hearing_on: dt.date,
    place: str,
    chair_id: int,
    public: bool = True,
    reason: str = "",
) -> Case:
    """Notice of the hearing goes out today; the hearing is at least 7 days later and is
    chaired by someone who did not investigate (§7 [F S30])."""
    case = load_case(case_id)
    require_handler(actor, case)
    errors: dict[str, list[str]] = {}
    place = required_text(errors, "place", place)
    # §7 [F S30]: the notice of the hearing goes out today, at least 7 days before it.
    earliest = due_date(today(), "hearing_notice")
    if hearing_on < earliest:
        errors["hearing_on"] = [
            _("Give notice at least the legal period before: not before %(day)s.") % {"day": earliest}
        ]
    chair = User.objects.filter(pk=chair_id, is_active=True).first()
    if (
        chair is None
        or chair.role not in (Role.SUPERVISOR, Role.OFFICER)
        or chair.authority_id
        not in (
            case.authority_id,
            NATIONAL,
        )
    ):
        errors["chair"] = [_("The chair must be staff of the handling authority.")]
    # §7 [F S30]: the chair did not investigate the case.
    elif case.assignments.filter(user=chair).exists():
        errors["chair"] = [_("The chair must not be one of the investigating officers.")]
    if not public and not (reason or "").strip():
        errors["reason"] = [_("A hearing is public unless secrets or privacy are involved: say which.")]
    if errors:
        raise ApplicationError(_("Invalid hearing."), errors=errors)

    def apply(c: Case) -> None:
        c.hearing_on = hearing_on
        c.hearing_place = place
        c.hearing_chair = chair
        c.hearing_public = public
        c.hearing_notified_on = today()

    return tr.case_transition(
        case_id=case.pk,
        to=S.HEARING_SCHEDULED,
        actor=actor,
        action="hearing_scheduled",
        reason=reason,
        apply=apply,
    )


def case_hold_hearing(*, actor, case_id: int, record: str) -> Case:
    case = load_case(case_id)
    require_handler(actor, case)
    errors: dict[str, list[str]] = {}
    record = required_text(errors, "record", record)
    if errors:
        raise ApplicationError(_("Invalid hearing record."), errors=errors)
    now = today()

    def check(c: Case) -> None:
        if c.hearing_on and now < c.hearing_on:
            raise Conflict(
                _("The hearing is set for %(day)s.") % {"day": c.hearing_on}, code="hearing_not_yet"
            )

    def apply(c: Case) -> None:
        c.hearing_record = record

    return tr.case_transition(
        case_id=case.pk, to=S.HEARING_HELD, actor=actor, action="hearing_held", check=check, apply=apply
    )


def case_extend(*, actor, case_id: int, days: int, reason: str) -> Case:
    """§7 [R, Art 60]: the 90-day decision period may be extended by the authority's head;
    the extension and its reason are recorded."""
    case = load_case(case_id)
    require_handler(actor, case)
    errors: dict[str, list[str]] = {}
    reason = required_text(errors, "reason", reason)
    if not isinstance(days, int) or days < 1 or days > 3650:
        errors["days"] = [_("Between 1 and 3650 days.")]
    if errors:
        raise ApplicationError(_("Invalid extension."), errors=errors)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in tr.UNDECIDED:
            raise Conflict(_("Only an undecided case can be extended."), code="invalid_transition")
        prev = case.decision_due_on
        case.decision_due_on = prev + dt.timedelta(days=days)
        # A new date: the overdue flag (if any) no longer holds and may be raised again.
        case.decision_overdue_flagged_at = None
        case.save(update_fields=["decision_due_on", "decision_overdue_flagged_at", "updated_at"])
        CaseExtension.objects.create(
            case=case,
            days=days,
            previous_due_on=prev,
            new_due_on=case.decision_due_on,
            reason=reason,
            approved_by=actor_fields(actor)[1],
        )
        tr.case_event(
            case=case,
            actor=actor,
            frm=case.status,
            to=case.status,
            action="extended",
            reason=reason,
            data={"days": days},
        )
        audit.record(
            actor=actor,
            action="enforcement.case_extended",
            obj=case,
            before={"decision_due_on": prev},
            after={"decision_due_on": case.decision_due_on},
            reason=reason,
        )
    return case


def case_withdraw(*, actor, case_id: int, reason: str) -> Case:
    """撤销立案: the case ends before any decision (no violation, wrong party, ...)."""
    case = load_case(case_id)
    require_handler(actor, case)
    errors: dict[str, list[str]] = {}
    reason = required_text(errors, "reason", reason)
    if errors:
        raise ApplicationError(_("Give the reasons."), errors=errors)

    def apply(c: Case) -> None:
        c.closed_reason = reason

    return tr.case_transition(
        case_id=case.pk, to=S.WITHDRAWN, actor=actor, action="withdrawn", reason=reason, apply=apply
    )
