"""Shape-only serializers for the enforcement API. The public ones carry no personal data:
no names of people, no officers, no evidence, no defence or hearing texts."""

from rest_framework import serializers

from config.api import MAX_INT
from enforcement.models import (
    AnnulmentKind,
    Case,
    CaseEvent,
    CaseExtension,
    Decision,
    DecisionEvent,
    Defence,
    Effect,
    Evidence,
    Outcome,
    PenaltyKind,
    SourceKind,
)

# Amounts as exact decimals, bounded so that no input overflows the column (a 400, not a 500).
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0, "max_value": 10**12 - 1}


class PenaltyCaseEventOutput(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["from_status", "to_status", "action", "actor_label", "reason", "data", "occurred_at"]


class PenaltyExtensionOutput(serializers.ModelSerializer):
    class Meta:
        model = CaseExtension
        fields = ["days", "previous_due_on", "new_due_on", "reason", "approved_by", "created_at"]


class PenaltyDefenceOutput(serializers.ModelSerializer):
    class Meta:
        model = Defence
        fields = ["id", "text", "submitted_at"]


class PenaltyEvidenceOutput(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "description", "uploaded_at"]


class PenaltyDecisionOutput(serializers.ModelSerializer):
    authority = serializers.CharField(source="authority_id")
    supersedes = serializers.CharField(source="supersedes.number", default=None)
    annulled = serializers.BooleanField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "case",
            "number",
            "authority",
            "outcome",
            "kind",
            "amount",
            "suspension_days",
            "title",
            "reasons",
            "legal_basis",
            "content",
            "decided_on",
            "status",
            "annulled",
            "supersedes",
            "delivered_on",
            "performance_status",
            "performance_due_on",
            "performed_on",
            "surcharge_due",
            "surcharge_as_of",
            "listing_due_on",
            "listing_late_flagged_at",
            "publish_due_on",
            "published_at",
            "publication_late_flagged_at",
            "annulment_kind",
            "annulment_ref",
            "annulled_on",
        ]


class PenaltyDecisionEventOutput(serializers.ModelSerializer):
    class Meta:
        model = DecisionEvent
        fields = ["from_status", "to_status", "action", "actor_label", "reason", "occurred_at"]


class PenaltyEffectOutput(serializers.ModelSerializer):
    class Meta:
        model = Effect
        fields = ["kind", "status", "attempts", "last_error", "result", "created_at", "done_at"]


class PenaltyDecisionDetailOutput(PenaltyDecisionOutput):
    events = PenaltyDecisionEventOutput(many=True)
    effects = PenaltyEffectOutput(many=True)

    class Meta(PenaltyDecisionOutput.Meta):
        fields = [*PenaltyDecisionOutput.Meta.fields, "events", "effects"]


class PenaltyCaseOutput(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    authority = serializers.CharField(source="authority_id")
    licence_number = serializers.CharField(source="licence.number", default=None)

    class Meta:
        model = Case
        fields = [
            "id",
            "enterprise_uscc",
            "enterprise_name",
            "authority",
            "licence_number",
            "source_kind",
            "source_ref",
            "status",
            "opened_on",
            "decision_due_on",
            "decision_overdue_flagged_at",
            "notice_sent_on",
            "intended_kind",
            "intended_amount",
            "hearing_right",
            "reply_due_on",
            "hearing_on",
        ]


class PenaltyCaseDetailOutput(PenaltyCaseOutput):
    """Staff view of a case. The party's view (PenaltyPartyCaseOutput) leaves out the internals."""

    officers = serializers.SerializerMethodField()
    events = PenaltyCaseEventOutput(many=True)
    extensions = PenaltyExtensionOutput(many=True)
    defences = PenaltyDefenceOutput(many=True)
    evidence = PenaltyEvidenceOutput(many=True)
    decisions = PenaltyDecisionOutput(many=True)

    class Meta(PenaltyCaseOutput.Meta):
        fields = [
            *PenaltyCaseOutput.Meta.fields,
            "facts",
            "provisions",
            "notice_text",
            "hearing_place",
            "hearing_public",
            "hearing_notified_on",
            "hearing_record",
            "closed_reason",
            "officers",
            "events",
            "extensions",
            "defences",
            "evidence",
            "decisions",
        ]

    def get_officers(self, obj: Case) -> list[str]:
        return [a.user.username for a in obj.assignments.all()]


# The party's view: no facts file, officers, evidence, events or hearing record (those
# may name informants and staff); the notice text is addressed to it, so it is shown.
class PenaltyPartyCaseOutput(PenaltyCaseOutput):
    defences = PenaltyDefenceOutput(many=True)
    decisions = PenaltyDecisionOutput(many=True)

    class Meta(PenaltyCaseOutput.Meta):
        fields = [
            *PenaltyCaseOutput.Meta.fields,
            "notice_text",
            "hearing_place",
            "hearing_notified_on",
            "defences",
            "decisions",
        ]


# --- inputs ---------------------------------------------------------------------------------


class PenaltyCaseInput(serializers.Serializer):
    uscc = serializers.CharField(max_length=40)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    source_ref = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    facts = serializers.CharField(max_length=20000)
    provisions = serializers.CharField(max_length=5000)
    authority = serializers.CharField(max_length=4, required=False, default="")
    licence_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    officers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT), max_length=20, allow_empty=True
    )


