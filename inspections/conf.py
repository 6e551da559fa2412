"""Inspection policy values (REGULATION.md §3). Each is a setting: override with
``TELEREG_<NAME>`` in Django settings. The per-stratum rates come from the credit
restrictions policy (``credit.conf`` CREDIT_SAMPLING_*), not from here."""

from typing import Any

from django.conf import settings

_DEFAULTS: dict[str, Any] = {
    # §3 [D]: base sampling ratio a year (sector example ≥5% [F S21], SAMR ≥3% [F S22]).
    "INSPECTIONS_BASE_RATE": "0.05",
    # §3 [D]: team of 2 inspectors; at least 2 [F S21] is also a database constraint.
    "INSPECTIONS_TEAM_SIZE": 2,
    # §3 [R]: results published within 20 working days (国发〔2019〕5号).
    "INSPECTIONS_RESULT_WORKING_DAYS": 20,
    # [D]: firms inspected within the last N months are left out of a random frame (but not
    # out of a stratum sampled at 100%, such as the dishonest list).
    "INSPECTIONS_EXCLUSION_MONTHS": 12,
    # §3 [D]: employment within the last 3 years is a conflict; a declared employment end
    # date yields a conflict ending that many years later.
    "INSPECTIONS_EMPLOYMENT_LOOKBACK_YEARS": 3,
    # Default load cap of a new roster member (open inspections at once).
    "INSPECTIONS_DEFAULT_LOAD_CAP": 10,
    # Strata in frame order: the credit strata (credit.scoring.stratum_for), riskiest first.
    "INSPECTIONS_STRATA": ["dishonest", "bad", "grade_C", "grade_B", "grade_A", "grade_AA"],
    # The stratum name of post-issuance checks of notify-and-commit licences (§3 [D], §1.3).
    "INSPECTIONS_POSTCHECK_STRATUM": "notify_commit",
    # Bytes per stored slice of a frozen frame document.
    "INSPECTIONS_FRAME_CHUNK_CHARS": 1_000_000,
    # The bad-list rule for "not found at the registered address" (§2.1 [R]).
    "INSPECTIONS_UNREACHABLE_RULE": "BAD_UNREACHABLE",
    # CSV export cap (rows) of the public results.
    "INSPECTIONS_CSV_MAX_ROWS": 200_000,
}


def get(name: str) -> Any:
    return getattr(settings, f"TELEREG_{name}", _DEFAULTS[name])
