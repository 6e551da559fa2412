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


def test_the_short_way_answers_as_drf_would(redis_cache, api, ent_a, ent_b, supervisor):
    """A plain JSON GET skips DRF's request machinery (credit.api.public.PublicCreditApi.
    dispatch); ``?format=json`` goes through DRF. Same status, same JSON, same headers that
    clients read; an enterprise with no account yet reads the base score either way."""
    from credit import services

    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="BONUS_EXEMPLARY")
    c = api(None)
    for ent in (ent_a, ent_b):
        url = f"/api/v1/public/credit/{ent.uscc}/"
        short, drf = c.get(url), c.get(url, {"format": "json"})
        assert short.status_code == drf.status_code == 200
        assert short.json() == drf.json()
        for header in ("Content-Type", "Vary", "Allow"):
            assert short[header] == drf[header], header


def test_an_unknown_code_is_a_json_404_counted_once(redis_cache, round_trips, api):
    """The short way falls back to DRF for an unknown code (the one error shape) without
    counting the request twice against the client's rate."""
    c = api(None)
    url = "/api/v1/public/credit/91110105MA00000000/"
    assert c.get(url).status_code == 404  # loads the throttle script
    round_trips[0] = 0
    r = c.get(url)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert round_trips[0] == 1
    assert [c.get(url).status_code for _ in range(4)] == [404, 404, 404, 429]  # 5/m: 2 + 3 + refused


def test_a_browser_still_gets_the_browsable_api(api, ent_a):
    r = api(None).get(f"/api/v1/public/credit/{ent_a.uscc}/", HTTP_ACCEPT="text/html")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/html")
