"""Public list search (issue 17 §4): which index answers a fragment, and in what order.
Kept apart from credit.selectors so that the search can change without touching the other
public reads."""

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from credit.models import ListEntry, ListStatus
from regulator import uscc as uscc_mod

PUBLIC_STATUSES = {"active": [ListStatus.PUBLISHED], "removed": [ListStatus.REMOVED]}
TRIGRAM_MIN_CHARS = 3  # pg_trgm indexes three-character sequences


def public_list_entries(
    *, list_kind: str | None = None, q: str = "", province: str = "", status: str = "active"
) -> QuerySet[ListEntry]:
    qs = ListEntry.objects.filter(published_on__isnull=False)
    if status in PUBLIC_STATUSES:
        qs = qs.filter(status__in=PUBLIC_STATUSES[status])
    if list_kind:
        qs = qs.filter(list_kind=list_kind)
    if province:
        qs = qs.filter(province=province)
    q = (q or "").strip()
    if q:
        code = uscc_mod.normalise(q)
        if len(code) == 18 and code.isalnum() and code.isascii():
            qs = qs.filter(enterprise_uscc=code)
        else:
            # Both columns carry a trigram index on UPPER(...) (migration 0002). A licence
            # number always has ASCII letters and digits (京B2-20260001), so a fragment with
            # neither (a Chinese name fragment) needs only the name index.
            cond = Q(enterprise_name__icontains=q)
            if any(ch.isascii() and ch.isalnum() for ch in q):
                cond |= Q(licence_numbers__icontains=q)
            qs = qs.filter(cond)
            if len(q) >= TRIGRAM_MIN_CHARS:
                # pg_trgm's selectivity estimate for Chinese fragments is poor: the planner
                # walked the newest-first index (migration 0007) for a 4-character name
                # matching 224 of 200,000 entries and read most of the table (115 ms
                # instead of 1 ms). A fragment with a trigram goes through the trigram
                # index; sorting by an expression keeps the planner off the ordered walk,
                # which stays for 1-2 character fragments (no trigram to look up).
                return qs.order_by(Coalesce("published_on", "published_on").desc(), "-id")
    return qs.order_by("-published_on", "-id")
