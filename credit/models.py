"""Credit: rules catalogue, append-only ledger, accounts, list entries with their events,
objections, repairs and dated sanctions (REGULATION.md §2; DESIGN.md, Credit)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from credit import conf


def default_validity_months() -> int:
    """§2.4 default model [D]: points count over a rolling period (CREDIT_DEFAULT_POINTS_MONTHS)."""
    return int(conf.get("CREDIT_DEFAULT_POINTS_MONTHS"))


class ListKind(models.TextChoices):
    BAD = "bad", _("Bad-operation list")
    DISHONEST = "dishonest", _("Dishonest list")


class ListEffect(models.TextChoices):
    NONE = "none", _("None")
    BAD = "bad", _("Bad-operation list")
    DISHONEST = "dishonest", _("Dishonest list")


class Rule(models.Model):
    """One line of the points catalogue. Editing bumps ``version``; RuleVersion keeps history."""

    code = models.CharField(max_length=64, unique=True)
    description_en = models.CharField(max_length=300)
    description_zh = models.CharField(max_length=300)
    points = models.IntegerField()
    list_effect = models.CharField(max_length=16, choices=ListEffect.choices, default=ListEffect.NONE)
    legal_basis = models.CharField(max_length=300, blank=True)
    # How long the points count; 0 = until reversed.
    validity_months = models.PositiveIntegerField(default=default_validity_months)
    # §2.2: the law lists these directly (licence revoked): published at once, with no
    # objection window before publication; the firm may still object afterwards (§2.3).
    direct_listing = models.BooleanField(default=False, db_default=False)
    # §1.6/§2.3 [F S4]: entries under this rule end when the annual report is filed and
    # confirmed (removal reason ``report_filed``); no other rule may end that way.
    annual_report = models.BooleanField(default=False, db_default=False)
    version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(list_effect__in=ListEffect.values), name="rule_list_effect"),
            models.CheckConstraint(condition=Q(version__gte=1), name="rule_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.points:+d}) v{self.version}"


class RuleVersion(models.Model):
    """Snapshot of a rule as of one version: what a ledger entry was made under."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    description_en = models.CharField(max_length=300)
    description_zh = models.CharField(max_length=300)
    points = models.IntegerField()
    list_effect = models.CharField(max_length=16, choices=ListEffect.choices)
    legal_basis = models.CharField(max_length=300, blank=True)
    validity_months = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["rule", "version"]
        constraints = [models.UniqueConstraint(fields=["rule", "version"], name="rule_version_unique")]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"


class EntryKind(models.TextChoices):
    POSTING = "posting", _("Posting")
    REVERSAL = "reversal", _("Reversal (correction)")
    EXPIRY = "expiry", _("Expiry")


