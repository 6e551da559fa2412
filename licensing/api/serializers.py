"""Shape and format only; the rules live in licensing.services."""

from rest_framework import serializers

from config.api import MAX_INT
from licensing import keys
from licensing.models import (
    AnnualReport,
    AnnualReportEvent,
    Application,
    ApplicationEvent,
    ConditionsStatement,
    Deadline,
    Licence,
    LicenceVersion,
    LicensingDecision,
    Material,
    PostCheck,
    PostCheckEvent,
    ServiceCategory,
)
from licensing.services.catalogue import capital_threshold, notify_commit_allowed


class CategoryOutput(serializers.ModelSerializer):
    notify_commit = serializers.SerializerMethodField()
    min_capital_one_province = serializers.SerializerMethodField()
    min_capital_cross_region = serializers.SerializerMethodField()
    issuer_rule = serializers.SerializerMethodField()

    class Meta:
        model = ServiceCategory
        fields = [
            "code",
            "name_zh",
            "name_en",
            "kind",
            "min_capital_one_province",
            "min_capital_cross_region",
            "notify_commit",
            "issuer_rule",
        ]

    def get_notify_commit(self, obj) -> bool:
        return notify_commit_allowed(obj)

    def get_min_capital_one_province(self, obj) -> str:
        return str(capital_threshold([obj], ["11"]))

    def get_min_capital_cross_region(self, obj) -> str:
        return str(capital_threshold([obj], ["11", "31"]))

    def get_issuer_rule(self, obj) -> str:
        return (
            "MIIT" if obj.kind == "basic" else "MIIT if coverage spans 2+ provinces, else the provincial CA"
        )


class StatementOutput(serializers.ModelSerializer):
    class Meta:
        model = ConditionsStatement
        fields = ["version", "text", "text_sha256", "published_at"]


class StatementInput(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class ApplicationInput(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField(max_length=8), min_length=1, max_length=30)
    coverage = serializers.ListField(child=serializers.CharField(max_length=2), min_length=1, max_length=31)
    registered_capital = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    staff_count = serializers.IntegerField(min_value=1, max_value=10_000_000)
    premises = serializers.CharField(max_length=2000)
    security_measures = serializers.CharField(max_length=10000)
    foreign_invested = serializers.BooleanField(default=False)
    issuer = serializers.CharField(max_length=4, required=False, allow_blank=True)
    renew_licence_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    change_licence_number = serializers.CharField(max_length=40, required=False, allow_blank=True)


class ApplicationUpdateInput(serializers.Serializer):
    categories = serializers.ListField(
        child=serializers.CharField(max_length=8), min_length=1, required=False
    )
    coverage = serializers.ListField(child=serializers.CharField(max_length=2), min_length=1, required=False)
    registered_capital = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False
    )
    staff_count = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False)
    premises = serializers.CharField(max_length=2000, required=False)
    security_measures = serializers.CharField(max_length=10000, required=False)
    foreign_invested = serializers.BooleanField(required=False)


class CommitmentInput(serializers.Serializer):
    signatory_name = serializers.CharField(max_length=100)
    signatory_title = serializers.CharField(max_length=100)
    statement_version = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    accept = serializers.BooleanField()


class SubmitInput(serializers.Serializer):
    commitment = CommitmentInput(required=False)


class ActionInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    items = serializers.ListField(child=serializers.CharField(max_length=1000), required=False, default=list)
    findings = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MaterialInput(serializers.Serializer):
    kind = serializers.CharField(max_length=40, required=False, default="other")
    file = serializers.FileField()


