"""Helpers shared by the credit services: actor labels and the account row lock."""

from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import Conflict
from credit import conf, scoring
from credit.models import Account, LedgerEntry, ListEntry, ListKind, ListStatus


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


def replayed(enterprise_id: int, idempotency_key: str, digest: str):
    """The entry an earlier post with this key made, or None. Called with the account lock
    held, in its own statement, so that it sees an entry committed by the writer we waited
    for; the same key with different content is a 409."""
    existing = LedgerEntry.objects.filter(
        enterprise_id=enterprise_id, idempotency_key=idempotency_key
    ).first()
    if existing is not None and existing.content_hash != digest:
        raise Conflict(
            _("This idempotency key was already used with different content."), code="idempotency_key_reused"
        )
    return existing
