"""Administrative penalty cases (行政处罚) and their decisions (REGULATION.md §7), the effects
those decisions have on credit and licensing (§2.1-2.3), and 双公示 publication.

A case is handled by one authority (MIIT or a provincial administration). A decision is a
document with a number unique per authority and year; once delivered it never changes:
a correction is a new decision that supersedes it, an annulment marks it annulled (it stays
published, §7 双公示). Every status change writes an event row (append-only).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection result")
    COMPLAINT = "complaint", _("Complaint")
    MONITORING = "monitoring", _("Monitoring lead")
    REFERRAL = "referral", _("Referral from another authority")
    MANUAL = "manual", _("Opened by hand")


class CaseStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    INVESTIGATING = "investigating", _("Investigating")
    NOTICE_SENT = "notice_sent", _("Notice of intended penalty sent")
    HEARING_REQUESTED = "hearing_requested", _("Hearing requested")
    HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
    HEARING_HELD = "hearing_held", _("Hearing held")
    DECIDED = "decided", _("Decided")
    ENFORCEMENT = "enforcement", _("Compulsory enforcement applied for")
    PERFORMED = "performed", _("Performed")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Case(models.Model):
    enterprise = models.ForeignKey(
        "regulator.Enterprise", on_delete=models.PROTECT, related_name="penalty_cases"
    )
    # The authority that handles (and decides) the case; its supervisors act on it.
    authority = models.ForeignKey(
        "regulator.Authority", on_delete=models.PROTECT, related_name="penalty_cases"
    )
    # A licence matter (the licence concerned): officers of the authority may handle it too.
    licence = models.ForeignKey(
        "licensing.Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="penalty_cases"
    )
    # Where the case came from (issue 12 §1); with source_ref it makes opening idempotent.
    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)
    source_ref = models.CharField(max_length=200, blank=True)
    facts = models.TextField()
    provisions = models.TextField()
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPENED)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="CaseOfficer", related_name="+")
    opened_on = models.DateField()
    # §7 [R, Art 60]: 90 days from opening, moved only by a recorded extension.
    decision_due_on = models.DateField()
    decision_overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    # Notice of the intended penalty (告知): what, why, and the party's rights.
    notice_sent_on = models.DateField(null=True, blank=True)
    notice_text = models.TextField(blank=True)
    intended_kind = models.CharField(max_length=16, blank=True)
    intended_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Fixed at the notice: whether the intended penalty lets the party ask for a hearing.
    hearing_right = models.BooleanField(default=False)
    # The end of the party's period to reply or ask for a hearing (5 working days, §7).
    reply_due_on = models.DateField(null=True, blank=True)
    # Hearing (听证), when requested.
    hearing_requested_at = models.DateTimeField(null=True, blank=True)
    hearing_on = models.DateField(null=True, blank=True)
    hearing_place = models.CharField(max_length=200, blank=True)
    hearing_public = models.BooleanField(default=True)
    hearing_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hearing_notified_on = models.DateField(null=True, blank=True)
    hearing_record = models.TextField(blank=True)
    closed_reason = models.TextField(blank=True)
    # DESIGN.md: a deadline stores the calendar version it was computed with.
    calendar_version = models.CharField(max_length=32, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["authority", "status"], name="enf_case_auth_status"),
            models.Index(fields=["enterprise", "status"], name="enf_case_ent_status"),
            models.Index(fields=["status", "decision_due_on"], name="enf_case_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="enf_case_status_valid"),
            models.CheckConstraint(
                condition=Q(source_kind__in=SourceKind.values), name="enf_case_source_valid"
            ),
            # One case per source (an inspection finding, a complaint): case_open is idempotent.
            models.UniqueConstraint(
                fields=["source_kind", "source_ref"],
                name="enf_case_one_per_source",
                condition=~Q(source_ref=""),
            ),
            models.CheckConstraint(
                condition=Q(decision_due_on__gte=models.F("opened_on")), name="enf_case_due_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"case #{self.pk} {self.enterprise_id} {self.status}"


# The enforcement officers of a case (§7: at least two investigate it).
class CaseOfficer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="enf_officer_once")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user_id}"


class CaseEvent(models.Model):
    """One change of a case (or a dated step inside a state). Append-only on PostgreSQL."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
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
        return f"{self.case_id}: {self.from_status}→{self.to_status}"


