"""Licensing data: catalogue, applications (two paths), deadlines, commitments, licences
and their signed versions, post-issuance checks, annual reports (REGULATION.md §1).

Statuses are assigned only by the transition functions in ``licensing.services``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MIIT = "MIIT"


class ServiceKind(models.TextChoices):
    BASIC = "basic", _("Basic telecom")
    VALUE_ADDED = "value_added", _("Value-added telecom")


class ServiceCategory(models.Model):
    """One line of the 2015 catalogue (§1.8). Capital thresholds left blank use the settings."""

    code = models.CharField(max_length=4, unique=True)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=ServiceKind.choices)
    min_capital_one_province = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    min_capital_cross_region = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("service categories")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def group(self) -> str:
        """Licence-number class: A1, A2, B1 or B2."""
        return self.code[:2]


class ConditionsStatement(models.Model):
    """The authority's one-time statement of conditions, materials, supervision rules and
    the consequences of breach (§1.3). Versions are never edited; a new one supersedes."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"conditions v{self.version}"


class Path(models.TextChoices):
    STANDARD = "standard", _("Standard")
    NOTIFY_COMMIT = "notify_commit", _("Notify and commit")


class AppKind(models.TextChoices):
    NEW = "new", _("New licence")
    RENEWAL = "renewal", _("Renewal")
    CHANGE = "change", _("Prior-approval change")


class AppStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_CORRECTION = "needs_correction", _("Needs correction")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ISSUED = "issued", _("Issued")
    SUBMITTED_WITH_COMMITMENT = "submitted_with_commitment", _("Submitted with commitment")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TERMINAL_APP_STATUSES = (
    AppStatus.NOT_ACCEPTED,
    AppStatus.REJECTED,
    AppStatus.ISSUED,
    AppStatus.WITHDRAWN,
)


class Application(models.Model):
    enterprise = models.ForeignKey(
        "regulator.Enterprise", on_delete=models.PROTECT, related_name="applications"
    )
    kind = models.CharField(max_length=16, choices=AppKind.choices, default=AppKind.NEW)
    licence = models.ForeignKey(
        "licensing.Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    path = models.CharField(max_length=16, choices=Path.choices, blank=True)
    status = models.CharField(
        max_length=32, choices=AppStatus.choices, default=AppStatus.DRAFT, db_index=True
    )
    categories = models.ManyToManyField(ServiceCategory, related_name="applications")
    coverage = models.JSONField(default=list)  # province codes, sorted
    # §1.1: the issuing authority, from the kernel's authority table ("MIIT" or a
    # province code). Officers act only on their own authority's cases (issue 8).
    issuer = models.ForeignKey(
        "regulator.Authority", on_delete=models.PROTECT, db_column="issuer", related_name="+"
    )
    foreign_invested = models.BooleanField(default=False)
    registered_capital = models.DecimalField(max_digits=14, decimal_places=2)
    staff_count = models.PositiveIntegerField()
    premises = models.TextField()
    security_measures = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    correction_items = models.JSONField(default=list, blank=True)
    auto_check_result = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["enterprise", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(registered_capital__gte=0), name="app_capital_nonneg"),
            models.CheckConstraint(
                condition=models.Q(kind="new") | models.Q(licence__isnull=False), name="renewal_has_licence"
            ),
        ]

    def __str__(self) -> str:
        return f"application #{self.pk} ({self.status})"

    @property
    def category_codes(self) -> list[str]:
        return sorted(c.code for c in self.categories.all())


class ApplicationEvent(models.Model):
    """Append-only history of an application's transitions (trigger on PostgreSQL)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=32)
    to_status = models.CharField(max_length=32)
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    data = models.JSONField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Material(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="materials")
    kind = models.CharField(max_length=40)
    file = models.FileField(upload_to="licensing/materials/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.kind})"


class DeadlineKind(models.TextChoices):
    CORRECTION = "correction", _("Correction request")
    ACCEPTANCE = "acceptance", _("Acceptance")
    DECISION = "decision", _("Decision")
    ISSUE = "issue", _("Issue")
    COMMIT_DECISION = "commit_decision", _("Notify-and-commit decision")
    RENEWAL_ACCEPTANCE = "renewal_acceptance", _("Renewal acceptance")
    RENEWAL_DECISION = "renewal_decision", _("Renewal decision")


class Deadline(models.Model):
    """A statutory clock on an application: the resolved date and the calendar version."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    starts_on = models.DateField()
    due_on = models.DateField(db_index=True)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=10)  # working | calendar
    calendar_version = models.CharField(max_length=32)
    met_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_on}"