class MaterialOutput(serializers.ModelSerializer):
    class Meta:
        model = Material
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class DeadlineOutput(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = ["kind", "starts_on", "due_on", "amount", "unit", "calendar_version", "met_at", "overdue_at"]


class EventOutput(serializers.ModelSerializer):
    class Meta:
        model = ApplicationEvent
        fields = ["from_status", "to_status", "actor_label", "reason", "data", "at"]


class ApplicationOutput(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")
    categories = serializers.SerializerMethodField()
    renew_licence_number = serializers.CharField(source="licence.number", default=None)
    deadlines = DeadlineOutput(many=True)
    materials = MaterialOutput(many=True)
    licence_number = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "kind",
            "renew_licence_number",
            "path",
            "status",
            "categories",
            "coverage",
            "issuer",
            "foreign_invested",
            "registered_capital",
            "staff_count",
            "premises",
            "security_measures",
            "created_at",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "correction_items",
            "auto_check_result",
            "deadlines",
            "materials",
            "licence_number",
        ]

    def get_categories(self, obj) -> list[str]:
        return sorted(c.code for c in obj.categories.all())

    def get_licence_number(self, obj) -> str | None:
        lic = getattr(obj, "issued_licence", None)
        return (
            lic.number
            if lic
            else (obj.licence.number if obj.kind == "renewal" and obj.status == "issued" else None)
        )


class CommitmentOutput(serializers.Serializer):
    statement_version = serializers.IntegerField(source="statement.version")
    signatory_name = serializers.CharField()
    signatory_title = serializers.CharField()
    signed_by = serializers.CharField(source="signed_by.username")
    signed_at = serializers.DateTimeField()
    committed = serializers.JSONField()
    committed_sha256 = serializers.CharField()


class ApplicationDetailOutput(ApplicationOutput):
    events = EventOutput(many=True)
    commitment = serializers.SerializerMethodField()

    class Meta(ApplicationOutput.Meta):
        fields = [*ApplicationOutput.Meta.fields, "events", "commitment"]

    def get_commitment(self, obj) -> dict | None:
        c = getattr(obj, "commitment", None)
        return CommitmentOutput(c).data if c else None


class LicenceOutput(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    enterprise_name = serializers.CharField(source="enterprise.name")

    class Meta:
        model = Licence
        fields = [
            "number",
            "enterprise",
            "enterprise_name",
            "issuer",
            "path",
            "categories",
            "coverage",
            "valid_from",
            "valid_until",
            "status",
            "status_reason",
            "status_legal_basis",
            "version",
            "issued_at",
        ]


class ELicenceOutput(serializers.ModelSerializer):
    algorithm = serializers.SerializerMethodField()
    public_key = serializers.SerializerMethodField()

    class Meta:
        model = LicenceVersion
        fields = [
            "version",
            "document",
            "document_sha256",
            "signature",
            "key_id",
            "algorithm",
            "public_key",
            "change",
            "created_at",
        ]

    def get_algorithm(self, obj) -> str:
        return "Ed25519"

    def get_public_key(self, obj) -> str | None:
        return keys.public_key(obj.key_id)


class PublicLicenceOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    holder = serializers.DictField()
    issuer = serializers.DictField()
    services = serializers.ListField()
    coverage = serializers.ListField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    version = serializers.IntegerField()
    e_licence = ELicenceOutput()


class KeysOutput(serializers.Serializer):
    algorithm = serializers.CharField()
    encoding = serializers.CharField()
    keys = serializers.DictField(child=serializers.CharField(), help_text="key id → base64 raw public key")


class VerifyInput(serializers.Serializer):
    document = serializers.JSONField()
    signature = serializers.CharField(max_length=200)
    key_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


class VerifyOutput(serializers.Serializer):
    verdict = serializers.CharField()
    signature_valid = serializers.BooleanField()
    key_id = serializers.CharField(allow_null=True)
    licence_number = serializers.CharField(allow_null=True)
    document_version = serializers.IntegerField(allow_null=True)
    current_version = serializers.IntegerField(allow_null=True)
    is_current_version = serializers.BooleanField()
    licence_status = serializers.CharField(allow_null=True)


class PostCheckEventOutput(serializers.ModelSerializer):
    class Meta:
        model = PostCheckEvent
        fields = ["from_status", "to_status", "actor_label", "reason", "at"]


class PostCheckOutput(serializers.ModelSerializer):
    licence = serializers.CharField(source="licence.number")
    enterprise = serializers.CharField(source="licence.enterprise.uscc")
    events = PostCheckEventOutput(many=True)

    class Meta:
        model = PostCheck
        fields = [
            "id",
            "licence",
            "enterprise",
            "application",
            "status",
            "due_on",
            "rectify_by",
            "calendar_version",
            "findings",
            "decided_at",
            "overdue_at",
            "events",
        ]


class AnnualReportInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    operations = serializers.CharField(max_length=20000)
    changes = serializers.CharField(max_length=20000)
    service_quality = serializers.CharField(max_length=20000)
    security_measures = serializers.CharField(max_length=20000)
    special_terms = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    other_items = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    publish_optional_items = serializers.BooleanField(default=False)
    complaint_hotline = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    complaint_count = serializers.IntegerField(min_value=0, max_value=MAX_INT, default=0)
    complaint_reply_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    registered_capital = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    ownership_type = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    listing_status = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    branches = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=500
    )
    revenue = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    cost = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    telecom_revenue = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    publish_financials = serializers.BooleanField(default=False)


class AnnualReportRefileInput(AnnualReportInput):
    year = None


class AnnualReportReturnInput(serializers.Serializer):
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=2000), min_length=1, max_length=100
    )


