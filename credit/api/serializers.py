"""Shape-only serializers for the credit API. Public ones carry no personal data."""

from rest_framework import serializers

from credit import search
from credit.models import (
    Account,
    AdmonitionTask,
    GradeRecord,
    LedgerEntry,
    ListEffect,
    ListEntry,
    ListEvent,
    ListKind,
    NoticeMethod,
    Objection,
    RemovalReason,
    RepairRequest,
    Rule,
    Sanction,
    default_validity_months,
)


class RuleOutput(serializers.ModelSerializer):
    class Meta:
        model = Rule
        fields = [
            "code",
            "description_en",
            "description_zh",
            "points",
            "list_effect",
            "legal_basis",
            "validity_months",
            "direct_listing",
            "annual_report",
            "version",
            "active",
            "updated_at",
        ]


class RuleInput(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z][A-Za-z0-9_]{1,63}$")
    description_en = serializers.CharField(max_length=300)
    description_zh = serializers.CharField(max_length=300)
    points = serializers.IntegerField(min_value=-1000, max_value=1000)
    list_effect = serializers.ChoiceField(choices=ListEffect.choices, default=ListEffect.NONE)
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    validity_months = serializers.IntegerField(min_value=0, max_value=600, default=default_validity_months)
    active = serializers.BooleanField(default=True)
    direct_listing = serializers.BooleanField(default=False)
    annual_report = serializers.BooleanField(default=False)


class RuleUpdateInput(RuleInput):
    code = None

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class LedgerEntryOutput(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    rule = serializers.CharField(source="rule.code")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "uscc",
            "rule",
            "rule_version",
            "kind",
            "points",
            "effective_at",
            "recorded_at",
            "expires_at",
            "reverses",
            "source_ref",
            "actor_label",
            "note",
        ]