class Commitment(models.Model):
    """The applicant's signed commitment (§1.3): who, to which statement, when, and the
    SHA-256 of the canonical JSON of everything committed to."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="commitment")
    statement = models.ForeignKey(ConditionsStatement, on_delete=models.PROTECT, related_name="commitments")
    signatory_name = models.CharField(max_length=100)
    signatory_title = models.CharField(max_length=100)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    committed = models.JSONField()
    committed_sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"commitment for application {self.application_id}"


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    # §1.5: a renewal filed in time keeps the licence in force until it is decided.
    RENEWAL_PENDING = "renewal_pending", _("Renewal pending (in force)")
    CANCELLED = "cancelled", _("Cancelled")
    # 吊销: a penalty for conduct after the grant.
    REVOKED = "revoked", _("Revoked")
    # 撤销: the grant itself is undone (obtained by fraud or a false commitment). Its own
    # message context: an application "withdrawn" by the applicant is 撤回, not 撤销.
    WITHDRAWN = "withdrawn", pgettext_lazy("licence status", "Withdrawn")


ACTIVE_LICENCE_STATUSES = (
    LicenceStatus.VALID,
    LicenceStatus.EXPIRING,
    LicenceStatus.SUSPENDED,
    LicenceStatus.RENEWAL_PENDING,
)
# What the public sees as "in force" (a suspended licence is not).
IN_FORCE_STATUSES = (LicenceStatus.VALID, LicenceStatus.EXPIRING, LicenceStatus.RENEWAL_PENDING)
TERMINAL_LICENCE_STATUSES = (LicenceStatus.CANCELLED, LicenceStatus.REVOKED, LicenceStatus.WITHDRAWN)


class Licence(models.Model):
    number = models.CharField(max_length=40, unique=True)
    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="licences")
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="issued_licence"
    )
    issuer = models.ForeignKey(
        "regulator.Authority", on_delete=models.PROTECT, db_column="issuer", related_name="+"
    )
    path = models.CharField(max_length=16, choices=Path.choices)
    categories = models.JSONField(default=list)
    coverage = models.JSONField(default=list)
    valid_from = models.DateField()
    valid_until = models.DateField(db_index=True)
    status = models.CharField(max_length=16, choices=LicenceStatus.choices, db_index=True)
    status_reason = models.TextField(blank=True)
    status_legal_basis = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    issued_at = models.DateTimeField()
    # Imported from the register of licences issued before telereg (import_licences).
    imported = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")), name="licence_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class LicenceVersion(models.Model):
    """One immutable signed e-licence document; append-only (trigger on PostgreSQL)."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    document = models.JSONField()
    document_sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=120)
    key_id = models.CharField(max_length=64)
    change = models.CharField(max_length=40)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["licence_id", "version"]
        constraints = [models.UniqueConstraint(fields=["licence", "version"], name="licence_version_unique")]

    def __str__(self) -> str:
        return f"{self.licence_id} v{self.version}"


class LicenceEvent(models.Model):
    """Append-only history of a licence's status changes (trigger on PostgreSQL)."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    legal_basis = models.TextField(blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.from_status} → {self.to_status}"


class NumberSequence(models.Model):
    """Per issuer per year licence-number sequence (§1.4); rows are locked to allocate."""

    issuer = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "year"], name="number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.issuer}/{self.year}: {self.last}"


class PostCheckStatus(models.TextChoices):
    DUE = "due", _("Due")
    PASSED = "passed", _("Passed")
    RECTIFYING = "rectifying", _("Rectifying")
    RECTIFIED = "rectified", _("Rectified")
    REVOKED = "revoked", _("Revoked (false commitment)")


class PostCheck(models.Model):
    licence = models.OneToOneField(Licence, on_delete=models.PROTECT, related_name="postcheck")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="postcheck")
    status = models.CharField(max_length=16, choices=PostCheckStatus.choices, default=PostCheckStatus.DUE)
    due_on = models.DateField(db_index=True)
    rectify_by = models.DateField(null=True, blank=True)
    calendar_version = models.CharField(max_length=32)
    findings = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"post-check {self.pk} ({self.status})"


class PostCheckEvent(models.Model):
    postcheck = models.ForeignKey(PostCheck, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.postcheck_id}: {self.from_status} → {self.to_status}"


class AnnualReportStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    RETURNED = "returned", _("Returned for correction")
    CONFIRMED = "confirmed", _("Confirmed")


class AnnualReport(models.Model):
    """The §1.6 report for ``year``, filed in Q1 of the next year."""

    enterprise = models.ForeignKey(
        "regulator.Enterprise", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveIntegerField()
    # The authority the report is filed with (officers are scoped by it): the issuer of
    # the enterprise's MIIT licence if it holds one, else its provincial administration.
    authority = models.ForeignKey(
        "regulator.Authority", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(
        max_length=16, choices=AnnualReportStatus.choices, default=AnnualReportStatus.FILED
    )
    operations = models.TextField()
    changes = models.TextField()
    service_quality = models.TextField()
    security_measures = models.TextField()
    special_terms = models.TextField(blank=True)
    other_items = models.TextField(blank=True)
    publish_optional_items = models.BooleanField(default=False)  # items 5-6 public only on opt-in
    # §1.6 [F S12] must-publish facts the report states (besides the register's own).
    registered_capital = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    ownership_type = models.CharField(max_length=40, blank=True)
    # 上市情况: whether (and where) the company's shares are listed on an exchange.
    listing_status = models.CharField(max_length=100, blank=True)
    branches = models.JSONField(default=list, blank=True)
    # §1.6 [F S12] opt-in figures: public only when ``publish_financials`` is set.
    revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    cost = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    telecom_revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    publish_financials = models.BooleanField(default=False)
    return_reasons = models.JSONField(default=list, blank=True)
    complaint_hotline = models.CharField(max_length=32, blank=True)
    complaint_count = models.PositiveIntegerField(default=0)
    complaint_reply_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    late = models.BooleanField(default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="annual_report_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} ({self.status})"


class AnnualReportEvent(models.Model):
    """Append-only history of an annual report's status changes."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status} → {self.to_status}"


