"""Licensing policy values (REGULATION.md §1). Every [D]/[R]/[I] value is a setting
``TELEREG_<NAME>`` (settings or environment JSON) with the default given here.

Deadline units, as the regulation gives them (REGULATION.md "Days": 日 = calendar days,
工作日 = working days). The correction request is explicitly 5 *working* days [F S7]; the
acceptance notice (5 日), the decision (60 / 180 日) and the issue (10 日) are stated in
days, i.e. calendar days [F S6, S7]; the renewal acceptance reply is 5 working days and
its review at most 60 days [F S9]. Each deadline's unit is part of its setting:
``{"n": 60, "unit": "working"}`` or ``{"n": 60, "unit": "calendar"}``.
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
        "acceptance": {"n": 5, "unit": "calendar"},  # §1.2 5 日 [F S6]
        "decision_value_added": {"n": 60, "unit": "calendar"},  # §1.2 60 日 [F S6, S7]
        "decision_basic": {"n": 180, "unit": "calendar"},  # §1.2 180 日 [F S7]
        "issue": {"n": 10, "unit": "calendar"},  # §1.2 10 日 [F S6]
        "renewal_acceptance": {"n": 5, "unit": "working"},  # §1.5 [F S9]
        "renewal_decision": {"n": 60, "unit": "calendar"},  # §1.5 "≤60 days" [F S9]
        "change_filing": {"n": 30, "unit": "calendar"},  # §1.5 [F 2001 / R]
        "publication": {"n": 7, "unit": "working"},  # §7 双公示 [F S31]
        "commit_decision": {"n": 1, "unit": "working"},  # §1.3 [D]
        "postcheck": {"n": 60, "unit": "calendar"},  # §1.3 [D]
        "rectification": {"n": 30, "unit": "calendar"},  # §1.3 [D]
    },
    # §1.1 [I]: an individual business (个体工商户, USCC registration-type "92") cannot
    # hold a telecom business licence.
    "INDIVIDUAL_BUSINESS_PREFIXES": ["92"],
    # §1.3 [I]: renewals (and prior-approval changes) always take the standard path.
    "RENEWAL_STANDARD_PATH": True,
    # §1.3 [F S10]: the 2019 pilot limited notify-and-commit to companies in 18 free-trade
    # zones whose registered address equals their main office. The 2021 roll-out [R] lifted
    # both; each is a switch, off by default, with the pilot's provinces kept here.
    "NOTIFY_COMMIT_FTZ_ONLY": False,
    "NOTIFY_COMMIT_FTZ_PROVINCES": [
        "31",
        "44",
        "12",
        "35",
        "21",
        "33",
        "41",
        "42",
        "50",
        "51",
        "61",
        "46",
        "37",
        "32",
        "45",
        "13",
        "53",
        "23",
    ],
    "NOTIFY_COMMIT_SAME_ADDRESS": False,
    # §1.5: a cancellation (注销) gives at least this many days' notice [F S8].
    "CANCELLATION_NOTICE_DAYS": 90,
    # §7 双公示: decisions are published by the publication sweep unless an officer holds
    # one back for review of secrets or personal data.
    "DECISION_AUTO_PUBLISH": True,
    # §7: the 双公示 licensing category (许可类别: 普通/特许/认可/核准/登记/其他) [I].
    "DECISION_CATEGORY": "普通",
    "DECISION_CSV_MAX_ROWS": 100000,
    # Which credit rules list the holder (§2.2): revocation (吊销) and withdrawal (撤销,
    # licence obtained by fraud or a false commitment) both lead to the dishonest list.
    "REVOCATION_LIST_RULE": "DISHONEST_REVOKED",
    "WITHDRAWAL_LIST_RULE": "DISHONEST_FALSE_COMMITMENT",
    # The legal basis recorded when the decider cites none: MIIT Order 42 (2017),
    # 《电信业务经营许可管理办法》.
    "DEFAULT_LEGAL_BASIS": "《电信业务经营许可管理办法》（工业和信息化部令第42号）",
    # §1.6 [F S11]: annual reports are public from this (month, day) of the year after the
    # report year, i.e. after the April correction month.
    "ANNUAL_REPORT_PUBLIC_FROM": [5, 1],
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
