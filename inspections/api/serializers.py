"""Shapes of the inspections API: input serializers check format only; outputs never carry
personal data into a public response (badges, not names)."""

from rest_framework import serializers

from config.api import MAX_INT
from inspections.models import (
    Campaign,
    CampaignKind,
    Conflict,
    ConflictKind,
    Inspection,
    InspectionItem,
    Inspector,
    Method,
    Outcome,
    Severity,
)

CODE = {"max_length": 40}


class InspectionItemInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    title = serializers.CharField(max_length=200)
    legal_basis = serializers.CharField(max_length=5000)
    content = serializers.CharField(max_length=5000)
    method = serializers.ChoiceField(choices=Method.choices)
    authority = serializers.CharField(max_length=4, required=False)


class InspectionItemOutput(serializers.ModelSerializer):
    authority = serializers.CharField(source="authority_id")
    authority_name = serializers.CharField(source="authority.name_zh")

    class Meta:
        model = InspectionItem
        fields = ["code", "title", "legal_basis", "authority", "authority_name", "content", "method"]


class InspectorInput(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False)
    badge = serializers.CharField(max_length=32, required=False, allow_blank=True)
    authority = serializers.CharField(max_length=4, required=False)
    specialties = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=20, required=False
    )
    load_cap = serializers.IntegerField(min_value=1, max_value=1000, required=False)


class InspectorUpdate(serializers.Serializer):
    active = serializers.BooleanField(required=False)
    specialties = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=20, required=False
    )
    load_cap = serializers.IntegerField(min_value=1, max_value=1000, required=False)


class InspectorOutput(serializers.ModelSerializer):
    authority = serializers.CharField(source="authority_id")

    class Meta:
        model = Inspector
        fields = ["badge", "authority", "specialties", "active", "load_cap", "created_at"]


class ConflictDeclareInput(serializers.Serializer):
    badge = serializers.CharField(max_length=32, required=False)
    uscc = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(choices=ConflictKind.choices)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    employment_ended_on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ConflictEndInput(serializers.Serializer):
    ends_on = serializers.DateField(required=False)


class ConflictOutput(serializers.ModelSerializer):
    badge = serializers.CharField(source="inspector.badge")
    uscc = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")

    class Meta:
        model = Conflict
        fields = [
            "id",
            "badge",
            "uscc",
            "enterprise_name",
            "kind",
            "starts_on",
            "ends_on",
            "note",
            "created_at",
        ]


class CampaignInput(serializers.Serializer):
    code = serializers.CharField(**CODE)
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=CampaignKind.choices, default=CampaignKind.RANDOM)
    authority = serializers.CharField(max_length=4, required=False)
    legal_basis = serializers.CharField(max_length=5000)
    items = serializers.ListField(child=serializers.CharField(max_length=32), min_length=1, max_length=50)
    provinces = serializers.ListField(
        child=serializers.CharField(max_length=2), max_length=40, required=False
    )
    service_codes = serializers.ListField(
        child=serializers.CharField(max_length=8), max_length=60, required=False
    )
    season_start = serializers.DateField()
    season_end = serializers.DateField()
    base_rate = serializers.DecimalField(max_digits=6, decimal_places=5, required=False)
    exclusion_months = serializers.IntegerField(min_value=0, max_value=120, required=False)
    team_size = serializers.IntegerField(min_value=1, max_value=20, required=False)


class CampaignOutput(serializers.ModelSerializer):
    authority = serializers.CharField(source="authority_id")
    items = serializers.SerializerMethodField()
    draw = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "status",
            "authority",
            "legal_basis",
            "items",
            "provinces",
            "service_codes",
            "season_start",
            "season_end",
            "base_rate",
            "exclusion_months",
            "team_size",
            "result_working_days",
            "draw",
            "created_at",
        ]

    def get_items(self, obj) -> list[str]:
        return sorted(i.code for i in obj.items.all())

    def get_draw(self, obj) -> int | None:
        draw = getattr(obj, "draw", None) if hasattr(obj, "draw") else None
        return draw.pk if draw is not None else None


