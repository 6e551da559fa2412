"""Helpers shared by the credit services: actor labels and the account row lock."""

from typing import Any

from django.db import connection
from django.utils import timezone

from credit import conf, scoring
from credit.models import Account, ListEntry, ListKind, ListStatus


def grade_of(score: int, dishonest: bool) -> str:
    # §2.4 default model [D]: a dishonest listing forces the lowest grade (a setting).
    return scoring.grade_for(
        score,
        dishonest=dishonest and bool(conf.get("CREDIT_DISHONEST_FORCES_LOWEST_GRADE")),
        floors=conf.get("CREDIT_GRADE_FLOORS"),
        lowest=conf.get("CREDIT_LOWEST_GRADE"),
    )


def lock_account(enterprise_id: int) -> Account:
    """Create the account if missing, then lock it FOR UPDATE for the rest of the transaction.

    Every credit write for one enterprise takes this lock first (then any list-entry row),
    so writers serialise per enterprise and never deadlock on lock order.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock_account must run inside transaction.atomic()")
    acc = Account.objects.select_for_update().filter(pk=enterprise_id).first()
    if acc is not None:
        return acc
    create_account(enterprise_id)
    return Account.objects.select_for_update().get(pk=enterprise_id)


def create_account(enterprise_id: int) -> None:
    """Insert the enterprise's account at the base score unless it exists (no lock taken)."""
    base = conf.get("CREDIT_BASE_SCORE")
    # INSERT ... ON CONFLICT DO NOTHING: concurrent first posts do not collide.
    Account.objects.bulk_create(
        [
            Account(
                enterprise_id=enterprise_id,
                score=base,
                grade=grade_of(base, False),
                updated_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )


def refresh_list_flags(account: Account) -> None:
    """Recompute list membership and grade of a locked account from published entries."""
    live = set(
        ListEntry.objects.filter(enterprise_id=account.pk, status=ListStatus.PUBLISHED)
        .values_list("list_kind", flat=True)
        .distinct()
    )
    account.on_bad_list = ListKind.BAD in live
    account.on_dishonest_list = ListKind.DISHONEST in live
    account.grade = grade_of(account.score, account.on_dishonest_list)
    account.save(update_fields=["on_bad_list", "on_dishonest_list", "grade", "updated_at"])


def account_snapshot(account: Account) -> dict[str, Any]:
    return {
        "score": account.score,
        "grade": account.grade,
        "on_bad_list": account.on_bad_list,
        "on_dishonest_list": account.on_dishonest_list,
    }