class LedgerEntry(models.Model):
    """Append-only: a PostgreSQL trigger refuses UPDATE and DELETE (migration 0002).

    A reversal or expiry entry compensates exactly one posting (``reverses``), with the
    opposite points; the unique constraint makes a second compensation impossible.
    """

    # No index of its own: credit_ledger_ent_id (enterprise, id) serves every look-up by
    # enterprise, and each index is one more insert per posting (issue 17).
    enterprise = models.ForeignKey(
        "regulator.Enterprise", on_delete=models.PROTECT, related_name="credit_entries", db_index=False
    )
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="+")
    rule_version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=EntryKind.choices, default=EntryKind.POSTING)
    points = models.IntegerField()
    effective_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="compensated_by"
    )
    source_ref = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["enterprise", "id"], name="credit_ledger_ent_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "idempotency_key"],
                name="credit_ledger_idempotency",
                condition=Q(idempotency_key__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(kind="posting", reverses__isnull=True)
                | (Q(kind__in=["reversal", "expiry"]) & Q(reverses__isnull=False)),
                name="credit_ledger_compensation_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.points:+d}"


class ExpiryDue(models.Model):
    """A posting whose expiry is still to be posted: the expiry sweep's work queue.

    Bookkeeping, not the ledger. The row is written with its posting (same statement on
    the PostgreSQL fast path, same transaction elsewhere) and deleted in the transaction
    that compensates the posting (an expiry, or a correction first), so the table holds
    only live postings and the sweep's cost does not grow with the ledger's history (the
    ledger itself is append-only and cannot mark a posting done).

    The primary key (expires_at, entry) is the only index: the sweep reads it in order
    from the oldest due row, and a compensation deletes by it.
    """

    pk = models.CompositePrimaryKey("expires_at", "entry")
    expires_at = models.DateTimeField()
    # No constraints and no indexes of their own (each is work on every posting): the row
    # is built from the inserted entry itself, and ledger entries and enterprises with
    # entries are never deleted (append-only trigger, PROTECT).
    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.DO_NOTHING, db_index=False, db_constraint=False, related_name="+"
    )
    enterprise = models.ForeignKey(
        "regulator.Enterprise",
        on_delete=models.DO_NOTHING,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = "expiries due"

    def __str__(self) -> str:
        return f"#{self.entry_id} due {self.expires_at:%Y-%m-%d}"


class Account(models.Model):
    """Current score and grade of one enterprise, kept in step with the ledger under a row lock."""

    enterprise = models.OneToOneField(
        "regulator.Enterprise", primary_key=True, on_delete=models.PROTECT, related_name="credit_account"
    )
    score = models.IntegerField()
    grade = models.CharField(max_length=4)
    on_bad_list = models.BooleanField(default=False)
    on_dishonest_list = models.BooleanField(default=False)
    entry_count = models.PositiveIntegerField(default=0)
    last_entry_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enterprise"]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.score} {self.grade}"


class ListStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    NOTIFIED = "notified", _("Enterprise notified")
    OBJECTED = "objected", _("Objection pending")
    PUBLISHED = "published", _("Published")
    REMOVED = "removed", _("Removed")


class RemovalReason(models.TextChoices):
    EXPIRED = "expired", _("Retention period over")
    REPAIRED = "repaired", _("Credit repaired")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld")
    REPORT_FILED = "report_filed", _("Annual report filed and confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the authority")


class NoticeMethod(models.TextChoices):
    PLATFORM = "platform", _("Shown on the platform")
    POST = "post", _("Registered post")
    IN_PERSON = "in_person", _("Handed over in person")
    ANNOUNCEMENT = "announcement", _("Public announcement")


class ListEntry(models.Model):
    """A listing as an interval record (ANCHORS §2): never deleted, removal sets an end date.

    Name, USCC and province are copied at decision time: the published record says who was
    listed then, and the public search needs them on this table for its indexes.
    """

    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="listings")
    enterprise_name = models.CharField(max_length=200)
    enterprise_uscc = models.CharField(max_length=18, db_index=True)
    province = models.CharField(max_length=2, blank=True)
    licence_numbers = models.CharField(max_length=500, blank=True)
    list_kind = models.CharField(max_length=16, choices=ListKind.choices)
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="+")
    rule_version = models.PositiveIntegerField()
    reason = models.TextField()
    legal_basis = models.CharField(max_length=300, blank=True)
    # The deciding authority (列入单位, §2.1 [F S1]); ``authority`` keeps its name as it was
    # at decision time, for the published record.
    deciding_authority = models.ForeignKey(
        "regulator.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.CharField(max_length=200)
    source_ref = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=ListStatus.choices, default=ListStatus.PROPOSED)
    # Written notice of the intended listing (送达, §2.3): its text as sent, how it was
    # served and when it reached the enterprise; the objection window runs from delivery.
    # Columns added to existing tables carry database defaults, so bulk loaders that insert
    # with SQL (bench/) need not know them.
    notice_text = models.TextField(blank=True, default="", db_default="")
    notice_method = models.CharField(
        max_length=16, choices=NoticeMethod.choices, blank=True, default="", db_default=""
    )
    notice_delivered_on = models.DateField(null=True, blank=True)
    # §2.3 [F S19]: repair needs the penalty carried out; set when the entry was proposed
    # with that condition, and the day it was recorded as carried out.
    requires_fulfilment = models.BooleanField(default=False, db_default=False)
    fulfilled_on = models.DateField(null=True, blank=True)
    # §2.3 [D] escalation: the bad-list entries whose repetition caused this dishonest entry;
    # annulling any of them takes this one off too.
    escalation_basis = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="escalations"
    )
    removal_reason = models.CharField(max_length=32, choices=RemovalReason.choices, blank=True)
    decided_on = models.DateField()
    notified_on = models.DateField(null=True, blank=True)
    objection_due_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    retention_until = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)
    calendar_version = models.CharField(max_length=32, blank=True)
    ledger_entry = models.ForeignKey(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name_plural = "list entries"
        indexes = [
            models.Index(fields=["updated_at", "id"], name="credit_list_updated"),
            models.Index(fields=["status", "retention_until"], name="credit_list_status_ret"),
            models.Index(fields=["enterprise", "status"], name="credit_list_ent_status"),
            models.Index(
                fields=["list_kind", "status", "-published_on"],
                name="credit_list_public",
                condition=Q(published_on__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(list_kind__in=ListKind.values), name="list_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ListStatus.values), name="list_status_valid"),
            models.UniqueConstraint(
                fields=["enterprise", "list_kind", "source_ref"],
                name="list_entry_one_open_per_source",
                condition=~Q(source_ref="") & ~Q(status="removed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.list_kind} #{self.pk} {self.enterprise_uscc} {self.status}"

    @property
    def is_public(self) -> bool:
        return self.published_on is not None


class ListEvent(models.Model):
    """One change of a list entry. Append-only (trigger on PostgreSQL)."""

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.from_status}→{self.to_status}"


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")
    # The entry ended another way (withdrawn, expired) before the objection was answered.
    MOOT = "moot", _("Closed: the entry was removed")


class Objection(models.Model):
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="objections")
    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()
    grounds = models.TextField()
    status = models.CharField(max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING)
    reply_due_on = models.DateField()
    calendar_version = models.CharField(max_length=32)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], name="objection_one_pending", condition=Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"objection #{self.pk} on {self.entry_id} ({self.status})"


class RepairStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ACCEPTED = "accepted", _("Accepted")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class RepairRequest(models.Model):
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="repairs")
    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()
    statement = models.TextField()
    commitment = models.TextField()
    status = models.CharField(max_length=16, choices=RepairStatus.choices, default=RepairStatus.SUBMITTED)
    accept_due_on = models.DateField()
    decide_due_on = models.DateField(null=True, blank=True)
    calendar_version = models.CharField(max_length=32)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                name="repair_one_open",
                condition=Q(status__in=["submitted", "accepted"]),
            ),
        ]

    def __str__(self) -> str:
        return f"repair #{self.pk} on {self.entry_id} ({self.status})"


