"""Every credit write. Other apps call these (DESIGN.md: cross-app writes go through services).
Each takes the actor and checks it (credit.access): a user by role and jurisdiction, or a
system process named by a string ("sweep")."""

from credit.services.automatic import (
    annual_report_bonus_post,
    clean_years_sweep,
    complaint_timeliness_post,
    inspection_clean_bonus_post,
)
from credit.services.grades import (
    admonition_done,
    grade_fix_due,
    grade_record_decide,
    grade_record_object,
    grade_sweep,
)
from credit.services.ledger import Posting, ledger_post, ledger_post_batch, ledger_reverse
from credit.services.lists import (
    list_entry_mark_fulfilled,
    list_entry_notice_delivered,
    list_entry_notify,
    list_entry_propose,
    list_entry_publish,
    list_entry_remove,
    list_entry_remove_for_source,
    list_entry_withdraw,
    list_entry_withdraw_for_source,
)
from credit.services.objections import (
    objection_decide,
    objection_file,
    repair_accept,
    repair_decide,
    repair_file,
)
from credit.services.rules import rule_create, rule_update
from credit.services.sanctions import sanction_impose, sanction_lift
from credit.services.sweeps import (
    sweep_daily,
    sweep_expire_listings,
    sweep_expire_points,
    sweep_flag_overdue,
    sweep_publish_due,
)

__all__ = [
    "Posting",
    "admonition_done",
    "annual_report_bonus_post",
    "clean_years_sweep",
    "complaint_timeliness_post",
    "grade_fix_due",
    "grade_record_decide",
    "grade_record_object",
    "grade_sweep",
    "inspection_clean_bonus_post",
    "ledger_post",
    "ledger_post_batch",
    "ledger_reverse",
    "list_entry_mark_fulfilled",
    "list_entry_notice_delivered",
    "list_entry_notify",
    "list_entry_propose",
    "list_entry_publish",
    "list_entry_remove",
    "list_entry_remove_for_source",
    "list_entry_withdraw",
    "list_entry_withdraw_for_source",
    "objection_decide",
    "objection_file",
    "repair_accept",
    "repair_decide",
    "repair_file",
    "rule_create",
    "rule_update",
    "sanction_impose",
    "sanction_lift",
    "sweep_daily",
    "sweep_expire_listings",
    "sweep_expire_points",
    "sweep_flag_overdue",
    "sweep_publish_due",
]
