"""Enforcement policy values (REGULATION.md §7, §2.1-2.3). Each is a setting: override with
``TELEREG_<NAME>`` (JSON) in the environment or in Django settings; never a literal in code.

Deadline units. The Administrative Penalty Law (2021) Art 85 says its "two, three, five and
seven days" mean working days [R]; so the hearing request (5) and hearing notice (7) default
to working days, the decision (90), payment (15) and listing (30) periods to calendar days,
and 双公示 is 7 working days [F S31]. Each unit is part of the setting:
``{"n": 5, "unit": "working"}`` or ``{"n": 5, "unit": "calendar"}``.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "ENFORCEMENT_DEADLINES": {
        "hearing_request": {"n": 5, "unit": "working"},  # §7 [R, 2021 text Art 64]
        "hearing_notice": {"n": 7, "unit": "working"},  # §7 [F S30]
        "decision": {"n": 90, "unit": "calendar"},  # §7 [R, Art 60]
        "payment": {"n": 15, "unit": "calendar"},  # §7 [F S30]
        "publication": {"n": 7, "unit": "working"},  # §7 双公示 [F S31]
        "listing": {"n": 30, "unit": "calendar"},  # §2.1 [F S1, S4]
    },
    # §7 [R S30]: investigation by at least two enforcement officers.
    "ENFORCEMENT_MIN_OFFICERS": 2,
    # Roles whose members may be named as the case's enforcement officers.
    "ENFORCEMENT_OFFICER_ROLES": ["supervisor", "officer", "inspector"],
    # §7 [F S30 / R 2021]: late payment accrues 3% of the fine a day, capped at the fine.
    "ENFORCEMENT_SURCHARGE_RATE_PER_DAY": "0.03",
    "ENFORCEMENT_SURCHARGE_CAP_RATIO": "1",
    # §7 [D]: "a large fine" (较大数额) that opens the right to a hearing, in CNY. The law
    # leaves the figure to each authority; these defaults are ours.
    "ENFORCEMENT_LARGE_FINE": "50000",
    "ENFORCEMENT_LARGE_CONFISCATION": "50000",
    # Credit rules the effects use (credit's catalogue, §2.1, §2.2).
    "ENFORCEMENT_BAD_RULE": "BAD_PENALTY",
    "ENFORCEMENT_UNFULFILLED_RULE": "DISHONEST_PENALTY_UNFULFILLED",
    # Publish a penalty decision the moment it is delivered (双公示); False leaves it to a
    # supervisor's publish action, still flagged when late.
    "ENFORCEMENT_PUBLISH_ON_DELIVERY": True,
    # Evidence files [D]: size, accepted types (checked against the bytes by
    # regulator.uploads, which knows these three), count per case.
    "ENFORCEMENT_EVIDENCE_MAX_BYTES": 20 * 1024 * 1024,
    "ENFORCEMENT_EVIDENCE_TYPES": ["application/pdf", "image/png", "image/jpeg"],
    "ENFORCEMENT_EVIDENCE_PER_CASE": 200,
    # An effect still pending this long (worker down) is run again by the sweep.
    "ENFORCEMENT_EFFECT_RETRY_MINUTES": 10,
    # Public CSV export cap (rows).
    "ENFORCEMENT_CSV_MAX_ROWS": 200_000,
}


def get(name: str) -> Any:
    return getattr(settings, f"TELEREG_{name}", DEFAULTS[name])


def deadline_rule(kind: str) -> tuple[int, str]:
    rule = {**DEFAULTS["ENFORCEMENT_DEADLINES"], **get("ENFORCEMENT_DEADLINES")}[kind]
    unit = rule.get("unit", "calendar")
    if unit not in ("working", "calendar"):
        raise ValueError(f"deadline unit for {kind} must be 'working' or 'calendar'")
    return int(rule["n"]), unit


def decimal(name: str) -> Decimal:
    return Decimal(str(get(name)))
