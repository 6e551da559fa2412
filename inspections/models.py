"""Models of "double random, one public" (双随机、一公开, REGULATION.md §3): the list of
inspection items (一单), the inspector roster and its conflicts (两库; the target roster is
read from licensing), campaigns, frozen frames and their draws, and the inspections with
their teams, recusals and results."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    # Order 42 Art 36 [F S3]: the four ways a telecom inspection is carried out.
    WRITTEN = "written", _("Written review")
    ON_SITE = "on_site", _("On-site inspection")
    NETWORK = "network", _("Network monitoring")
    THIRD_PARTY = "third_party", _("Third-party assessment")


class InspectionItem(models.Model):
    """One entry of the published list of inspection items: no inspection without a legal
    basis (国办发〔2015〕58号 [F S20])."""

    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    legal_basis = models.TextField()
    authority = models.ForeignKey("regulator.Authority", on_delete=models.PROTECT, related_name="+")
    content = models.TextField()
    method = models.CharField(max_length=16, choices=Method.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Inspector(models.Model):
    """A member of the inspector roster. The badge is the public id used in draws; the name
    stays internal (no personal data in a public response)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="inspector"
    )
    badge = models.CharField(max_length=32, unique=True)
    authority = models.ForeignKey("regulator.Authority", on_delete=models.PROTECT, related_name="+")
    specialties = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    load_cap = models.PositiveIntegerField(default=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["badge"]
        constraints = [
            models.CheckConstraint(condition=models.Q(load_cap__gte=1), name="inspector_cap_positive")
        ]

    def __str__(self) -> str:
        return self.badge


class ConflictKind(models.TextChoices):
    # REGULATION.md §3 recusal triggers [D] (sector practice: recusal on any interest [F S21]).
    KIN = "kin", _("Kin of the target's executives or owners")
    STAKE = "stake", _("A stake in the target")
    EMPLOYMENT = "employment", _("Employed by the target in the look-back period")
    PREVIOUS_ROUND = "previous_round", _("Inspected the same target in the previous round")
    SELF_DECLARED = "self_declared", _("Other conflict, self-declared")


class Conflict(models.Model):
    """A declared conflict of one inspector with one enterprise, dated; it applies from
    ``starts_on`` to ``ends_on`` inclusive (open-ended when blank)."""

    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="conflicts")
    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=ConflictKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["inspector", "enterprise"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="conflict_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector_id} × {self.enterprise_id} ({self.kind})"


class CampaignKind(models.TextChoices):
    RANDOM = "random", _("Random draw")
    # §3 [D]: every new notify-and-commit licence is checked outside the random draw; its
    # targets are all taken (rate 1) and only the inspectors are drawn.
    POSTCHECK = "postcheck", _("Post-issuance checks of notify-and-commit licences")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FROZEN = "frozen", _("Frame frozen, waiting for the seed")
    DRAWN = "drawn", _("Drawn")


class Campaign(models.Model):
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=CampaignKind.choices, default=CampaignKind.RANDOM)
    status = models.CharField(max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    authority = models.ForeignKey("regulator.Authority", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.TextField()
    items = models.ManyToManyField(InspectionItem, related_name="campaigns")
    # Scope of the target roster: blank lists mean the whole authority's licensees.
    provinces = models.JSONField(default=list, blank=True)
    service_codes = models.JSONField(default=list, blank=True)
    season_start = models.DateField()
    season_end = models.DateField()
    base_rate = models.DecimalField(max_digits=6, decimal_places=5)
    exclusion_months = models.PositiveIntegerField()
    team_size = models.PositiveIntegerField()
    result_working_days = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # §3: at least two inspectors per target [F S21].
            models.CheckConstraint(condition=models.Q(team_size__gte=2), name="campaign_team_of_two"),
            models.CheckConstraint(
                condition=models.Q(base_rate__gt=0, base_rate__lte=1), name="campaign_base_rate_range"
            ),
            models.CheckConstraint(
                condition=models.Q(season_end__gte=models.F("season_start")), name="campaign_season"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Draw(models.Model):
    """The frozen frame of one campaign and, once seeded, its draw. The frame document is
    stored exactly as published (``FrameChunk``), so its bytes hash to ``frame_hash``."""

    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT, related_name="draw")
    # Published at the freeze, before any seed exists (DESIGN.md step 1).
    frame_hash = models.CharField(max_length=64)
    frame_size = models.PositiveBigIntegerField()
    frozen_at = models.DateTimeField()
    # Strata as frozen: [{"name", "rate", "size", "take"}], frame order.
    strata = models.JSONField(default=list)
    # Entered at the draw: dice digits read at the ceremony, a named beacon value (step 2).
    seed_inputs = models.JSONField(default=list, blank=True)
    seed = models.CharField(max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # [{"target", "missing"}] from the dealing; recusals without a replacement are on the
    # recusal rows.
    shortfalls = models.JSONField(default=list, blank=True)
    cursor = models.PositiveIntegerField(default=0)
    # The frame's inspector side, kept beside the frame for recusals: {"inspectors": [...],
    # "conflicts": [...]} exactly as in the frame document.
    pool = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-frozen_at", "-id"]

    def __str__(self) -> str:
        return f"draw {self.pk}"


class FrameChunk(models.Model):
    """Consecutive slices of the frame's canonical JSON (UTF-8 text), append-only."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.TextField()

    class Meta:
        ordering = ["draw", "seq"]
        constraints = [models.UniqueConstraint(fields=["draw", "seq"], name="frame_chunk_seq")]

    def __str__(self) -> str:
        return f"{self.draw_id}/{self.seq}"


class InspectionStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RECORDED = "recorded", _("Result recorded")
    PUBLISHED = "published", _("Published")


class Outcome(models.TextChoices):
    # §3 published result values [D].
    OK = "ok", _("No problem found")
    FIXED = "fixed", _("Fixed on the spot")
    NOT_AT_ADDRESS = "not_at_address", _("Not found at the registered address")
    VIOLATION = "violation", _("Violation")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    GRAVE = "grave", _("Grave")


class Inspection(models.Model):
    """One selected target of a draw (its selection: stratum, position, ticket) and the
    inspection of it by the dealt team."""

    # No separate index on draw: the unique (draw, uscc) index leads with it. A draw writes
    # tens of thousands of rows at once, so every index saved shortens it.
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="inspections", db_index=False)
    enterprise = models.ForeignKey("regulator.Enterprise", on_delete=models.PROTECT, related_name="+")
    uscc = models.CharField(max_length=18)
    stratum = models.CharField(max_length=32)
    position = models.PositiveIntegerField()  # 1-based, within the stratum
    # The reference's ticket number, truncated as it publishes it (9 digits after leading 9s).
    ticket = models.CharField(max_length=40)
    status = models.CharField(
        max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.ASSIGNED
    )
    due_on = models.DateField(db_index=True)
    calendar_version = models.CharField(max_length=32)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices, blank=True)
    facts = models.TextField(blank=True)
    result_items = models.ManyToManyField(InspectionItem, blank=True, related_name="+")
    inspected_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    late_at = models.DateTimeField(null=True, blank=True)
    # The post-checks this inspection completes (post-issuance campaigns only).
    postchecks = models.JSONField(default=list, blank=True)
    licence_numbers = models.JSONField(default=list, blank=True)
    effects = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["draw", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "uscc"], name="inspection_once_per_draw"),
        ]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return f"inspection {self.pk} of {self.uscc}"


class Assignment(models.Model):
    """One inspector on one inspection's team. A recused member stays as a row with
    ``recused`` set, so the team history is public and replayable."""

    # Indexed by the unique (inspection, inspector) constraint, which leads with it.
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="assignments")
    badge = models.CharField(max_length=32)
    seq = models.PositiveIntegerField()  # dealing order within the team
    # Dealt by the draw (False: a replacement after a recusal).
    dealt = models.BooleanField(default=True)
    recused = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["inspection", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "inspector"], name="assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.badge} on {self.inspection_id}"


class Recusal(models.Model):
    """A recusal after the draw, replayed in id order after the draw's assignments."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="recusals")
    badge = models.CharField(max_length=32)
    reason = models.TextField()
    replacement = models.CharField(max_length=32, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.badge} recused from {self.inspection_id}"


class InspectionEvent(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    actor_label = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.from_status} → {self.to_status}"
