"""Complaint serializers: shape and format only. Personal data is masked unless the view
says the reader is the handler working the case; public serializers have no personal field
and no free text at all."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.metrics import GROUPS, RECORD_FIELDS
from complaints.models import Category, Channel, Complaint, Kind, Outcome, RejectReason
from regulator import provinces


def mask_name(name: str) -> str:
    # Keep the first character (the family name in Chinese use): "张三丰" → "张**".
    return (name[:1] + "*" * (len(name) - 1)) if name else ""


# Mainland mobile numbers are 11 digits: the first 3 (carrier) and last 4 stay,
# as on operators' own bills.
def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_email(email: str) -> str:
    if "@" not in (email or ""):
        return ""
    user, domain = email.split("@", 1)
    return f"{user[:1]}***@{domain}"


# --- input ----------------------------------------------------------------------------------

# Loose on purpose: landlines with area codes and +86 mobiles are both accepted.
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,30}$")


class ComplaintIntakeInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=5000)
    service = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    enterprise_uscc = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    licence_number = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    complainant_name = serializers.CharField(max_length=100)
    complainant_phone = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)
    complainant_email = serializers.EmailField(max_length=254, required=False, default="", allow_blank=True)
    first_raised_on = serializers.DateField(required=False, allow_null=True, default=None)
    disputed_on = serializers.DateField(required=False, allow_null=True, default=None)
    attachments = serializers.ListField(
        child=serializers.FileField(max_length=200, allow_empty_file=False), required=False, default=list
    )

    def validate_complainant_phone(self, value: str) -> str:
        if value and not _PHONE.match(value):
            raise serializers.ValidationError(_("Enter a telephone number."))
        return value

    # The respondent is required (§4.1: both parties' details).
    def validate(self, attrs):
        if not (attrs.get("enterprise_uscc") or attrs.get("licence_number")):
            raise serializers.ValidationError(
                {
                    "enterprise_uscc": [
                        _("Name the enterprise by its unified social credit code or licence number.")
                    ]
                }
            )
        return attrs


class ComplaintStaffIntakeInput(ComplaintIntakeInput):
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ComplaintReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ComplaintRequiredReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ComplaintRejectInput(serializers.Serializer):
    reject_reason = serializers.ChoiceField(choices=RejectReason.choices)
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ComplaintCloseInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Outcome.RESOLVED, Outcome.UNRESOLVED])
    resolution = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


class ComplaintRespondInput(serializers.Serializer):
    response = serializers.CharField(max_length=5000)


class ComplaintMaterialRequestInput(serializers.Serializer):
    request = serializers.CharField(max_length=2000)


class ComplaintMaterialInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(max_length=200, allow_empty_file=False), required=False, default=list
    )


class ComplaintRateInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)


class ComplaintAssignInput(serializers.Serializer):
    handler = serializers.IntegerField(min_value=1, max_value=2_147_483_647)


class ComplaintListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=Complaint._meta.get_field("status").choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    province = serializers.ChoiceField(choices=provinces.CHOICES, required=False)
    enterprise = serializers.CharField(max_length=18, required=False)
    mine = serializers.BooleanField(required=False, default=False)


class ComplaintPublicQuery(serializers.Serializer):
    period = serializers.CharField(max_length=7, required=False, default="", allow_blank=True)
    # A USCC as people paste it (spaces, dashes, full-width): normalised and checked by the view.
    enterprise = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False, default="", allow_blank=True)
    province = serializers.ChoiceField(
        choices=provinces.CHOICES, required=False, default="", allow_blank=True
    )


class ComplaintStatsQuery(serializers.Serializer):
    period = serializers.CharField(max_length=7)
    group_by = serializers.ChoiceField(choices=GROUPS, required=False, default="", allow_blank=True)
    province = serializers.ChoiceField(
        choices=provinces.CHOICES, required=False, default="", allow_blank=True
    )


# --- output ---------------------------------------------------------------------------------


class ComplaintEventOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    action = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    reason = serializers.CharField()
    occurred_at = serializers.DateTimeField()


class ComplaintPauseOutput(serializers.Serializer):
    paused_on = serializers.DateField()
    resumed_on = serializers.DateField(allow_null=True)
    request = serializers.CharField()


class ComplaintAttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class ComplaintOutput(serializers.ModelSerializer):
    """Staff and enterprise view. ``context["full"]`` (the handler of the case) unmasks."""

    enterprise_uscc = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    handler = serializers.CharField(source="handler.username", allow_null=True, default=None)
    complainant_name = serializers.SerializerMethodField()
    complainant_phone = serializers.SerializerMethodField()
    complainant_email = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "public_id",
            "kind",
            "category",
            "channel",
            "service",
            "status",
            "outcome",
            "reject_reason",
            "enterprise_uscc",
            "enterprise_name",
            "respondent_licence_number",
            "province",
            "handler",
            "complainant_name",
            "complainant_phone",
            "complainant_email",
            "received_at",
            "first_raised_on",
            "disputed_on",
            "accepted_on",
            "forwarded_on",
            "responded_on",
            "closed_on",
            "accept_due_on",
            "respond_due_on",
            "answer_due_on",
            "clock_version",
            "paused",
            "fast",
            "timely",
            "handling_days",
            "definition_version",
            "rating",
            "reopen_count",
            "public_on",
        ]

    def _full(self, obj) -> bool:
        return bool(self.context.get("full_for") and obj.handler_id == self.context["full_for"])

    def get_complainant_name(self, obj) -> str:
        return obj.complainant_name if self._full(obj) else mask_name(obj.complainant_name)

    def get_complainant_phone(self, obj) -> str:
        return obj.complainant_phone if self._full(obj) else mask_phone(obj.complainant_phone)

    def get_complainant_email(self, obj) -> str:
        return obj.complainant_email if self._full(obj) else mask_email(obj.complainant_email)


class ComplaintDetailOutput(ComplaintOutput):
    description = serializers.CharField()
    enterprise_response = serializers.CharField()
    resolution = serializers.CharField()
    events = ComplaintEventOutput(many=True)
    pauses = ComplaintPauseOutput(many=True)
    attachments = ComplaintAttachmentOutput(many=True)

    class Meta(ComplaintOutput.Meta):
        fields = [
            *ComplaintOutput.Meta.fields,
            "description",
            "enterprise_response",
            "resolution",
            "events",
            "pauses",
            "attachments",
        ]


class ComplaintIntakeOutput(serializers.Serializer):
    public_id = serializers.CharField()
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    accept_due_on = serializers.DateField()


class ComplaintTrackOutput(serializers.Serializer):
    """What the complainant sees with the code: progress, no staff names."""

    public_id = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    reject_reason = serializers.CharField()
    enterprise_name = serializers.CharField(source="enterprise.name")
    received_at = serializers.DateTimeField()
    accepted_on = serializers.DateField()
    forwarded_on = serializers.DateField()
    responded_on = serializers.DateField()
    closed_on = serializers.DateField()
    accept_due_on = serializers.DateField()
    answer_due_on = serializers.DateField()
    paused = serializers.BooleanField()
    material_requested = serializers.SerializerMethodField()
    enterprise_response = serializers.CharField()
    resolution = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    can_rate = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    def get_material_requested(self, obj) -> str:
        open_pause = [p for p in obj.pauses.all() if p.resumed_on is None]
        return open_pause[0].request if open_pause else ""

    def get_can_rate(self, obj) -> bool:
        return (
            obj.status == "closed"
            and obj.outcome != Outcome.WITHDRAWN
            and obj.rating is None
            and bool(obj.accepted_on)
        )

    def get_steps(self, obj) -> list[dict]:
        return [
            {"status": e.to_status, "action": e.action, "at": e.occurred_at.isoformat()}
            for e in obj.events.all()
        ]


# Field by field what DESIGN.md's public table promises, and nothing else.
class ComplaintPublicRecordOutput(serializers.Serializer):
    """One public complaint record (DESIGN.md): no complainant data, no free text."""

    public_id = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField()
    province = serializers.CharField()
    enterprise_name = serializers.CharField()
    enterprise_uscc = serializers.CharField()
    received_on = serializers.DateField()
    accepted_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    fast = serializers.BooleanField(allow_null=True)
    timely = serializers.BooleanField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    definition_version = serializers.CharField()


assert tuple(ComplaintPublicRecordOutput().fields) == RECORD_FIELDS  # one list of public fields


class ComplaintNotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    complaint = serializers.IntegerField(source="complaint_id")
    public_id = serializers.CharField(source="complaint.public_id")
    subject = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
