"""Credit policy values (REGULATION.md §2, §3). Each is a setting: override with
``TELEREG_<NAME>`` (JSON) in the environment or in Django settings. Never literals in code."""

from typing import Any

from django.conf import settings

_DEFAULTS: dict[str, Any] = {
    # §2.4 [F S18]: base score and grade floors, best grade first; below the last floor is C.
    "CREDIT_BASE_SCORE": 100,
    "CREDIT_GRADE_FLOORS": [["AA", 100], ["A", 80], ["B", 60]],
    "CREDIT_LOWEST_GRADE": "C",
    # §2.4 default model [D]: an active dishonest listing forces the lowest grade.
    "CREDIT_DISHONEST_FORCES_LOWEST_GRADE": True,
    # §2.4 default model [D]: points count over a rolling 12 months; the default validity
    # of a new rule (a rule may differ).
    "CREDIT_DEFAULT_POINTS_MONTHS": 12,
    # §2.3 [D]: objection window and reply, in working days.
    "CREDIT_OBJECTION_WINDOW_WORKING_DAYS": 10,
    "CREDIT_OBJECTION_REPLY_WORKING_DAYS": 15,
    # §2.3 [D]: repair acceptance / decision / register update, working days.
    "CREDIT_REPAIR_ACCEPT_WORKING_DAYS": 5,
    "CREDIT_REPAIR_DECIDE_WORKING_DAYS": 10,
    # (The 3-working-day register update after a granted repair needs no setting: the grant
    # removes the entry from the public list in the same transaction.)
    # §2.3 [D]: earliest repair after publication, in months, per list.
    "CREDIT_REPAIR_EARLIEST_MONTHS": {"bad": 3, "dishonest": 12},
    # §2.3 [D]: revocation-based dishonest entries cannot be repaired (a false commitment
    # ends in revocation too, §1.3).
    "CREDIT_NON_REPAIRABLE_RULES": ["DISHONEST_REVOKED", "DISHONEST_FALSE_COMMITMENT"],
    # §2.3 [D]: retention per list in years, auto-removed after it.
    "CREDIT_RETENTION_YEARS": {"bad": 3, "dishonest": 3},
    # §2.3 [D]: a second penalty-based bad entry within N years escalates to the dishonest list.
    "CREDIT_ESCALATION_YEARS": 3,
    "CREDIT_ESCALATION_SOURCE_RULES": ["BAD_PENALTY"],
    "CREDIT_ESCALATION_RULE": "DISHONEST_ESCALATION",
    # The written notice of an intended listing goes out with the decision (the platform
    # shows it to the enterprise at once), starting the objection window; False leaves
    # proposals for a supervisor to notify.
    "CREDIT_NOTIFY_ON_PROPOSE": True,
    # §2.3 送达 [D]: display on the enterprise's platform account counts as delivery of the
    # written notice (the objection window starts that day); False waits for a recorded
    # delivery (post, in person, announcement).
    "CREDIT_PLATFORM_DISPLAY_IS_DELIVERY": True,
    # §2.3 [D]: what a proposal still inside its objection window blocks. Default nothing:
    # the entry is not yet decided for good, and the firm keeps its rights until publication.
    "CREDIT_PENDING_PROPOSAL_BLOCKS": [],
    # Publish entries whose objection window passed with no pending objection (daily sweep).
    "CREDIT_AUTO_PUBLISH": True,
    # §2.4 [F S18]: the live grade's effect on applications. Default none: the C-grade ban
    # is a dated sanction from the yearly grade record (CREDIT_GRADE_BAN_*), not the live score.
    "CREDIT_APPLY_BLOCKED_GRADES": [],
    # [I] notify-and-commit only for firms whose live grade is above C.
    "CREDIT_NOTIFY_COMMIT_BLOCKED_GRADES": ["C"],
    "CREDIT_NOTIFY_COMMIT_BLOCKED_BY_BAD_LIST": True,
    # Which dated sanctions block what (§1.1, §1.3, §1.5).
    "CREDIT_SANCTION_BLOCKS": {
        "application_ban": ["apply", "notify_commit"],
        "renewal_ban": ["renew"],
        "notify_commit_ban": ["notify_commit"],
        "licence_ban": ["apply", "renew", "notify_commit"],
        # §2.4 [F S18]: the fixed C grade bars applications; renewal refused while it runs.
        "grade_ban": ["apply", "renew", "notify_commit"],
    },
    # §2.4 [F S18]: the yearly grade. Sweep day (month, day), publicity in working days,
    # the grades that draw a ban (and for how many years) or an admonition talk (and within
    # how many working days of fixing).
    "CREDIT_GRADE_SWEEP_DATE": [1, 15],
    "CREDIT_GRADE_PUBLICITY_WORKING_DAYS": 10,
    "CREDIT_GRADE_BAN_GRADES": ["C"],
    "CREDIT_GRADE_BAN_YEARS": 3,
    "CREDIT_GRADE_BAN_KIND": "grade_ban",
    "CREDIT_ADMONITION_GRADES": ["B"],
    "CREDIT_ADMONITION_WORKING_DAYS": 20,
    # §2.4 [D]: "3 years with no bad-list entry" bonus, posted once a year by the sweep.
    "CREDIT_CLEAN_YEARS": 3,
    "CREDIT_CLEAN_BONUS_RULE": "BONUS_THREE_YEARS_CLEAN",
    "CREDIT_ANNUAL_REPORT_BONUS_RULE": "BONUS_ANNUAL_REPORT",
    "CREDIT_INSPECTION_BONUS_RULE": "BONUS_CLEAN_INSPECTION",
    "CREDIT_COMPLAINT_TIMELINESS_RULE": "COMPLAINT_TIMELINESS",
    # §3 [D]: grade multipliers; fixed rates for the dishonest (always), C (100%) and bad strata.
    "CREDIT_SAMPLING_MULTIPLIERS": {"grade_AA": 0.5, "grade_A": 1.0, "grade_B": 2.0},
    "CREDIT_SAMPLING_FIXED_RATES": {"dishonest": 1.0, "grade_C": 1.0, "bad": 0.2},
    # Public list CSV export cap (rows).
    "CREDIT_CSV_MAX_ROWS": 200_000,
    # Issue 17 §4: the public list search counts matches up to this many; beyond it the
    # answer says "at least" (``count_capped``), so a broad fragment does not pay for
    # counting every match.
    "CREDIT_PUBLIC_COUNT_CAP": 1_000,
    # Issue 17 §4, the public search's stages (credit/search.py). On PostgreSQL the count is
    # exact when the search indexes read every match and a lower bound when the newest-first
    # walk or the probe of the newest months filled the page (the cap above then applies to
    # SQLite only). The walk reads at most K newest entries per page, K = sqrt(COST_RATIO ×
    # (page size + 1) × table size), at least MIN_ROWS; WALK_ROWS > 0 fixes K instead
    # (tests). The ratio is small because a walk that falls short hands over to the probe,
    # whose cost is about two pages of matches, not to a read of every match.
    "CREDIT_SEARCH_WALK_ROWS": 0,
    "CREDIT_SEARCH_WALK_MIN_ROWS": 2_000,
    "CREDIT_SEARCH_WALK_COST_RATIO": 0.5,
    # The shortest fragment searched: one character would match most names and has no
    # index (the bigram index starts at two); shorter is a 400 on ``q``.
    "CREDIT_SEARCH_MIN_CHARS": 2,
    # Pages are served up to this many matches deep (page × size): a deeper page costs a walk
    # of the whole list (offset paging); narrower filters or the CSV export reach the rest.
    "CREDIT_SEARCH_MAX_DEPTH": 10_000,
}


def get(name: str) -> Any:
    return getattr(settings, f"TELEREG_{name}", _DEFAULTS[name])


def __getattr__(name: str) -> Any:
    if name in _DEFAULTS:
        return get(name)
    raise AttributeError(name)
