"""bench/load.py's own logic, without a server: the requests it sends and the verdict it
writes (the benchmark runs unattended; a wrong verdict would go straight into the docs)."""

from types import SimpleNamespace

from bench import load


def row(name, rps, errors=None):
    return {
        "name": name,
        "path": "/",
        "requests": int(rps * 18),
        "seconds": 18.0,
        "rps": rps,
        "p50": 1.0,
        "p95": 2.0,
        "p99": 3.0,
        "errors": errors or {},
        "client_cpu": 0.1,
    }


def report(credit_rps, credit_errors=None, throttle_last="429"):
    measured = {
        "results": [row("constant view (ceiling)", 1000), row("credit lookup", credit_rps, credit_errors)],
        "loadavg": (1.5, 1.0, 0.5),
    }
    throttle = {"limit": 120, "ok": 120, "last": throttle_last}
    return load._report(measured, throttle, 12.0, SimpleNamespace(machine=lambda: "test machine"))


def test_verdict_follows_the_ratio_and_the_errors():
    assert "(target ≥ 0.5×: met)" in report(500)
    assert "(target ≥ 0.5×: NOT met)" in report(499)
    text = report(600, {"502": 3})
    assert "(target ≥ 0.5×: NOT met)" in text and "(target 0: NOT met)" in text and "502: 3" in text
    assert "Load average (1 min) at the end of the measurement: 1.50" in report(500)


def test_the_throttle_check_is_reported():
    assert "the next 429 (as expected)" in report(500)
    assert "NOT as expected" in report(500, throttle_last="200")


def test_requests_carry_the_simulated_client_and_close():
    raw = load._request_bytes("127.0.0.1:1", {"path": "/x", "body": {"a": 1}}, "10.0.0.7")
    head, body = raw.split(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /x HTTP/1.1" and "X-Forwarded-For: 10.0.0.7" in lines
    assert "Connection: close" in lines and f"Content-Length: {len(body)}" in lines and body == b'{"a": 1}'
    assert load._request_bytes("h", {"path": "/y"}, "10.0.0.8").startswith(b"GET /y HTTP/1.1\r\n")
