"""Issue 8 §4: the credit admin writes nothing (rules are edited through the audited API)."""

import pytest

from credit.models import Rule
from regulator.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root", "root@example.org", "pw-123456")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    ["rule", "ledgerentry", "account", "listentry", "objection", "repairrequest", "sanction", "graderecord"],
)
def test_credit_admin_is_read_only(admin_client, model):
    assert admin_client.get(f"/admin/credit/{model}/").status_code == 200
    assert admin_client.get(f"/admin/credit/{model}/add/").status_code == 403


def test_rule_cannot_be_changed_in_the_admin(admin_client):
    rule = Rule.objects.get(code="BAD_PENALTY")
    page = admin_client.get("/admin/credit/rule/")
    assert "PATCH /api/v1/credit/rules/" in page.content.decode()
    r = admin_client.post(f"/admin/credit/rule/{rule.pk}/change/", {"points": -1})
    assert r.status_code == 403
    rule.refresh_from_db()
    assert rule.points == -20