class EventInput(serializers.Serializer):
    uscc = serializers.CharField(max_length=40)
    rule = serializers.CharField(max_length=64)
    source_ref = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    effective_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AccountOutput(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    name = serializers.CharField(source="enterprise.name")

    class Meta:
        model = Account
        fields = [
            "uscc",
            "name",
            "score",
            "grade",
            "on_bad_list",
            "on_dishonest_list",
            "entry_count",
            "updated_at",
        ]


class BreakdownItem(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code")
    description_en = serializers.CharField(source="rule.description_en")
    description_zh = serializers.CharField(source="rule.description_zh")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "rule",
            "rule_version",
            "description_en",
            "description_zh",
            "points",
            "effective_at",
            "expires_at",
            "source_ref",
        ]


class AccountDetailOutput(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
    score = serializers.IntegerField()
    grade = serializers.CharField()
    on_bad_list = serializers.BooleanField()
    on_dishonest_list = serializers.BooleanField()
    base = serializers.IntegerField()
    computed_score = serializers.IntegerField(help_text="base + the points of the entries listed")
    entries = BreakdownItem(many=True)


class ListEventOutput(serializers.ModelSerializer):
    class Meta:
        model = ListEvent
        fields = ["id", "from_status", "to_status", "action", "actor_label", "reason", "occurred_at"]


class ListEntryOutput(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code")
    authority_code = serializers.CharField(source="deciding_authority_id", allow_null=True)

    class Meta:
        model = ListEntry
        fields = [
            "id",
            "enterprise_name",
            "enterprise_uscc",
            "province",
            "licence_numbers",
            "list_kind",
            "rule",
            "rule_version",
            "reason",
            "legal_basis",
            "authority",
            "authority_code",
            "source_ref",
            "status",
            "removal_reason",
            "decided_on",
            "notified_on",
            "notice_method",
            "notice_delivered_on",
            "notice_text",
            "objection_due_on",
            "requires_fulfilment",
            "fulfilled_on",
            "published_on",
            "effective_on",
            "retention_until",
            "end_on",
            "ledger_entry",
            "updated_at",
        ]


class ListEntryDetailOutput(ListEntryOutput):
    events = ListEventOutput(many=True, read_only=True)

    class Meta(ListEntryOutput.Meta):
        fields = [*ListEntryOutput.Meta.fields, "events"]


class ListEntryInput(serializers.Serializer):
    uscc = serializers.CharField(max_length=40)
    list_kind = serializers.ChoiceField(choices=ListKind.choices)
    rule = serializers.CharField(max_length=64)
    reason = serializers.CharField(max_length=2000)
    authority = serializers.CharField(
        max_length=4, help_text='Deciding authority code: "MIIT" or a province code.'
    )
    source_ref = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    licence_numbers = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list, max_length=20
    )
    notify = serializers.BooleanField(required=False, allow_null=True, default=None)
    requires_fulfilment = serializers.BooleanField(default=False)


class OptionalReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class NotifyInput(OptionalReasonInput):
    method = serializers.ChoiceField(choices=NoticeMethod.choices, default=NoticeMethod.PLATFORM)
    notice_text = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class DeliveryInput(OptionalReasonInput):
    delivered_on = serializers.DateField()


class FulfilmentInput(serializers.Serializer):
    source_ref = serializers.CharField(max_length=200)
    fulfilled_on = serializers.DateField()


class RemoveInput(ReasonInput):
    # Only the annual-report removal here; withdrawal has its own endpoint, and the other
    # reasons follow from objections, repairs and the expiry sweep.
    removal_reason = serializers.ChoiceField(
        choices=[(RemovalReason.REPORT_FILED, RemovalReason.REPORT_FILED.label)]
    )


class CaseEventOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    action = serializers.CharField()
    actor_label = serializers.CharField()
    reason = serializers.CharField()
    occurred_at = serializers.DateTimeField()


class ObjectionOutput(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = [
            "id",
            "entry",
            "status",
            "grounds",
            "filed_at",
            "reply_due_on",
            "answered_at",
            "answer",
            "overdue_flagged_at",
            "events",
        ]

    events = CaseEventOutput(many=True, read_only=True)


class ObjectionInput(serializers.Serializer):
    grounds = serializers.CharField(max_length=5000)


class ObjectionDecisionInput(serializers.Serializer):
    upheld = serializers.BooleanField()
    answer = serializers.CharField(max_length=5000)


class RepairOutput(serializers.ModelSerializer):
    class Meta:
        model = RepairRequest
        fields = [
            "id",
            "entry",
            "status",
            "statement",
            "commitment",
            "filed_at",
            "accept_due_on",
            "decide_due_on",
            "accepted_at",
            "decided_at",
            "note",
            "overdue_flagged_at",
            "events",
        ]

    events = CaseEventOutput(many=True, read_only=True)


class RepairInput(serializers.Serializer):
    statement = serializers.CharField(max_length=5000)
    commitment = serializers.CharField(max_length=5000)


class RepairAcceptInput(serializers.Serializer):
    accepted = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RepairDecideInput(serializers.Serializer):
    granted = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SanctionOutput(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    authority_code = serializers.CharField(source="authority_id", allow_null=True)

    class Meta:
        model = Sanction
        fields = [
            "id",
            "uscc",
            "kind",
            "starts_on",
            "until",
            "reason",
            "legal_basis",
            "authority_code",
            "source_ref",
            "created_at",
            "lifted_at",
            "lift_reason",
        ]


class SanctionInput(serializers.Serializer):
    uscc = serializers.CharField(max_length=40)
    kind = serializers.CharField(max_length=32)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    until = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
    legal_basis = serializers.CharField(max_length=300)
    authority = serializers.CharField(max_length=4)
    source_ref = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class GradeRecordOutput(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")

    class Meta:
        model = GradeRecord
        fields = [
            "id",
            "uscc",
            "year",
            "score",
            "grade",
            "original_grade",
            "on_dishonest_list",
            "entries",
            "status",
            "computed_at",
            "publicity_until",
            "fixed_on",
            "objection_grounds",
            "objection_answer",
        ]


class GradeObjectionInput(serializers.Serializer):
    grounds = serializers.CharField(max_length=5000)


class GradeDecisionInput(serializers.Serializer):
    upheld = serializers.BooleanField()
    answer = serializers.CharField(max_length=5000)
    grade = serializers.CharField(max_length=4, required=False, allow_blank=True, default="")


class AdmonitionOutput(serializers.ModelSerializer):
    uscc = serializers.CharField(source="enterprise.uscc")
    name = serializers.CharField(source="enterprise.name")
    year = serializers.IntegerField(source="grade_record.year")
    grade = serializers.CharField(source="grade_record.grade")

    class Meta:
        model = AdmonitionTask
        fields = ["id", "uscc", "name", "year", "grade", "due_on", "done_at", "done_by_label", "note"]


class AdmonitionDoneInput(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class RestrictionsOutput(serializers.Serializer):
    score = serializers.IntegerField()
    grade = serializers.CharField()
    on_bad_list = serializers.BooleanField()
    on_dishonest_list = serializers.BooleanField()
    may_notify_commit = serializers.BooleanField()
    may_apply_licence = serializers.BooleanField()
    may_renew_licence = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    stratum = serializers.CharField()
    sampling_multiplier = serializers.FloatField()
    fixed_sampling_rate = serializers.FloatField(allow_null=True)
    active_sanctions = serializers.ListField(child=serializers.CharField())


# --- public ---------------------------------------------------------------------------------
# The public fields of a list entry are defined once, beside the search that reads them.
PUBLIC_LIST_FIELDS = search.PUBLIC_LIST_FIELDS


class PublicListEntry(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = ListEntry
        fields = PUBLIC_LIST_FIELDS

    def get_status(self, obj: ListEntry) -> str:
        return "active" if obj.status == "published" else "removed"


class PublicListChange(PublicListEntry):
    change = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    class Meta(PublicListEntry.Meta):
        fields = [*PUBLIC_LIST_FIELDS, "change", "updated_at"]

    def get_change(self, obj: ListEntry) -> str:
        since = self.context["since"]
        if obj.status == "removed":
            return "removed"
        return "added" if obj.published_at and obj.published_at > since else "changed"


class PublicListQuery(serializers.Serializer):
    list = serializers.ChoiceField(choices=ListKind.choices, required=False)
    q = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "A name fragment (at least CREDIT_SEARCH_MIN_CHARS characters, default 2; shorter is a 400 "
            "on `q`), a whole USCC, or a licence number or fragment. Case does not matter."
        ),
    )
    province = serializers.RegexField(r"^\d{2}$", required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=["active", "removed", "all"], default="active")

    def validate_q(self, value: str) -> str:
        # Issue 17 §4: one character matches most names and no index holds it (the bigram
        # tokens start at two, credit/search.py); ask for more rather than scan the table.
        from django.utils.translation import gettext as _

        from credit import conf

        value = value.strip()
        least = conf.get("CREDIT_SEARCH_MIN_CHARS")
        if 0 < len(value) < least:
            raise serializers.ValidationError(
                _("Enter at least %(n)d characters of a name, or a whole USCC or licence number.")
                % {"n": least}
            )
        return value


class ChangesQuery(serializers.Serializer):
    since = serializers.DateTimeField()


class PublicYearlyGrade(serializers.Serializer):
    year = serializers.IntegerField()
    grade = serializers.CharField()
    score = serializers.IntegerField()
    status = serializers.CharField(help_text="publicity or fixed")
    publicity_until = serializers.DateField()
    fixed_on = serializers.DateField(allow_null=True)


class PublicCreditOutput(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
    score = serializers.IntegerField()
    grade = serializers.CharField()
    yearly_grade = PublicYearlyGrade(allow_null=True)
    on_bad_list = serializers.BooleanField()
    on_dishonest_list = serializers.BooleanField()
    active_listings = PublicListEntry(many=True)
    listing_history = PublicListEntry(many=True)
