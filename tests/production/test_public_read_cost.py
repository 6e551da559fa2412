"""What the public credit lookup costs per request under production settings (s2-load): one
SQL statement and one Redis round trip (the per-client throttle, kept: abuse resistance),
and the throttle still refuses at its rate, per client, with Retry-After, counting in Redis
across processes."""

import datetime as dt

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, redis_url):
    url = redis_url.rsplit("/", 1)[0] + "/5"  # a database of its own beside the broker's
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    settings.TELEREG_THROTTLE_RATES = {"public_lookup": "5/m"}
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield client
    client.flushdb()
    cache.close()


@pytest.fixture
def round_trips(monkeypatch):
    """Replies the web process reads from Redis: one per round trip."""
    from redis.connection import AbstractConnection

    count = [0]
    read = AbstractConnection.read_response

    def counted(self, *args, **kwargs):
        count[0] += 1
        return read(self, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "read_response", counted)
    return count


def test_one_statement_and_one_redis_round_trip_per_lookup(
    redis_cache, round_trips, api, ent_a, django_assert_num_queries
):
    c = api(None)
    url = f"/api/v1/public/credit/{ent_a.uscc}/"
    assert c.get(url).status_code == 200  # first call loads the script (once per Redis)
    for _ in range(3):
        round_trips[0] = 0
        with django_assert_num_queries(1):
            assert c.get(url).status_code == 200
        assert round_trips[0] == 1


def test_the_redis_throttle_refuses_at_the_rate_per_client(redis_cache, api, ent_a):
    c = api(None)
    url = f"/api/v1/public/credit/{ent_a.uscc}/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert [c.get(url).status_code for _ in range(6)] == [200] * 5 + [429]
        r = c.get(url)
        assert r.json()["code"] == "throttled" and 0 < int(r["Retry-After"]) <= 60
        # Another client address counts on its own.
        assert c.get(url, REMOTE_ADDR="10.9.8.7").status_code == 200
        # The refused requests did not count: the window frees up one minute after the first.
        clock.shift(dt.timedelta(seconds=61))
        assert [c.get(url).status_code for _ in range(6)] == [200] * 5 + [429]
