"""Admin: read-only everywhere (issue 8 §4: no write outside the audited services). Rules
are edited through the API (``/api/v1/credit/rules/``), which versions and audits them;
everything else changes only through its service."""

from django.contrib import admin
from django.utils.translation import gettext as _

from credit.models import (
    Account,
    AdmonitionTask,
    GradeRecord,
    LedgerEntry,
    ListEntry,
    ListEvent,
    Objection,
    ObjectionEvent,
    RepairEvent,
    RepairRequest,
    Rule,
    Sanction,
)
from regulator.admin_tools import ReadOnlyAdmin


@admin.register(Rule)
class RuleAdmin(ReadOnlyAdmin):
    """Read-only: edit rules with PATCH /api/v1/credit/rules/<code>/ (versioned, audited)."""

    list_display = ("code", "points", "list_effect", "direct_listing", "validity_months", "version", "active")
    list_filter = ("list_effect", "active", "direct_listing")
    search_fields = ("code", "description_en", "description_zh")

    def changelist_view(self, request, extra_context=None):
        extra = {"title": _("Credit rules (read-only: edit with PATCH /api/v1/credit/rules/<code>/)")}
        return super().changelist_view(request, extra_context={**(extra_context or {}), **extra})


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "enterprise",
        "rule",
        "rule_version",
        "kind",
        "points",
        "effective_at",
        "actor_label",
    )
    list_filter = ("kind",)
    search_fields = ("enterprise__uscc", "source_ref")
    raw_id_fields = ("enterprise", "reverses")


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "score", "grade", "on_bad_list", "on_dishonest_list", "entry_count")
    list_filter = ("grade", "on_bad_list", "on_dishonest_list")
    search_fields = ("enterprise__uscc", "enterprise__name")


class ListEventInline(admin.TabularInline):
    model = ListEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "action", "actor_label", "reason", "occurred_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "enterprise_name",
        "enterprise_uscc",
        "list_kind",
        "status",
        "decided_on",
        "published_on",
    )
    list_filter = ("list_kind", "status", "removal_reason")
    search_fields = ("enterprise_uscc", "enterprise_name", "licence_numbers", "source_ref")
    inlines = [ListEventInline]


class _EventInline(admin.TabularInline):
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "action", "actor_label", "reason", "occurred_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ObjectionEventInline(_EventInline):
    model = ObjectionEvent


class RepairEventInline(_EventInline):
    model = RepairEvent


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("id", "entry", "status", "filed_at", "reply_due_on", "overdue_flagged_at")
    list_filter = ("status",)
    inlines = [ObjectionEventInline]


@admin.register(RepairRequest)
class RepairAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "entry",
        "status",
        "filed_at",
        "accept_due_on",
        "decide_due_on",
        "overdue_flagged_at",
    )
    list_filter = ("status",)
    inlines = [RepairEventInline]


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "kind", "starts_on", "until", "source_ref", "lifted_at")
    list_filter = ("kind",)


@admin.register(GradeRecord)
class GradeRecordAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "score", "grade", "status", "publicity_until", "fixed_on")
    list_filter = ("year", "grade", "status")


@admin.register(AdmonitionTask)
class AdmonitionAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "grade_record", "due_on", "done_at")
