from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.translation import gettext_lazy as _

from config.api import ApplicationError
from regulator import calendar, services
from regulator.admin_tools import ReadOnlyAdmin
from regulator.models import AuditEvent, Authority, CalendarOverride, Enterprise, User


class UserChangeForm(BaseUserChangeForm):
    """Role and membership checked as the service will check them, so a refusal is a form
    error rather than a failed save."""

    def clean(self):
        data = super().clean()
        if {"role", "enterprise", "authority"} & set(self.changed_data):
            enterprise = data.get("enterprise")
            authority = data.get("authority")
            try:
                services.membership(
                    role=data.get("role") or "",
                    enterprise_uscc=enterprise.uscc if enterprise else None,
                    authority=authority.pk if authority else "",
                )
            except ApplicationError as exc:
                errors = {f: msgs for f, msgs in exc.errors.items() if f in self.fields}
                raise forms.ValidationError(errors or exc.message)
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users are created with ``manage.py create_user`` (services.user_create); here staff
    change role, membership, status and names through services.user_update (validated,
    audited). Username and dates are read-only; a password change (the separate form)
    revokes the user's tokens and is audited (regulator.signals)."""

    form = UserChangeForm
    list_display = ("username", "role", "enterprise", "authority", "is_active", "locked_until")
    list_filter = ("role", "authority", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        ("telereg", {"fields": ("role", "enterprise", "authority", "badge")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser", "locked_until", "failed_logins")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("username", "last_login", "date_joined", "locked_until", "failed_logins")
    raw_id_fields = ("enterprise",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {
            "role": "role",
            "authority": "authority",
            "enterprise": "enterprise_uscc",
            "badge": "badge",
            "is_active": "is_active",
            "is_staff": "is_staff",
            "is_superuser": "is_superuser",
            "first_name": "first_name",
            "last_name": "last_name",
            "email": "email",
        }
        changes = {}
        for field in form.changed_data:
            if field not in fields:
                continue
            value = form.cleaned_data[field]
            if field == "enterprise":
                value = value.uscc if value else None
            elif field == "authority":
                value = value.pk if value else ""
            changes[fields[field]] = value
        if changes:
            services.user_update(actor=request.user, user_id=obj.pk, **changes)

    def save_related(self, request, form, formsets, change):
        # No groups or permissions: what a user may do is its role (regulator.permissions).
        return None


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """The register is written through services (validation + audit): created with the API
    (POST /api/v1/enterprises/), contacts changed here through services.enterprise_update. The
    code and the province derived from it never change (§5), so they are read-only."""

    list_display = ("uscc", "name", "province", "legal_representative")
    list_filter = ("province",)
    search_fields = ("uscc", "name")
    # Registered facts change through the enterprise's change filing, which re-signs its
    # licences (§1.5, §1.7); here only the contacts.
    readonly_fields = (
        "uscc",
        "province",
        "name",
        "legal_representative",
        "registered_address",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in services.ENTERPRISE_FIELDS}
        if changes:
            services.enterprise_update(actor=request.user, enterprise=obj, **changes)


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
