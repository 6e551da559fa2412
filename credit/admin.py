"""Admin: supervisors edit rules here (through the service, so versions and audit follow);
the ledger and list history are read-only."""

from django.contrib import admin, messages

from config.api import ApplicationError
from credit import services
from credit.models import Account, LedgerEntry, ListEntry, ListEvent, Objection, RepairRequest, Rule, Sanction
from regulator.admin_tools import ReadOnlyAdmin


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("code", "points", "list_effect", "validity_months", "version", "active")
    list_filter = ("list_effect", "active")
    search_fields = ("code", "description_en", "description_zh")
    readonly_fields = ("version", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "code") if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in services.rules.EDITABLE if f in form.cleaned_data}
        try:
            if change:
                saved = services.rule_update(actor=request.user, code=obj.code, **fields)
            else:
                saved = services.rule_create(actor=request.user, code=obj.code, **fields)
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        obj.pk, obj.version = saved.pk, saved.version


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


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("id", "entry", "status", "filed_at", "reply_due_on", "overdue_flagged_at")
    list_filter = ("status",)


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


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "kind", "starts_on", "until", "source_ref")
    list_filter = ("kind",)