class AnnualReportMissing(models.Model):
    """The sweep's claim that ``enterprise`` filed nothing for ``year`` by the deadline;
    unique so a second sweep finds the row and acts no more."""

    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    found_at = models.DateTimeField()
    source_ref = models.CharField(max_length=100, unique=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="ar_missing_unique")]

    def __str__(self) -> str:
        return self.source_ref


class DecisionKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    CHANGE = "change", _("Change")
    RENEWAL = "renewal", _("Renewal")
    CANCELLATION = "cancellation", _("Cancellation")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    REVOCATION = "revocation", _("Revocation")


class LicensingDecision(models.Model):
    """One licensing decision for 双公示 (REGULATION.md §7): published within the
    publication deadline with its document number, item, category, content, holder USCC and
    deciding authority. No personal data and no internal notes."""

    authority = models.ForeignKey("regulator.Authority", on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=16, choices=DecisionKind.choices, db_index=True)
    item = models.CharField(max_length=100)
    category = models.CharField(max_length=20)
    content = models.TextField()
    holder_name = models.CharField(max_length=200)
    holder_uscc = models.CharField(max_length=18, db_index=True)
    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    licence_number = models.CharField(max_length=40, blank=True)
    decided_at = models.DateTimeField()
    decided_on = models.DateField(db_index=True)
    publish_due = models.DateField(db_index=True)
    calendar_version = models.CharField(max_length=32)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    held_reason = models.TextField(blank=True)
    late_flagged_at = models.DateTimeField(null=True, blank=True)
    source_ref = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return self.document_number


class DecisionSequence(models.Model):
    """Per authority per year decision-document sequence; the row is locked to allocate."""

    authority = models.ForeignKey("regulator.Authority", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="decision_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.year}: {self.last}"


class ChangeFiling(models.Model):
    """§1.5: a change of name, address or legal representative in the business register,
    filed within CHANGE_FILING days of that change (``late`` if not). Filing updates the
    register and re-signs every live licence of the enterprise (§1.7)."""

    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    changed_on = models.DateField()  # the date of the business-registration change
    due_on = models.DateField()
    before = models.JSONField()
    after = models.JSONField()
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    late = models.BooleanField(default=False)
    licences_resigned = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"change filing {self.pk} ({self.enterprise_id})"


class CancellationStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Cancellation(models.Model):
    """注销 (§1.5): the holder stops some or all services of a licence after settling its
    users, giving CANCELLATION_NOTICE_DAYS' notice; an officer of the issuer confirms."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="cancellations")
    categories = models.JSONField()  # the services stopped (all of them = the whole licence)
    users_settled = models.BooleanField()
    users_statement = models.TextField()
    stop_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=CancellationStatus.choices, default=CancellationStatus.FILED
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"cancellation {self.pk} ({self.status})"


class CancellationEvent(models.Model):
    cancellation = models.ForeignKey(Cancellation, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.cancellation_id}: {self.from_status} → {self.to_status}"


class Notification(models.Model):
    """An in-app notice to one user (issue 11 point 12); e-mailed too when the user has an
    address. Licensing's own, independent of the other apps' notices."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    event = models.CharField(max_length=60)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "-id"], name="lic_notification_recipient")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "object_type", "object_id", "event"], name="lic_notification_once"
            )
        ]

    def __str__(self) -> str:
        return self.subject