class CaseExtension(models.Model):
    """The decision deadline extended by the authority's head, with the reason (§7, Art 60)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveIntegerField()
    previous_due_on = models.DateField()
    new_due_on = models.DateField()
    reason = models.TextField()
    approved_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="enf_extension_positive")]

    def __str__(self) -> str:
        return f"{self.case_id}: +{self.days} days"


class Defence(models.Model):
    """The party's statement and defence (陈述、申辩) after the notice."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="defences")
    text = models.TextField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"defence #{self.pk} on {self.case_id}"


class Evidence(models.Model):
    """An evidence file: bytes in storage (never in the database), hash and metadata here."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    # The storage name is derived from the content hash (services.cases.evidence_add).
    file = models.FileField(upload_to="enforcement/evidence/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "evidence"
        # The same file uploaded twice to one case is one piece of evidence.
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="enf_evidence_once_per_case")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class Outcome(models.TextChoices):
    PENALTY = "penalty", _("Penalty")
    NO_PENALTY = "no_penalty", _("No penalty")


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    CONFISCATION = "confiscation", _("Confiscation of illegal gains")
    SUSPENSION = "suspension", _("Suspension of business")
    REVOCATION = "revocation", _("Licence revocation")


class DecisionStatus(models.TextChoices):
    MADE = "made", _("Made, not yet delivered")
    DELIVERED = "delivered", _("Delivered")
    SUPERSEDED = "superseded", _("Superseded by a correction")
    ANNULLED = "annulled", _("Annulled")


class PerformanceStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Nothing to perform")
    PENDING = "pending", _("Pending")
    OVERDUE = "overdue", _("Not performed by the deadline")
    PERFORMED = "performed", _("Performed")


class AnnulmentKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
    COURT = "court", _("Court judgment")


# Locked row per authority and year: numbers are handed out one at a time, never twice.
class DecisionNumberSequence(models.Model):
    """Per authority per year sequence of decision document numbers; rows are locked."""

    authority = models.ForeignKey("regulator.Authority", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="enf_number_seq_unique")]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.year}: {self.last}"


class Decision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    authority = models.ForeignKey("regulator.Authority", on_delete=models.PROTECT, related_name="+")
    # Document number parts: unique per authority and year (issue 12 §2).
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=60)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    kind = models.CharField(max_length=16, choices=PenaltyKind.choices, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    suspension_days = models.PositiveIntegerField(null=True, blank=True)
    # Only for a revocation: the licence it revokes (the case's licence).
    licence = models.ForeignKey(
        "licensing.Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 处罚名称, published (§7 双公示 fields).
    title = models.CharField(max_length=200)
    reasons = models.TextField()
    legal_basis = models.TextField()
    content = models.TextField(blank=True)
    decided_on = models.DateField()
    status = models.CharField(max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.MADE)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # Copied at decision time: the published record names who was penalised then.
    enterprise_name = models.CharField(max_length=200)
    enterprise_uscc = models.CharField(max_length=18, db_index=True)
    province = models.CharField(max_length=2, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    performance_status = models.CharField(
        max_length=16, choices=PerformanceStatus.choices, default=PerformanceStatus.NOT_REQUIRED
    )
    performance_due_on = models.DateField(null=True, blank=True)
    performed_on = models.DateField(null=True, blank=True)
    performance_note = models.TextField(blank=True)
    # §7: late-payment surcharge as of ``surcharge_as_of`` (fixed when payment is recorded).
    surcharge_due = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    surcharge_as_of = models.DateField(null=True, blank=True)
    # §2.1: listed within 30 days of the decision; the sweep flags a late one.
    listing_due_on = models.DateField(null=True, blank=True)
    listing_late_flagged_at = models.DateTimeField(null=True, blank=True)
    # §7 双公示: published within 7 working days; the sweep flags a late one.
    publish_due_on = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    publication_late_flagged_at = models.DateTimeField(null=True, blank=True)
    # An annulled decision stays published, marked (§7 双公示; issue 12 §4).
    annulment_kind = models.CharField(max_length=20, choices=AnnulmentKind.choices, blank=True)
    annulment_ref = models.CharField(max_length=200, blank=True)
    annulled_on = models.DateField(null=True, blank=True)
    annulment_reason = models.TextField(blank=True)
    calendar_version = models.CharField(max_length=32, blank=True)
    decided_by = models.CharField(max_length=150)
    # Bumped whenever the public record changes (published, annulled, superseded): the
    # public changes feed reads it.
    public_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["public_updated_at", "id"], name="enf_dec_public_upd"),
            models.Index(
                fields=["-decided_on", "-id"], name="enf_dec_public", condition=Q(published_at__isnull=False)
            ),
            models.Index(fields=["status", "performance_status", "performance_due_on"], name="enf_dec_perf"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year", "sequence"], name="enf_decision_number_seq"),
            models.UniqueConstraint(
                fields=["authority", "year", "number"], name="enf_decision_number_unique"
            ),
            # One live decision per case: a correction supersedes the one before.
            models.UniqueConstraint(
                fields=["case"], name="enf_decision_one_live", condition=Q(status__in=["made", "delivered"])
            ),
            models.CheckConstraint(condition=Q(status__in=DecisionStatus.values), name="enf_decision_status"),
            # A no-penalty decision carries no kind or amount; a penalty always a kind.
            models.CheckConstraint(
                condition=Q(outcome="no_penalty", kind="", amount__isnull=True)
                | (Q(outcome="penalty") & Q(kind__in=PenaltyKind.values)),
                name="enf_decision_outcome_kind",
            ),
            # Money penalties name a positive sum.
            models.CheckConstraint(
                condition=~Q(kind__in=["fine", "confiscation"]) | Q(amount__gt=0), name="enf_decision_amount"
            ),
            # A revocation names the licence it revokes.
            models.CheckConstraint(
                condition=~Q(kind="revocation") | Q(licence__isnull=False),
                name="enf_decision_revocation_licence",
            ),
            models.CheckConstraint(condition=Q(surcharge_due__gte=0), name="enf_decision_surcharge"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_penalty(self) -> bool:
        return self.outcome == Outcome.PENALTY

    @property
    def annulled(self) -> bool:
        return self.status == DecisionStatus.ANNULLED


class DecisionEvent(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="events")
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
        return f"{self.decision_id}: {self.from_status}→{self.to_status}"


class EffectKind(models.TextChoices):
    BAD_LISTING = "bad_listing", _("Penalty-based bad-list entry proposed")
    REVOCATION = "revocation", _("Licence revoked")
    DISHONEST_LISTING = "dishonest_listing", _("Penalty not carried out: dishonest-list entry proposed")
    FULFILMENT = "fulfilment", _("Penalty fulfilled: listing marked")
    WITHDRAWAL = "withdrawal", _("Listings withdrawn")


class EffectStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# The outbox between a decision and the other apps (services.effects).
class Effect(models.Model):
    """An outbox row: one effect of one decision on another app. The unique constraint makes
    each effect happen at most once per decision; it is marked done in the same transaction
    as the other app's write, so it happens exactly once."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="effects")
    kind = models.CharField(max_length=20, choices=EffectKind.choices)
    status = models.CharField(max_length=16, choices=EffectStatus.choices, default=EffectStatus.PENDING)
    requested_by = models.CharField(max_length=150)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "created_at"], name="enf_effect_pending")]
        constraints = [
            models.UniqueConstraint(fields=["decision", "kind"], name="enf_effect_once"),
            models.CheckConstraint(condition=Q(kind__in=EffectKind.values), name="enf_effect_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of decision {self.decision_id} ({self.status})"
