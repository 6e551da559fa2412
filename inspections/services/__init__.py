"""Every write of the inspections app (services by area)."""

from inspections.services.campaigns import campaign_create, campaign_draw, campaign_freeze
from inspections.services.roster import (
    conflict_declare,
    conflict_end,
    inspector_create,
    inspector_update,
    item_create,
)
from inspections.services.work import (
    inspection_confirm,
    inspection_record,
    inspection_recuse,
    inspection_reopen,
    inspection_start,
    sweep_late,
)

__all__ = [
    "campaign_create",
    "campaign_draw",
    "campaign_freeze",
    "conflict_declare",
    "conflict_end",
    "inspection_confirm",
    "inspection_record",
    "inspection_recuse",
    "inspection_reopen",
    "inspection_start",
    "inspector_create",
    "inspector_update",
    "item_create",
    "sweep_late",
]
