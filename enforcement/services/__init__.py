"""Every enforcement write. Other apps (inspections, complaints via a caller outside them)
open cases with ``case_open``."""

from enforcement.services.cases import (
    case_assign_officers,
    case_defend,
    case_extend,
    case_hold_hearing,
    case_investigate,
    case_open,
    case_request_hearing,
    case_schedule_hearing,
    case_send_notice,
    case_withdraw,
    evidence_add,
)
from enforcement.services.decisions import (
    case_apply_enforcement,
    case_close,
    decision_annul,
    decision_correct,
    decision_deliver,
    decision_make,
    decision_perform,
    decision_publish,
)
from enforcement.services.effects import effect_run, effects_run_pending
from enforcement.services.sweeps import (
    sweep_daily,
    sweep_decision_deadline,
    sweep_effects,
    sweep_listing_deadline,
    sweep_publication,
    sweep_unperformed,
)

__all__ = [
    "case_apply_enforcement",
    "case_assign_officers",
    "case_close",
    "case_defend",
    "case_extend",
    "case_hold_hearing",
    "case_investigate",
    "case_open",
    "case_request_hearing",
    "case_schedule_hearing",
    "case_send_notice",
    "case_withdraw",
    "decision_annul",
    "decision_correct",
    "decision_deliver",
    "decision_make",
    "decision_perform",
    "decision_publish",
    "effect_run",
    "effects_run_pending",
    "evidence_add",
    "sweep_daily",
    "sweep_decision_deadline",
    "sweep_effects",
    "sweep_listing_deadline",
    "sweep_publication",
    "sweep_unperformed",
]
