"""Every complaint write. Other code (API views, tasks, commands, demo) calls these."""

from complaints.services.intake import complaint_intake
from complaints.services.sweeps import notification_mark_read, sweep_credit_feed, sweep_sla
from complaints.services.workflow import (
    admissibility,
    complaint_accept,
    complaint_assign,
    complaint_close,
    complaint_forward,
    complaint_mediate,
    complaint_rate,
    complaint_reject,
    complaint_reopen,
    complaint_request_material,
    complaint_respond,
    complaint_supply_material,
    complaint_withdraw,
    get_by_code,
)

__all__ = [
    "admissibility",
    "complaint_accept",
    "complaint_assign",
    "complaint_close",
    "complaint_forward",
    "complaint_intake",
    "complaint_mediate",
    "complaint_rate",
    "complaint_reject",
    "complaint_reopen",
    "complaint_request_material",
    "complaint_respond",
    "complaint_supply_material",
    "complaint_withdraw",
    "get_by_code",
    "notification_mark_read",
    "sweep_credit_feed",
    "sweep_sla",
]
