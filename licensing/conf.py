"""Licensing policy values (REGULATION.md §1). Every [D]/[R]/[I] value is a setting
``TELEREG_<NAME>`` (settings or environment JSON) with the default given here.

Deadline units. The Administrative Licensing Law counts its own deadlines in working days
(Art. 82, "期限以工作日计算，不含法定节假日") [R], so acceptance, decision and issue
deadlines default to working days even though the provincial notices (S6) just say "days";
the correction request is explicitly 5 working days (S7). The notify-and-commit post-check
and rectification periods are our own defaults [D] and count calendar days. Each deadline's
unit is a setting: ``{"n": 60, "unit": "working"}`` or ``{"n": 60, "unit": "calendar"}``.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # §1.3: category-2 value-added services may take the notify-and-commit path.
    "NOTIFY_COMMIT_CATEGORIES": ["B21", "B22", "B23", "B24", "B25", "B26"],
    # §1.1 registered capital in CNY: (one province, two or more provinces).
    "CAPITAL_VALUE_ADDED": ["1000000", "10000000"],
    "CAPITAL_BASIC": ["100000000", "1000000000"],  # national figure is [R]
    "DEADLINES": {
        "correction": {"n": 5, "unit": "working"},  # §1.2 [F S7]
        "acceptance": {"n": 5, "unit": "working"},  # §1.2 "5 days" [F S6], unit [R]
        "decision_value_added": {"n": 60, "unit": "working"},  # [F S6, S7], unit [R]
        "decision_basic": {"n": 180, "unit": "working"},  # [F S7], unit [R]
        "issue": {"n": 10, "unit": "working"},  # [F S6], unit [R]
        "commit_decision": {"n": 1, "unit": "working"},  # §1.3 [D]
        "postcheck": {"n": 60, "unit": "calendar"},  # §1.3 [D]
        "rectification": {"n": 30, "unit": "calendar"},  # §1.3 [D]
    },
    "VALIDITY_YEARS_VALUE_ADDED": 5,  # §1.5 [F]
    "VALIDITY_YEARS_BASIC": 5,  # §1.5 "5 or 10" [R]
    "EXPIRING_DAYS": 90,  # §1.5 status enum [I]
    "RENEWAL_LEAD_DAYS": 90,  # §1.5 [F S8]
    "APPLICATION_BAN_YEARS": 1,  # §1.1 / §1.3 [F S6, S8] / [I]
    # §1.6 annual report: filed Jan 1–Mar 31 [F S3]; a one-month correction period [F S11].
    "ANNUAL_REPORT_WINDOW_END": [3, 31],
    "ANNUAL_REPORT_CORRECTION_DAYS": 30,
    # Uploaded application materials.
    "MATERIAL_MAX_BYTES": 10 * 1024 * 1024,
    "MATERIAL_CONTENT_TYPES": ["application/pdf", "image/png", "image/jpeg"],
    "MATERIALS_PER_APPLICATION": 30,
    # An unreferenced upload younger than this may belong to a transaction still running [D].
    "MATERIAL_ORPHAN_GRACE_HOURS": 24,
    # A notify-and-commit case whose automatic check did not run (worker down) is picked up
    # by the sweep after this many minutes.
    "AUTO_CHECK_RETRY_MINUTES": 10,
    # E-licence signing. Production: {kid: base64 raw 32-byte Ed25519 private key}; the
    # active key signs, the others (and RETIRED_PUBLIC_KEYS {kid: base64 public key}) stay
    # published so licences they signed still verify.
    "LICENCE_SIGNING_KEYS": {},
    "LICENCE_ACTIVE_KEY_ID": "",
    "LICENCE_RETIRED_PUBLIC_KEYS": {},
    # Outside DEBUG a missing key is an error unless this is set (tests, CI).
    "LICENCE_DEV_KEY": False,
}


def get(name: str) -> Any:
    return getattr(settings, f"TELEREG_{name}", DEFAULTS[name])


def deadline_rule(kind: str) -> tuple[int, str]:
    rule = {**DEFAULTS["DEADLINES"], **get("DEADLINES")}[kind]
    unit = rule.get("unit", "working")
    if unit not in ("working", "calendar"):
        raise ValueError(f"deadline unit for {kind} must be 'working' or 'calendar'")
    return int(rule["n"]), unit


def capital_thresholds(kind: str) -> tuple[Decimal, Decimal]:
    one, cross = get("CAPITAL_BASIC" if kind == "basic" else "CAPITAL_VALUE_ADDED")
    return Decimal(str(one)), Decimal(str(cross))
