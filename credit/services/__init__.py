"""Every credit write. Other apps call these (DESIGN.md: cross-app writes go through services)."""

from credit.services.ledger import Posting, ledger_post, ledger_post_batch, ledger_reverse
from credit.services.lists import (
    list_entry_notify,
    list_entry_propose,
    list_entry_publish,
    list_entry_remove,
    list_entry_remove_for_source,
    list_entry_withdraw,
)
from credit.services.objections import (
    objection_decide,
    objection_file,
    repair_accept,
    repair_decide,
    repair_file,
)
from credit.services.rules import rule_create, rule_update
from credit.services.sanctions import sanction_impose
from credit.services.sweeps import (
    sweep_daily,
    sweep_expire_listings,
    sweep_expire_points,
    sweep_flag_overdue,
    sweep_publish_due,
)

__all__ = [
    "Posting",
    "ledger_post",
    "ledger_post_batch",
    "ledger_reverse",
    "list_entry_notify",
    "list_entry_propose",
    "list_entry_publish",
    "list_entry_remove",
    "list_entry_remove_for_source",
    "list_entry_withdraw",
    "objection_decide",
    "objection_file",
    "repair_accept",
    "repair_decide",
    "repair_file",
    "rule_create",
    "rule_update",
    "sanction_impose",
    "sweep_daily",
    "sweep_expire_listings",
    "sweep_expire_points",
    "sweep_flag_overdue",
    "sweep_publish_due",
]
