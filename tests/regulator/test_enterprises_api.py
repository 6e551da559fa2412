"""Enterprise register API: access per role, scoping, validation, error shape, idempotency."""

import pytest

from regulator.models import AuditEvent, Enterprise
from tests.conftest import PERSONAS
from tests.factories import new_uscc

URL = "/api/v1/enterprises/"


def payload(**over):
    body = {
        "uscc": "91110000802100433B",
        "name": "北京测试通信有限公司",
        "legal_representative": "李四",
        "registered_address": "北京市西城区金融大街1号",
        "province": "11",
        "contact_email": "a@example.cn",
    }
    body.update(over)
    return body


LIST_ACCESS = {
    "anon": 401,
    "enterprise_a": 200,
    "officer": 200,
    "inspector": 200,
    "supervisor": 200,
    "handler": 200,
    "auditor": 200,
}
CREATE_ACCESS = {
    "anon": 401,
    "enterprise_a": 403,
    "officer": 201,
    "inspector": 403,
    "supervisor": 201,
    "handler": 403,
    "auditor": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_access_per_role(persona, as_persona, ent_a, ent_b):
    _user, client = as_persona(persona)
    response = client.get(URL)
    assert response.status_code == LIST_ACCESS[persona]
    if response.status_code == 200:
        codes = {row["uscc"] for row in response.json()["results"]}
        if persona == "enterprise_a":
            assert codes == {ent_a.uscc}
        else:
            assert codes == {ent_a.uscc, ent_b.uscc}


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_access_per_role(db, persona, as_persona):
    _user, client = as_persona(persona)
    response = client.post(URL, payload(), format="json")
    assert response.status_code == CREATE_ACCESS[persona]
    assert Enterprise.objects.filter(uscc="91110000802100433B").exists() == (response.status_code == 201)


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_access_per_role(persona, as_persona, ent_a, ent_b):
    _user, client = as_persona(persona)
    mine = client.get(f"{URL}{ent_a.uscc}/")
    other = client.get(f"{URL}{ent_b.uscc}/")
    if persona == "anon":
        assert (mine.status_code, other.status_code) == (401, 401)
    elif persona == "enterprise_a":
        assert mine.status_code == 200
        # Another enterprise's record and a missing one look the same: 404.
        assert other.status_code == 404
        assert other.json() == client.get(f"{URL}{new_uscc()}/").json()
    else:
        assert (mine.status_code, other.status_code) == (200, 200)


def test_detail_accepts_lowercase_code(api, officer, ent_a):
    response = api(officer).get(f"{URL}{ent_a.uscc.lower()}/")
    assert response.status_code == 200 and response.json()["uscc"] == ent_a.uscc


def test_create_normalises_full_width_code_and_audits(api, officer):
    response = api(officer).post(URL, payload(uscc="９１１１００００８０２１００４３３ｂ"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["uscc"] == "91110000802100433B"
    assert response.json()["province_name"] == "北京市"
    event = AuditEvent.objects.get(action="enterprise.created")
    assert event.actor == officer and event.object_id == str(Enterprise.objects.get().pk)


def test_province_is_derived_when_omitted(api, officer):
    body = payload()
    del body["province"]
    response = api(officer).post(URL, body, format="json")
    assert response.status_code == 201 and response.json()["province"] == "11"


@pytest.mark.parametrize(
    "override,field",
    [
        ({"uscc": "91350100M000100Y4Z"}, "uscc"),
        ({"uscc": "123"}, "uscc"),
        ({"province": "44"}, "province"),
        ({"province": "99"}, "province"),
        ({"name": ""}, "name"),
        ({"contact_email": "not-an-email"}, "contact_email"),
    ],
)
def test_bad_input_is_400_with_field_errors_and_nothing_saved(api, officer, override, field):
    response = api(officer).post(URL, payload(**override), format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert field in body["errors"] and body["errors"][field]
    assert not Enterprise.objects.exists()
    assert not AuditEvent.objects.exists()


def test_missing_fields_all_reported(api, officer):
    response = api(officer).post(URL, {}, format="json")
    assert response.status_code == 400
    assert {"uscc", "name", "legal_representative", "registered_address"} <= set(response.json()["errors"])


def test_duplicate_code_is_409(api, officer, ent_a):
    response = api(officer).post(URL, payload(uscc=ent_a.uscc, province=ent_a.province), format="json")
    assert response.status_code == 409
    assert "uscc" in response.json()["errors"]


def test_error_messages_translate_to_chinese(api, officer):
    response = api(officer).post(URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == ["该字段是必填项。"]


def test_non_json_body_is_a_clean_4xx(api, officer):
    response = api(officer).generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"message", "code", "errors"}


def test_filters_by_province_and_name(api, officer, ent_a, ent_b):
    client = api(officer)
    assert [r["uscc"] for r in client.get(URL, {"province": ent_b.province}).json()["results"]] == [
        ent_b.uscc
    ]
    assert [r["uscc"] for r in client.get(URL, {"q": "甲网络"}).json()["results"]] == [ent_a.uscc]


def test_province_scoped_officer_sees_only_their_province(api, ent_a, ent_b):
    from regulator.models import Role
    from tests.factories import UserFactory

    local = UserFactory(username="gd-officer", role=Role.OFFICER, province=ent_b.province)
    client = api(local)
    assert [r["uscc"] for r in client.get(URL).json()["results"]] == [ent_b.uscc]
    assert client.get(f"{URL}{ent_a.uscc}/").status_code == 404


def test_list_query_count_is_constant(api, officer, django_assert_max_num_queries):
    from tests.factories import EnterpriseFactory

    EnterpriseFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        assert api(officer).get(URL).status_code == 200


class TestIdempotency:
    def test_same_key_same_body_returns_first_result(self, api, officer):
        client = api(officer)
        first = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        again = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert again["Idempotent-Replayed"] == "true"
        assert Enterprise.objects.count() == 1
        assert AuditEvent.objects.filter(action="enterprise.created").count() == 1

    def test_same_key_different_body_is_409(self, api, officer):
        client = api(officer)
        client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
        other = client.post(URL, payload(name="另一个名字"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
        assert other.status_code == 409
        assert other.json()["code"] == "idempotency_key_reused"
        assert Enterprise.objects.get().name == "北京测试通信有限公司"

    def test_keys_are_per_user(self, api, officer, supervisor):
        api(officer).post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
        response = api(supervisor).post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
        assert response.status_code == 409 and response.json()["errors"] == {"uscc": ["Already registered."]}

    def test_failed_request_is_not_remembered(self, api, officer):
        client = api(officer)
        bad = client.post(URL, payload(province="44"), format="json", HTTP_IDEMPOTENCY_KEY="k-4")
        good = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-4")
        assert (bad.status_code, good.status_code) == (400, 201)

    def test_overlong_key_is_400(self, api, officer):
        response = api(officer).post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="x" * 300)
        assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]


def test_our_own_messages_translate_to_chinese(api, officer, ent_a):
    body = (
        api(officer)
        .post(
            URL,
            payload(uscc=ent_a.uscc, province=ent_a.province),
            format="json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        .json()
    )
    assert body["message"] == "该统一社会信用代码的企业已登记。"
    assert body["errors"]["uscc"] == ["已登记。"]


PATCH_ACCESS = {
    "anon": 401,
    "enterprise_a": 403,
    "officer": 200,
    "inspector": 403,
    "supervisor": 200,
    "handler": 403,
    "auditor": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_update_access_per_role(persona, as_persona, ent_a):
    _user, client = as_persona(persona)
    response = client.patch(f"{URL}{ent_a.uscc}/", {"contact_phone": "13800000042"}, format="json")
    assert response.status_code == PATCH_ACCESS[persona]
    ent_a.refresh_from_db()
    assert (ent_a.contact_phone == "13800000042") == (response.status_code == 200)


def test_update_records_before_and_after(api, officer, ent_a):
    response = api(officer).patch(f"{URL}{ent_a.uscc}/", {"contact_email": " ops@example.cn "}, format="json")
    assert response.status_code == 200 and response.json()["contact_email"] == "ops@example.cn"
    event = AuditEvent.objects.get(action="enterprise.updated")
    assert event.before["contact_email"] == "" and event.after["contact_email"] == "ops@example.cn"


@pytest.mark.parametrize("field", ["name", "legal_representative", "registered_address"])
def test_registered_facts_change_only_through_a_change_filing(api, officer, ent_a, field):
    """§1.5/§1.7: a registered fact changed here would leave the signed e-licences stale."""
    response = api(officer).patch(f"{URL}{ent_a.uscc}/", {field: "新的值"}, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert "change-filings" in response.json()["errors"][field][0]
    ent_a.refresh_from_db()
    assert getattr(ent_a, field) != "新的值"
    assert not AuditEvent.objects.filter(action="enterprise.updated").exists()


@pytest.mark.parametrize(
    "body,field",
    [
        ({"uscc": "91110000802100433B"}, "uscc"),
        ({"province": "44"}, "province"),
        ({}, "non_field_errors"),
        ({"contact_email": "nope"}, "contact_email"),
    ],
)
def test_update_refuses_code_province_and_bad_input(api, officer, ent_a, body, field):
    response = api(officer).patch(f"{URL}{ent_a.uscc}/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not AuditEvent.objects.filter(action="enterprise.updated").exists()


def test_province_scoped_officer_cannot_update_other_province(api, ent_a, ent_b):
    from regulator.models import Role
    from tests.factories import UserFactory

    local = UserFactory(username="gd-officer-2", role=Role.OFFICER, province=ent_b.province)
    assert api(local).patch(f"{URL}{ent_a.uscc}/", {"contact_phone": "1"}, format="json").status_code == 404
