"""Complaints: telecom user appeals (Order 35) and Internet information-service complaints,
their events, clock pauses, attachments, SLA alerts and notifications, and the monthly
rollups the public statistics read (REGULATION.md §4; DESIGN.md, Architecture)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regulator import provinces


class Kind(models.TextChoices):
    TELECOM = "telecom", _("Telecom user appeal (Order 35)")
    INTERNET = "internet", _("Internet information-service complaint")


class Category(models.TextChoices):
    BILLING = "billing", _("Billing")
    NETWORK = "network", _("Network quality")
    UNSOLICITED = "unsolicited", _("Unsolicited calls or SMS")
    PERSONAL_INFO = "personal_info", _("Personal information")
    APP_RIGHTS = "app_rights", _("App user rights")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Telephone (12300)")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("In person")
    EMAIL = "email", _("E-mail")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    FORWARDED = "forwarded", _("Forwarded to the enterprise")
    RESPONDED = "responded", _("Enterprise responded")
    MEDIATING = "mediating", _("Mediating")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Unresolved (mediation ended)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RejectReason(models.TextChoices):
    # §4.1 [F S25]: the grounds on which an appeal is not accepted, one code each.
    TIME_BARRED = "time_barred", _("Time-barred (5 months for billing, 2 years otherwise)")
    NOT_RAISED = "not_raised_with_operator", _("Not first raised with the operator")
    ALREADY_SETTLED = "already_settled", _("Already settled")
    ALREADY_HANDLED = "already_handled", _("Already handled by the centre, a court or another body")
    OUT_OF_JURISDICTION = "out_of_jurisdiction", _("Out of jurisdiction")
    CONDITIONS_NOT_MET = "conditions_not_met", _("Conditions not met")


# In the public record (metrics.public_records; transitions.contribution tests the same).
RECORD = Q(public_on__isnull=False, accepted_on__isnull=False)


class Complaint(models.Model):
    # The id shown in the public record; nothing personal can be derived from it.
    public_id = models.CharField(max_length=20, unique=True)
    # sha256 of the complainant's tracking code: the code itself is never stored, so a
    # copy of the database does not let anyone act as a complainant.
    tracking_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    category = models.CharField(max_length=16, choices=Category.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    service = models.CharField(max_length=100, blank=True)
    description = models.TextField()
    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    respondent_licence_number = models.CharField(max_length=60, blank=True)
    # §4.1: the venue is the appeal centre of the operator's province; handlers of that
    # province's administration work it (national handlers, the 12300 centre, everywhere).
    province = models.CharField(max_length=2, choices=provinces.CHOICES)
    # Personal data of the complainant: never public, masked in staff lists, in full only
    # to the handler working the case.
    complainant_name = models.CharField(max_length=100)
    complainant_phone = models.CharField(max_length=32, blank=True)
    complainant_email = models.EmailField(blank=True)
    received_at = models.DateTimeField()
    received_on = models.DateField()  # Shanghai date of received_at: clocks start on dates
    # §4.1: for appeals, when the user first complained to the operator, and the date of
    # the disputed matter (the time bar runs from it).
    first_raised_on = models.DateField(null=True, blank=True)
    disputed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    reject_reason = models.CharField(max_length=32, choices=RejectReason.choices, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_on = models.DateField(null=True, blank=True)
    forwarded_on = models.DateField(null=True, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    enterprise_response = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Clock deadlines as last computed (the sweep recomputes them) and what they used.
    accept_due_on = models.DateField(null=True, blank=True)
    respond_due_on = models.DateField(null=True, blank=True)
    answer_due_on = models.DateField(null=True, blank=True)
    clock_version = models.CharField(max_length=40, blank=True)
    calendar_version = models.CharField(max_length=32, blank=True)
    paused = models.BooleanField(default=False)
    # Results, stamped with the definition in force when they were computed (§4.3).
    fast = models.BooleanField(null=True, blank=True)
    timely = models.BooleanField(null=True, blank=True)
    handling_days = models.PositiveIntegerField(null=True, blank=True)
    definition_version = models.CharField(max_length=40, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # The date the complaint entered the public record (closed, or its answer time passed:
    # CFPB publishes after the response or 15 days, whichever first). Never cleared.
    public_on = models.DateField(null=True, blank=True)
    # Stored rather than derived so the report indexes and rollups key on it directly.
    period = models.DateField()  # first day of the month received: the reporting period
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["province", "status"], name="complaint_prov_status"),
            models.Index(fields=["enterprise", "status"], name="complaint_ent_status"),
            models.Index(fields=["period", "enterprise"], name="complaint_period_ent"),
            # The public record (metrics.public_records), newest month first: one walk for
            # no filter or a period, one per other filter (complaints.records). Partial on the
            # record's condition, so a walk needs no table row to know a complaint is in the
            # record; the included columns test a second filter in the index too (province
            # and category, a few bytes each; an enterprise's walk is short anyway).
            models.Index(
                fields=["period", "id"],
                name="complaint_record_walk",
                condition=RECORD,
            ),
            models.Index(
                fields=["province", "period", "id"],
                include=["category"],
                name="complaint_record_province",
                condition=RECORD,
            ),
            models.Index(
                fields=["enterprise", "period", "id"],
                include=["province", "category"],
                name="complaint_record_enterprise",
                condition=RECORD,
            ),
            models.Index(
                fields=["category", "period", "id"],
                include=["province"],
                name="complaint_record_category",
                condition=RECORD,
            ),
            models.Index(
                fields=["status"],
                name="complaint_open",
                condition=~Q(status__in=["closed", "rejected"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="complaint_kind"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="complaint_status"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_5",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False) | ~Q(status="closed"),
                name="complaint_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status="rejected") & ~Q(reject_reason="") | ~Q(status="rejected"),
                name="complaint_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id


class ComplaintEvent(models.Model):
    """One step of a complaint, with actor and reason. Append-only by convention of the
    services (only ``transitions.record_event`` writes it)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
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
        return f"{self.complaint_id}: {self.from_status}→{self.to_status} ({self.action})"