# The inputs are strings as read out (leading zeros of dice digits matter).
class DrawSeedInput(serializers.Serializer):
    seed_inputs = serializers.ListField(
        child=serializers.CharField(max_length=200), min_length=1, max_length=8
    )


class InspectionResultInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True, default="")
    facts = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    items = serializers.ListField(child=serializers.CharField(max_length=32), max_length=50, required=False)
    inspected_on = serializers.DateField()


class InspectionReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class InspectionRecusalInput(serializers.Serializer):
    badge = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=2000)


class InspectionSeatOutput(serializers.Serializer):
    badge = serializers.CharField()
    dealt = serializers.BooleanField()
    recused = serializers.BooleanField()
    confirmed_at = serializers.DateTimeField(allow_null=True)


class InspectionRecusalOutput(serializers.Serializer):
    badge = serializers.CharField()
    reason = serializers.CharField()
    replacement = serializers.CharField()
    at = serializers.DateTimeField()


# Staff view of one inspection: the team by badge, with confirmations, and its recusals.
class InspectionOutput(serializers.ModelSerializer):
    campaign = serializers.CharField(source="draw.campaign.code")
    draw = serializers.IntegerField(source="draw_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    registered_address = serializers.CharField(source="enterprise.registered_address")
    team = InspectionSeatOutput(source="assignments", many=True)
    recusals = InspectionRecusalOutput(many=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "campaign",
            "draw",
            "uscc",
            "enterprise_name",
            "registered_address",
            "stratum",
            "position",
            "ticket",
            "status",
            "due_on",
            "late_at",
            "outcome",
            "severity",
            "facts",
            "items",
            "inspected_on",
            "recorded_at",
            "published_at",
            "licence_numbers",
            "postchecks",
            "effects",
            "team",
            "recusals",
        ]

    def get_items(self, obj) -> list[str]:
        return sorted(i.code for i in obj.result_items.all())


# The public summary carries no seed until there is one: a frozen draw shows its hash only.
class PublicDrawSummary(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    campaign = serializers.CharField(source="campaign.code")
    title = serializers.CharField(source="campaign.title")
    kind = serializers.CharField(source="campaign.kind")
    authority = serializers.CharField(source="campaign.authority_id")
    status = serializers.SerializerMethodField()
    frame_hash = serializers.CharField()
    frame_published_at = serializers.DateTimeField(source="frozen_at")
    frame_size = serializers.IntegerField()
    seed = serializers.CharField()
    drawn_at = serializers.DateTimeField(allow_null=True)

    def get_status(self, obj) -> str:
        return "drawn" if obj.drawn_at else "frozen"


PUBLIC_RESULT_FIELDS = [
    "id",
    "enterprise_name",
    "uscc",
    "licence_numbers",
    "items",
    "inspected_on",
    "result",
    "authority",
    "campaign",
    "draw",
    "published_at",
]


class PublicResult(serializers.Serializer):
    # §3 published fields [D]: name, USCC, licence number, item, date, result, authority.
    id = serializers.IntegerField(source="pk")
    enterprise_name = serializers.CharField(source="enterprise.name")
    uscc = serializers.CharField()
    licence_numbers = serializers.ListField(child=serializers.CharField())
    items = serializers.SerializerMethodField()
    inspected_on = serializers.DateField()
    result = serializers.CharField(source="outcome")
    authority = serializers.CharField(source="draw.campaign.authority_id")
    campaign = serializers.CharField(source="draw.campaign.code")
    draw = serializers.IntegerField(source="draw_id")
    published_at = serializers.DateTimeField()

    def get_items(self, obj) -> list[str]:
        items = list(obj.result_items.all()) or list(obj.draw.campaign.items.all())
        return sorted(i.code for i in items)


class PublicResultQuery(serializers.Serializer):
    authority = serializers.CharField(max_length=4, required=False, default="")
    result = serializers.ChoiceField(choices=Outcome.choices, required=False, default="")
    uscc = serializers.CharField(max_length=40, required=False, default="")
    campaign = serializers.CharField(max_length=40, required=False, default="")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
