"""Licensing services (every write). Split by area: catalogue, applications (drafts and
submission), review (officer decisions and the automatic check), licences, decisions
(双公示), post-checks, annual reports, sweeps."""

from licensing.services.annual_reports import (
    annual_report_confirm,
    annual_report_file,
    annual_report_refile,
    annual_report_return,
    annual_report_sweep,
    annual_report_transition,
)
from licensing.services.applications import (
    application_create,
    application_submit,
    application_transition,
    application_update,
    application_withdraw,
    path_for,
)
from licensing.services.catalogue import (
    catalogue_sync,
    category_thresholds_update,
    statement_current,
    statement_publish,
)
from licensing.services.changes import (
    cancellation_confirm,
    cancellation_file,
    cancellation_refuse,
    cancellation_transition,
    cancellation_withdraw,
    enterprise_change_file,
    enterprise_contacts_update,
)
from licensing.services.decisions import (
    decision_hold,
    decision_late_sweep,
    decision_publish,
    decision_publish_sweep,
)
from licensing.services.licences import (
    licence_cancel,
    licence_register_existing,
    licence_reinstate,
    licence_revoke,
    licence_suspend,
    licence_transition,
    licence_withdraw,
)
from licensing.services.materials import material_add, material_open
from licensing.services.notifications import notification_read
from licensing.services.postchecks import (
    postcheck_order_rectification,
    postcheck_overdue_sweep,
    postcheck_pass,
    postcheck_rectified,
    postcheck_revoke,
    postcheck_transition,
)
from licensing.services.register import licence_import_rows
from licensing.services.review import (
    application_accept,
    application_approve,
    application_auto_check,
    application_issue,
    application_not_accept,
    application_reject,
    application_request_correction,
    application_start_review,
)
from licensing.services.sweeps import (
    auto_check_retry_sweep,
    deadline_overdue_sweep,
    licence_status_sweep,
    material_orphans_sweep,
)
from licensing.services.verification import licence_verify

__all__ = [
    "annual_report_confirm",
    "annual_report_file",
    "annual_report_refile",
    "annual_report_return",
    "annual_report_sweep",
    "annual_report_transition",
    "application_accept",
    "application_approve",
    "application_auto_check",
    "application_create",
    "application_issue",
    "application_not_accept",
    "application_reject",
    "application_request_correction",
    "application_start_review",
    "application_submit",
    "application_transition",
    "application_update",
    "application_withdraw",
    "auto_check_retry_sweep",
    "cancellation_confirm",
    "cancellation_file",
    "cancellation_refuse",
    "cancellation_transition",
    "cancellation_withdraw",
    "catalogue_sync",
    "category_thresholds_update",
    "deadline_overdue_sweep",
    "decision_hold",
    "decision_late_sweep",
    "decision_publish",
    "decision_publish_sweep",
    "enterprise_change_file",
    "enterprise_contacts_update",
    "licence_import_rows",
    "material_open",
    "material_orphans_sweep",
    "notification_read",
    "licence_cancel",
    "licence_register_existing",
    "licence_reinstate",
    "licence_revoke",
    "licence_status_sweep",
    "licence_suspend",
    "licence_transition",
    "licence_verify",
    "licence_withdraw",
    "material_add",
    "path_for",
    "postcheck_order_rectification",
    "postcheck_overdue_sweep",
    "postcheck_pass",
    "postcheck_rectified",
    "postcheck_revoke",
    "postcheck_transition",
    "statement_current",
    "statement_publish",
]