class AnnualReportEventOutput(serializers.ModelSerializer):
    class Meta:
        model = AnnualReportEvent
        fields = ["from_status", "to_status", "actor_label", "reason", "at"]


class AnnualReportOutput(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")
    events = AnnualReportEventOutput(many=True, read_only=True)

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "enterprise",
            "year",
            "status",
            "operations",
            "changes",
            "service_quality",
            "security_measures",
            "special_terms",
            "other_items",
            "publish_optional_items",
            "complaint_hotline",
            "complaint_count",
            "complaint_reply_rate",
            "registered_capital",
            "ownership_type",
            "listing_status",
            "branches",
            "revenue",
            "cost",
            "telecom_revenue",
            "publish_financials",
            "authority",
            "return_reasons",
            "filed_at",
            "late",
            "confirmed_at",
            "events",
        ]


class PublicAnnualReportOutput(serializers.Serializer):
    """§1.6 [F S12]: items 1–3 and every must-publish field are public (the legal
    representative too: the regulation names it among the must-publish fields); items
    5–6 and the financial figures only on the enterprise's opt-in."""

    def to_representation(self, rep):
        ent = rep.enterprise
        licences = list(ent.licences.all())
        numbers = sorted(lic.number for lic in licences)
        out = {
            "year": rep.year,
            "name": ent.name,
            "uscc": ent.uscc,
            "legal_representative": ent.legal_representative,
            "address": ent.registered_address,
            "province": ent.province,
            "licence_numbers": numbers,
            "operations": rep.operations,
            "changes": rep.changes,
            "service_quality": rep.service_quality,
            "complaint_hotline": rep.complaint_hotline,
            "complaint_count": rep.complaint_count,
            "complaint_reply_rate": _str(rep.complaint_reply_rate),
            "registered_capital": _str(rep.registered_capital),
            "service_types": sorted({c for lic in licences for c in lic.categories}),
            "ownership_type": rep.ownership_type,
            "listing_status": rep.listing_status,
            "branches": rep.branches,
            "filed_at": rep.filed_at.isoformat(),
            "late": rep.late,
            "status": rep.status,
        }
        if rep.publish_optional_items:
            out["special_terms"] = rep.special_terms
            out["other_items"] = rep.other_items
        if rep.publish_financials:
            out["revenue"] = _str(rep.revenue)
            out["cost"] = _str(rep.cost)
            out["telecom_revenue"] = _str(rep.telecom_revenue)
        return out


def _str(value) -> str | None:
    return None if value is None else str(value)


class DecisionOutput(serializers.ModelSerializer):
    """双公示 fields (§7): nothing personal, nothing internal."""

    authority = serializers.CharField(source="authority_id")
    authority_name = serializers.CharField(source="authority.name_zh")

    class Meta:
        model = LicensingDecision
        fields = [
            "id",
            "document_number",
            "kind",
            "item",
            "category",
            "content",
            "holder_name",
            "holder_uscc",
            "licence_number",
            "authority",
            "authority_name",
            "decided_on",
            "published_at",
        ]


class StaffDecisionOutput(DecisionOutput):
    class Meta(DecisionOutput.Meta):
        fields = [*DecisionOutput.Meta.fields, "publish_due", "held_reason", "late_flagged_at"]
