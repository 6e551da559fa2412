"""Admin: read-mostly views; every write goes through licensing.services (rules + audit)."""

from django.contrib import admin

from licensing.models import (
    AnnualReport,
    Application,
    Cancellation,
    ChangeFiling,
    ConditionsStatement,
    Deadline,
    Licence,
    LicenceEvent,
    LicenceVersion,
    LicensingDecision,
    PostCheck,
    ServiceCategory,
)
from regulator.admin_tools import ReadOnlyAdmin


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(ReadOnlyAdmin):
    """Read-only (issue 8 point 4): capital thresholds decide applications, so they change
    only through ``licensing.services.category_thresholds_update`` (audited, with a
    reason), never by an unaudited admin save."""

    list_display = (
        "code",
        "name_zh",
        "name_en",
        "kind",
        "min_capital_one_province",
        "min_capital_cross_region",
        "active",
    )
    list_filter = ("kind", "active")
    fields = (
        "code",
        "name_zh",
        "name_en",
        "kind",
        "min_capital_one_province",
        "min_capital_cross_region",
        "active",
    )


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    can_delete = False
    readonly_fields = (
        "kind",
        "starts_on",
        "due_on",
        "amount",
        "unit",
        "calendar_version",
        "met_at",
        "overdue_at",
    )


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("id", "enterprise", "kind", "path", "status", "issuer", "submitted_at")
    list_filter = ("status", "path", "kind", "issuer")
    search_fields = ("enterprise__uscc", "enterprise__name")
    inlines = [DeadlineInline]


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ("number", "enterprise", "issuer", "status", "valid_from", "valid_until", "version")
    list_filter = ("status", "issuer", "path")
    search_fields = ("number", "enterprise__uscc", "enterprise__name")


@admin.register(LicenceVersion)
class LicenceVersionAdmin(ReadOnlyAdmin):
    list_display = ("licence", "version", "change", "key_id", "created_at")
    search_fields = ("licence__number",)


@admin.register(PostCheck)
class PostCheckAdmin(ReadOnlyAdmin):
    list_display = ("id", "licence", "status", "due_on", "rectify_by", "overdue_at")
    list_filter = ("status",)


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "status", "late", "filed_at")
    list_filter = ("year", "status", "late")
    search_fields = ("enterprise__uscc", "enterprise__name")


@admin.register(ConditionsStatement)
class ConditionsStatementAdmin(ReadOnlyAdmin):
    list_display = ("version", "published_at", "text_sha256")


@admin.register(LicenceEvent)
class LicenceEventAdmin(ReadOnlyAdmin):
    list_display = ("licence", "from_status", "to_status", "actor_label", "at")
    search_fields = ("licence__number",)


@admin.register(LicensingDecision)
class LicensingDecisionAdmin(ReadOnlyAdmin):
    """双公示 rows: published by the sweep or an officer through the API, never edited."""

    list_display = (
        "document_number",
        "kind",
        "authority",
        "holder_uscc",
        "decided_on",
        "publish_due",
        "published_at",
    )
    list_filter = ("kind", "authority")
    search_fields = ("document_number", "holder_uscc", "licence_number")


@admin.register(ChangeFiling)
class ChangeFilingAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "changed_on", "filed_at", "late", "licences_resigned")


@admin.register(Cancellation)
class CancellationAdmin(ReadOnlyAdmin):
    list_display = ("licence", "status", "stop_on", "filed_at", "decided_at")
    list_filter = ("status",)
