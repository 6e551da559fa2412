"""API tokens: issued on login, stored hashed, expiring, listed and revoked by their owner,
all revoked when the password changes or the account is deactivated.

A token is 32 random bytes (url-safe base64, 43 characters); only its SHA-256 digest is
stored, so the table is useless to someone who reads it. A slow password hash is not needed:
the token has 256 bits of entropy, nothing to guess. Clients send ``Authorization: Token <t>``.
"""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import NotFound
from regulator import audit, conf
from regulator.models import ApiToken, User


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def token_issue(*, user: User) -> tuple[ApiToken, str]:
    """A new token for ``user``: (row, the token itself, shown once). Beyond the per-user cap
    the oldest live tokens are revoked."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            prefix=raw[:8],
            digest=digest(raw),
            created_at=now,
            expires_at=now + dt.timedelta(hours=int(conf.get("API_TOKEN_TTL_HOURS"))),
        )
        live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        keep = int(conf.get("API_TOKENS_PER_USER"))
        excess = list(live.order_by("-created_at", "-id").values_list("pk", flat=True)[keep:])
        if excess:
            ApiToken.objects.filter(pk__in=excess).update(revoked_at=now, revoked_reason="superseded")
        audit.record(
            actor=user,
            action="user.token_issued",
            obj=row,
            after={"user": user.pk, "prefix": row.prefix, "expires_at": row.expires_at},
        )
    return row, raw


def authenticate(raw: str) -> User | None:
    """The active user a live token belongs to, or None."""
    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    # Last use at minute granularity: one write per token per minute at most.
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def token_list(*, actor) -> QuerySet[ApiToken]:
    """The actor's own live tokens (nobody lists another user's)."""
    return ApiToken.objects.filter(user=actor, revoked_at__isnull=True, expires_at__gt=timezone.now())


def token_revoke(*, actor, token_id: int) -> ApiToken:
    """The owner revokes one of its tokens; another user's token is NotFound."""
    if not 0 < token_id < 2**63:  # beyond the key column's range: no such token
        raise NotFound(_("Not found."))
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if row is None or row.revoked_at is not None:
            raise NotFound(_("Not found."))
        row.revoked_at, row.revoked_reason = timezone.now(), "owner"
        row.save(update_fields=["revoked_at", "revoked_reason"])
        audit.record(actor=actor, action="user.token_revoked", obj=row, after={"reason": "owner"})
    return row


def revoke_all(*, user: User, reason: str, actor=None) -> int:
    """Revoke every live token of ``user`` (password changed, account deactivated)."""
    with transaction.atomic():
        n = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason
        )
        if n:
            audit.record(
                actor=actor or "system",
                action="user.tokens_revoked",
                obj=user,
                after={"count": n, "reason": reason},
            )
    return n
