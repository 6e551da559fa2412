"""Request rates per client and per account, counted in the cache (Redis in production),
answering 429 with Retry-After (issue 9, point 2). Every app reuses these; none defines its own.

Both classes are DRF defaults (config/settings.py) and apply only where a scope is known:

- ``ClientThrottle`` counts per client address. The scope is the view's ``throttle_scope``
  (``"login"``, ``"complaint_intake"``…) or, failing that, the first match of the request path
  in TELEREG_THROTTLE_PATH_SCOPES (public lookups, licence verification), so the kernel
  throttles other apps' public endpoints without importing them.
- ``AccountThrottle`` counts per account: per submitted username on a view that sets
  ``throttle_account_field`` (login, scope ``throttle_account_scope``), else per signed-in user
  (scope ``"user"``).

Rates are TELEREG_THROTTLE_RATES (regulator/conf.py), read on every request, merged over the
defaults. The client address is REMOTE_ADDR unless NUM_PROXIES says how many proxies to skip
in X-Forwarded-For (a client may forge that header otherwise).
"""

import hashlib
import re
import secrets

from django.core.cache.backends.redis import RedisCacheClient
from rest_framework.throttling import SimpleRateThrottle

from regulator import conf


def rates() -> dict[str, str]:
    return {**conf.DEFAULTS["THROTTLE_RATES"], **(conf.get("THROTTLE_RATES") or {})}


def path_scope(path: str) -> str | None:
    for pattern, scope in conf.get("THROTTLE_PATH_SCOPES"):
        if re.search(pattern, path):
            return scope
    return None


class _ScopedThrottle(SimpleRateThrottle):
    def __init__(self):  # the scope is chosen per request, not per class
        self.scope = None

    def scope_for(self, request, view) -> str | None:
        raise NotImplementedError

    def ident_for(self, request, view) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view):
        self.scope = self.scope_for(request, view)
        self.rate = rates().get(self.scope) if self.scope else None
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if isinstance(getattr(self.cache, "_cache", None), RedisCacheClient):
            return self._allow_in_redis(request, view)
        return super().allow_request(request, view)

    def _allow_in_redis(self, request, view) -> bool:
        """DRF's sliding log, kept in Redis as a sorted set and updated by one script: one
        round trip per request (DRF's get-then-set costs two and loses counts when two web
        processes read the same history at once). Added for the public lookups (s2-load)."""
        global _sliding_log
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        key = self.cache.make_and_validate_key(f"{self.key}:log")  # not DRF's pickled list
        # One client per connection pool, kept: Django's get_client builds a new redis-py
        # client (its ~170 response callbacks) on every call.
        pool = self.cache._cache._get_connection_pool(write=True)
        if _sliding_log is None or _sliding_log[0] is not pool:
            _sliding_log = (pool, self.cache._cache.get_client(key, write=True).register_script(_SLIDING_LOG))
        member = f"{self.now}:{secrets.token_hex(4)}"
        args = [repr(self.now), self.duration, self.num_requests, member]
        allowed, count, oldest = _sliding_log[1](keys=[key], args=args)
        if allowed:
            return True
        self.history = [float(oldest)] * int(count)  # what DRF's wait() reads
        return self.throttle_failure()

    def get_cache_key(self, request, view):
        ident = self.ident_for(request, view)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ClientThrottle(_ScopedThrottle):
    def scope_for(self, request, view):
        return getattr(view, "throttle_scope", None) or path_scope(request.path)

    def ident_for(self, request, view):
        return self.get_ident(request)


class AccountThrottle(_ScopedThrottle):
    def scope_for(self, request, view):
        if getattr(view, "throttle_account_field", None):
            return getattr(view, "throttle_account_scope", "login_account")
        user = getattr(request, "user", None)
        return "user" if user is not None and user.is_authenticated else None

    def ident_for(self, request, view):
        field = getattr(view, "throttle_account_field", None)
        if field:
            data = request.data if hasattr(request.data, "get") else {}
            name = str(data.get(field) or "").strip().lower()
            if not name:
                return None
            return hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()[:32]
        return str(request.user.pk)


# Drop entries older than the window, refuse at the limit (returning the count and the
# oldest entry for Retry-After), else add this request and renew the key's expiry.
_SLIDING_LOG = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n >= limit then
  return {0, n, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], window)
return {1, n + 1, '0'}
"""
_sliding_log = None
