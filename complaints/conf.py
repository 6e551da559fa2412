"""Complaint policy values (REGULATION.md §4). Each is a setting: override with
``TELEREG_<NAME>`` (JSON) in the environment or in Django settings. Never literals in code.

Clock lengths are ``[days, unit]`` with unit ``"working"`` or ``"calendar"`` (REGULATION.md
"Days": both units are kept).
"""

from typing import Any

from django.conf import settings

_DEFAULTS: dict[str, Any] = {
    # Per kind: the clocks and what starts each. §4.1 [F S24, S25]: accept or refuse within 5
    # working days of receipt; answer the appellant within 30 days of complete materials;
    # [D] the operator answers a forwarded appeal within 10 days. §4.2 [F S26]: the company
    # finishes an Internet complaint within 10 working days ([I] counted from forwarding,
    # and the platform's answer within 10 working days of acceptance).
    "COMPLAINTS_CLOCKS": {
        "telecom": {
            "version": "order35-2016/d1",
            "accept": {"start": "received", "span": [5, "working"]},
            "respond": {"start": "forwarded", "span": [10, "calendar"]},
            "answer": {"start": "accepted", "span": [30, "calendar"]},
        },
        "internet": {
            "version": "isc-2019/d1",
            "accept": {"start": "received", "span": [5, "working"]},
            "respond": {"start": "forwarded", "span": [10, "working"]},
            "answer": {"start": "accepted", "span": [10, "working"]},
        },
    },
    # §4.3 [D]: fast = closed within 5 working days of acceptance, timely = within 10;
    # reopened complaints count as neither. The version is stored with every result.
    "COMPLAINTS_DEFINITION": {
        "version": "fyp14-fast5-timely10/1",
        "fast": [5, "working"],
        "timely": [10, "working"],
        "reopened_not_fast": True,
    },
    # §4.3 [F: the plan, binding] and §4.2 [F S26]: the targets reports compare against.
    # "gt" = strictly above, "ge" = at least.
    "COMPLAINTS_TARGETS": {
        "fast_rate": ["gt", "0.90"],
        "satisfaction": ["gt", "82"],
        "timely_rate": ["ge", "0.95"],
    },
    # §4.1 [F S25]: not accepted when older than 5 months (charging) / 2 years (other).
    "COMPLAINTS_TIME_BAR_MONTHS": {"billing": 5, "other": 24},
    # [D] a closed complaint may be reopened once, within this many calendar days.
    "COMPLAINTS_REOPEN_DAYS": 30,
    "COMPLAINTS_MAX_REOPENS": 1,
    # [D] a clock is at risk once this share of it is used (sweep every few minutes).
    "COMPLAINTS_AT_RISK_SHARE": "0.8",
    "COMPLAINTS_SWEEP_MINUTES": 5,
    # Attachments [D]: size and types (checked by content, not by the name the client gives).
    "COMPLAINTS_ATTACHMENT_MAX_BYTES": 5 * 1024 * 1024,
    "COMPLAINTS_ATTACHMENT_MAX_COUNT": 10,
    "COMPLAINTS_ATTACHMENT_TYPES": ["application/pdf", "image/jpeg", "image/png"],
    # §2.4 [D] complaint timeliness <95% in a quarter: −10 points, if the enterprise had at
    # least this many complaints with a timeliness result in the quarter.
    "COMPLAINTS_CREDIT_TIMELY_THRESHOLD": "0.95",
    "COMPLAINTS_CREDIT_MIN_COUNT": 20,
    # [D] the feed acts on a quarter this many days after it ends, once its complaints have
    # had their answer time (30 days, §4.1) and entered the public record.
    "COMPLAINTS_CREDIT_FEED_DELAY_DAYS": 35,
    # Dotted path to ``f(licence_number) -> USCC | None`` (config may wire a licensing
    # selector; complaints itself may not import licensing). "" = respondents by USCC only.
    "COMPLAINTS_LICENCE_RESOLVER": "",
    # Public CSV export cap (rows).
    "COMPLAINTS_CSV_MAX_ROWS": 200_000,
    # The public record's pages (complaints.records) [D]: a page reads the matches from its
    # start up to this many (at least a page and one more); ``count`` is exact when they
    # run out before that, a lower bound otherwise. Pages starting deeper than MAX_DEPTH
    # matches are a 404 (narrow the filters, or take the CSV export).
    "COMPLAINTS_RECORD_COUNT_WINDOW": 1_000,
    "COMPLAINTS_RECORD_MAX_DEPTH": 10_000,
}


def get(name: str) -> Any:
    return getattr(settings, f"TELEREG_{name}", _DEFAULTS[name])


def __getattr__(name: str) -> Any:
    if name in _DEFAULTS:
        return get(name)
    raise AttributeError(name)