class PenaltyOfficersInput(serializers.Serializer):
    officers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT), min_length=1, max_length=20
    )


class PenaltyReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class PenaltyRequiredReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class PenaltyNoticeInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PenaltyKind.choices)
    amount = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    text = serializers.CharField(max_length=20000)


class PenaltyTextInput(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class PenaltyHearingInput(serializers.Serializer):
    hearing_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    chair = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    public = serializers.BooleanField(default=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PenaltyHearingRecordInput(serializers.Serializer):
    record = serializers.CharField(max_length=50000)


class PenaltyExtendInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=3650)
    reason = serializers.CharField(max_length=5000)


class PenaltyDecisionInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    kind = serializers.ChoiceField(choices=PenaltyKind.choices, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    suspension_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, allow_null=True, default=None
    )
    title = serializers.CharField(max_length=200)
    reasons = serializers.CharField(max_length=20000)
    legal_basis = serializers.CharField(max_length=5000)
    content = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class PenaltyCorrectionInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    kind = serializers.ChoiceField(choices=PenaltyKind.choices, required=False, allow_blank=True)
    amount = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    suspension_days = serializers.IntegerField(min_value=1, max_value=3650, required=False, allow_null=True)
    title = serializers.CharField(max_length=200, required=False)
    reasons = serializers.CharField(max_length=20000, required=False)
    legal_basis = serializers.CharField(max_length=5000, required=False)
    content = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class PenaltyDeliverInput(serializers.Serializer):
    delivered_on = serializers.DateField(required=False, allow_null=True, default=None)


class PenaltyPerformInput(serializers.Serializer):
    performed_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class PenaltyAnnulInput(serializers.Serializer):
    annulment_kind = serializers.ChoiceField(choices=AnnulmentKind.choices)
    reference = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=5000)
    annulled_on = serializers.DateField(required=False, allow_null=True, default=None)


class PenaltyEvidenceInput(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


# --- public (双公示) ------------------------------------------------------------------------

# §7 双公示 penalty fields [F S31], and nothing else: no people, no evidence, no file.
PUBLIC_FIELDS = [
    "number",
    "title",
    "kind",
    "kind_name",
    "reasons",
    "legal_basis",
    "enterprise_name",
    "enterprise_uscc",
    "result",
    "authority",
    "authority_name",
    "decided_on",
    "published_at",
    "annulled",
    "annulled_on",
    "superseded_by",
    "supersedes",
]


class PublicPenalty(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display")
    result = serializers.SerializerMethodField()
    authority = serializers.CharField(source="authority_id")
    authority_name = serializers.CharField(source="authority.name_zh")
    annulled = serializers.BooleanField()
    superseded_by = serializers.SerializerMethodField()
    supersedes = serializers.CharField(source="supersedes.number", default=None)

    class Meta:
        model = Decision
        fields = PUBLIC_FIELDS

    def get_result(self, obj: Decision) -> str:
        from enforcement.selectors import public_result

        return public_result(obj)

    def get_superseded_by(self, obj: Decision) -> str | None:
        nxt = getattr(obj, "superseded_by", None)
        return nxt.number if nxt is not None else None


class PublicPenaltyChange(PublicPenalty):
    change = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(source="public_updated_at")

    class Meta(PublicPenalty.Meta):
        fields = [*PUBLIC_FIELDS, "change", "updated_at"]

    # "added" when first published after ``since``; annulled and superseded say so.
    def get_change(self, obj: Decision) -> str:
        if obj.annulled:
            return "annulled"
        if obj.status == "superseded":
            return "superseded"
        return "added" if obj.published_at > self.context["since"] else "changed"


# Each filter is shape-checked here: a bad value is a 400 with the field named.
class PublicPenaltyQuery(serializers.Serializer):
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    authority = serializers.RegexField(r"^(MIIT|miit|\d{2})$", required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=PenaltyKind.choices, required=False, allow_blank=True, default="")
    province = serializers.RegexField(r"^\d{2}$", required=False, allow_blank=True, default="")
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, allow_null=True, default=None
    )
    annulled = serializers.BooleanField(required=False, allow_null=True, default=None)
    decided_from = serializers.DateField(required=False, allow_null=True, default=None)
    decided_to = serializers.DateField(required=False, allow_null=True, default=None)


class PenaltyChangesQuery(serializers.Serializer):
    since = serializers.DateTimeField()
