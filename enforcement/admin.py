"""Admin: read-only (every write goes through the audited services, issue 12; evidence files
are downloaded through the API, which scopes them to the handling staff)."""

from django.contrib import admin

from enforcement.models import Case, CaseEvent, Decision, DecisionEvent, Effect, Evidence
from regulator.admin_tools import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("id", "enterprise", "authority", "status", "source_kind", "opened_on", "decision_due_on")
    list_filter = ("status", "source_kind", "authority")
    search_fields = ("enterprise__name", "enterprise__uscc", "source_ref")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "from_status", "to_status", "action", "actor_label", "occurred_at")
    list_filter = ("action",)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "enterprise_name",
        "kind",
        "amount",
        "status",
        "performance_status",
        "decided_on",
    )
    list_filter = ("status", "kind", "performance_status", "authority")
    search_fields = ("number", "enterprise_name", "enterprise_uscc")


@admin.register(DecisionEvent)
class DecisionEventAdmin(ReadOnlyAdmin):
    list_display = ("decision", "from_status", "to_status", "action", "actor_label", "occurred_at")


@admin.register(Effect)
class EffectAdmin(ReadOnlyAdmin):
    list_display = ("decision", "kind", "status", "attempts", "last_error", "done_at")
    list_filter = ("kind", "status")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("case", "original_name", "content_type", "size", "sha256", "uploaded_at")
    exclude = ("file",)
