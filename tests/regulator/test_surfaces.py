"""Schema, docs, admin, health, home page; and a schemathesis run over the whole API."""

import pytest


@pytest.mark.parametrize(
    "path,status",
    [("/healthz", 200), ("/api/schema/", 200), ("/api/docs/", 200), ("/admin/login/", 200), ("/", 200)],
)
def test_surfaces_answer(client, db, path, status):
    assert client.get(path).status_code == status


def test_request_id_is_echoed_or_made(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert len(client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"]) == 32


def test_request_id_lands_in_audit(api, officer, db):
    from regulator.models import AuditEvent

    client = api(officer)
    client.post(
        "/api/v1/enterprises/",
        {"uscc": "91110000802100433B", "name": "n", "legal_representative": "r", "registered_address": "a"},
        format="json",
        HTTP_X_REQUEST_ID="req-42",
    )
    assert AuditEvent.objects.get().request_id == "req-42"


def test_schema_documents_public_contract(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/enterprises/",
        "/api/v1/enterprises/{uscc}/",
        "/api/v1/audit-events/",
    ]:
        assert path in schema["paths"], path


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_AUTHORIZATION": "Token abc\x00def"},
        {"HTTP_COOKIE": "sessionid=ab\x00cd"},
        {"QUERY_STRING": "q=a%00b"},
    ],
)
def test_nul_bytes_are_a_400_not_a_500(client, db, extra):
    response = client.get("/api/v1/enterprises/", **extra)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_openapi_schema_is_valid_and_warning_free(db, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/public/credit/{uscc}/" in out.read_text()


def test_octal_escaped_nul_in_a_quoted_cookie_is_a_400(client, db):
    response = client.get("/api/v1/enterprises/", HTTP_COOKIE='sessionid="ab\\000cd"')
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["0504-11-14T10:28:57+16:26", "0001-01-01T00:00:00+14:00", "not-a-date"])
def test_odd_datetime_filters_are_400(api, auditor, value):
    response = api(auditor).get("/api/v1/audit-events/", {"since": value})
    assert response.status_code == 400
    assert "since" in response.json()["errors"]


def test_datetime_filter_accepts_offsets(api, auditor):
    response = api(auditor).get("/api/v1/audit-events/", {"since": "2026-01-01T00:00:00+08:00"})
    assert response.status_code == 200


class TestWindowCountPagination:
    """config.api.WindowCountPagination answers exactly like the plain paginator."""

    def _page(self, qs, **params):
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        from config.api import WindowCountPagination

        pager = WindowCountPagination()
        request = Request(APIRequestFactory().get("/x/", params))
        rows = pager.paginate_queryset(qs, request)
        return rows, pager.get_paginated_response([r.pk for r in rows]).data

    def test_count_links_and_last_page(self, db):
        from regulator.models import Enterprise
        from tests.factories import EnterpriseFactory

        EnterpriseFactory.create_batch(5)
        qs = Enterprise.objects.order_by("pk")
        rows, body = self._page(qs, page_size=2)
        assert body["count"] == 5 and len(rows) == 2 and body["previous"] is None
        assert "page=2" in body["next"]
        rows, body = self._page(qs, page_size=2, page=3)
        assert [r.pk for r in rows] == list(qs.values_list("pk", flat=True))[4:]
        assert body["count"] == 5 and body["next"] is None and "page_size=2" in body["previous"]

    def test_empty_first_page_and_out_of_range(self, db):
        from rest_framework.exceptions import NotFound

        from regulator.models import Enterprise

        rows, body = self._page(Enterprise.objects.order_by("pk"))
        assert (rows, body["count"]) == ([], 0)
        for bad in ("2", "0", "x"):
            with pytest.raises(NotFound):
                self._page(Enterprise.objects.order_by("pk"), page=bad)