class Sanction(models.Model):
    """A dated restriction, e.g. the 1-year application ban after a false commitment (§1.1, §1.3)."""

    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(max_length=32)
    starts_on = models.DateField()
    until = models.DateField()
    reason = models.TextField()
    legal_basis = models.CharField(max_length=300, blank=True, default="", db_default="")
    authority = models.ForeignKey(
        "regulator.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_ref = models.CharField(max_length=200, blank=True)
    actor_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    # Lifting ends a sanction early (e.g. the decision behind it was set aside); the row stays.
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by_label = models.CharField(max_length=150, blank=True, default="", db_default="")
    lift_reason = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "until"], name="credit_sanction_active")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "source_ref"],
                name="sanction_one_per_source",
                condition=~Q(source_ref=""),
            ),
            models.CheckConstraint(condition=Q(until__gte=models.F("starts_on")), name="sanction_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.enterprise_id} until {self.until}"


class StatusEventBase(models.Model):
    """One status change of a case row (same shape as ListEvent). Append-only (trigger)."""

    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status} ({self.action})"


class ObjectionEvent(StatusEventBase):
    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="events")


class RepairEvent(StatusEventBase):
    repair = models.ForeignKey(RepairRequest, on_delete=models.PROTECT, related_name="events")


class GradeStatus(models.TextChoices):
    PUBLICITY = "publicity", _("In publicity")
    OBJECTED = "objected", _("Objection pending")
    FIXED = "fixed", _("Fixed")


class GradeRecord(models.Model):
    """The grade fixed for one enterprise and year (§2.4, Fujian model [F S18]): the score,
    the grade and the ledger entries that made it, published after a publicity period in
    which the enterprise may object. The year's decisions cite this, not the live score."""

    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="grades")
    year = models.PositiveIntegerField()
    score = models.IntegerField()
    grade = models.CharField(max_length=4)
    on_dishonest_list = models.BooleanField(default=False)
    # [{"id", "rule", "points", "effective_at"}] of the live postings at the sweep.
    entries = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=GradeStatus.choices, default=GradeStatus.PUBLICITY)
    computed_at = models.DateTimeField()
    publicity_until = models.DateField()
    calendar_version = models.CharField(max_length=32)
    fixed_on = models.DateField(null=True, blank=True)
    objection_grounds = models.TextField(blank=True)
    objection_answer = models.TextField(blank=True)
    original_grade = models.CharField(max_length=4, blank=True)

    class Meta:
        ordering = ["-year", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="grade_one_per_year"),
            models.CheckConstraint(condition=Q(status__in=GradeStatus.values), name="grade_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "publicity_until"], name="credit_grade_due")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}: {self.grade}"


class GradeEvent(StatusEventBase):
    record = models.ForeignKey(GradeRecord, on_delete=models.PROTECT, related_name="events")


class AdmonitionTask(models.Model):
    """§2.4 [F S18]: a B grade calls for an admonition talk (约谈) by a supervisor of the
    enterprise's authority. A task row, done when the talk is recorded."""

    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    grade_record = models.OneToOneField(GradeRecord, on_delete=models.PROTECT, related_name="admonition")
    province = models.CharField(max_length=2, blank=True)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by_label = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"admonition {self.enterprise_id} (record {self.grade_record_id})"