class ComplaintPause(models.Model):
    """The clocks stop on the days in (paused_on, resumed_on] while the complainant is asked
    for material; kept as intervals so that deadlines recomputed under a new policy keep them."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="pauses")
    paused_on = models.DateField()
    resumed_on = models.DateField(null=True, blank=True)
    request = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"], condition=Q(resumed_on__isnull=True), name="complaint_one_open_pause"
            ),
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=models.F("paused_on")),
                name="complaint_pause_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: ({self.paused_on}, {self.resumed_on or '…'}]"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="complaints/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class AlertLevel(models.TextChoices):
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")


class SlaAlert(models.Model):
    """One threshold crossed by one clock of one complaint (per reopening cycle). The unique
    constraint is what makes the sweep notify once however often it runs."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="alerts")
    clock = models.CharField(max_length=16)
    level = models.CharField(max_length=16, choices=AlertLevel.choices)
    cycle = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "clock", "level", "cycle"], name="sla_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.clock} {self.level}"


class Notification(models.Model):
    """In-app notification for a staff member (listed by the API); e-mailed after commit."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(SlaAlert, on_delete=models.CASCADE, related_name="notifications")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "alert"], name="notification_once")]
        indexes = [models.Index(fields=["recipient", "-id"], name="notification_recipient")]

    def __str__(self) -> str:
        return self.subject


class Rollup(models.Model):
    """Additive counts of the public record per (month received, enterprise, category,
    province, kind), maintained in the same transaction as every change that moves a
    complaint's public contribution. Statistics sum these rows; a recomputation from the
    public records gives the same numbers (tested)."""

    period = models.DateField()
    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=16, choices=Category.choices)
    province = models.CharField(max_length=2, choices=provinces.CHOICES)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    records = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    fast_known = models.IntegerField(default=0)
    fast = models.IntegerField(default=0)
    timely_known = models.IntegerField(default=0)
    timely = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "enterprise", "category", "province", "kind"], name="complaint_rollup_key"
            ),
        ]
        indexes = [
            # The report per month and enterprise reads only these columns: an index-only
            # scan in enterprise order, summed without a hash table (bench complaints_report).
            models.Index(
                fields=["period", "enterprise"],
                include=[
                    "records",
                    "closed",
                    "fast_known",
                    "fast",
                    "timely_known",
                    "timely",
                    "rated",
                    "rating_sum",
                ],
                name="complaint_rollup_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.enterprise_id} {self.category} {self.province} {self.kind}"


class CreditFeed(models.Model):
    """One posting per enterprise and quarter (§2.4): the unique key makes the quarterly
    sweep post once however often it runs."""

    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=7)  # "2026-Q1"
    timely = models.IntegerField()
    timely_known = models.IntegerField()
    source_ref = models.CharField(max_length=80)
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise", "period"], name="complaint_credit_once")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period}"
