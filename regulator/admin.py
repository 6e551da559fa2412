from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from regulator import calendar
from regulator.admin_tools import ReadOnlyAdmin
from regulator.models import AuditEvent, Authority, CalendarOverride, Enterprise, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "role", "enterprise", "authority", "is_active")
    list_filter = ("role", "authority", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("telereg", {"fields": ("role", "enterprise", "authority", "badge")}),
    )
    raw_id_fields = ("enterprise",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("uscc", "name", "province", "legal_representative")
    list_filter = ("province",)
    search_fields = ("uscc", "name")

    def has_add_permission(self, request):
        # The register is written through services.enterprise_create (validation + audit).
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Staff edit the calendar here when the State Council publishes a new arrangement."""

    list_display = ("date", "is_working_day", "note", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            calendar.override_delete(actor=request.user, date=form.initial["date"])
        saved = calendar.override_set(
            actor=request.user, date=obj.date, is_working_day=obj.is_working_day, note=obj.note
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar.override_delete(actor=request.user, date=obj.date)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            calendar.override_delete(actor=request.user, date=obj.date)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label", "request_id")


@admin.register(Authority)
class AuthorityAdmin(ReadOnlyAdmin):
    """Reference data loaded by migration (MIIT and the provincial administrations)."""

    list_display = ("code", "name_zh", "name_en", "province")
