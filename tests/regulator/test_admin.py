"""Issue 8 point 4 (kernel): the admin writes through services, audited; a USCC and a
province never change there; role and authority changes are audited."""

import pytest

from regulator.models import AuditEvent, Enterprise, Role, User
from tests.factories import UserFactory


@pytest.fixture
def admin_client(db, client):
    root = User.objects.create_superuser("root", "root@example.cn", "pw-123456", role="")
    client.force_login(root)
    return client


def _form(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    return data


def test_enterprise_code_province_and_registered_facts_are_read_only(admin_client, ent_a):
    """The code and province never change (§5); registered facts change only through the
    enterprise's change filing, which re-signs its licences (§1.5, §1.7)."""
    url = f"/admin/regulator/enterprise/{ent_a.pk}/change/"
    page = admin_client.get(url)
    form = page.context["adminform"].form
    for field in ("uscc", "province", "name", "legal_representative", "registered_address"):
        assert field not in form.fields
    data = _form(admin_client, url)
    data.update(
        name="甲网络科技（北京）有限公司", uscc="91440300MA5DA1234X", province="44", contact_phone="13800000077"
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    ent = Enterprise.objects.get(pk=ent_a.pk)
    assert ent.name == ent_a.name and ent.contact_phone == "13800000077"
    assert (ent.uscc, ent.province) == (ent_a.uscc, ent_a.province)
    event = AuditEvent.objects.get(action="enterprise.updated")
    assert event.actor_label == "root" and event.after["contact_phone"] == "13800000077"


def test_no_enterprise_or_user_is_added_or_deleted_in_the_admin(admin_client, ent_a, officer):
    assert admin_client.get("/admin/regulator/enterprise/add/").status_code == 403
    assert admin_client.get("/admin/regulator/user/add/").status_code == 403
    assert admin_client.get(f"/admin/regulator/enterprise/{ent_a.pk}/delete/").status_code == 403


def test_role_and_authority_change_goes_through_the_audited_service(admin_client):
    user = UserFactory(username="moving", role=Role.OFFICER)
    url = f"/admin/regulator/user/{user.pk}/change/"
    data = _form(admin_client, url)
    data.update(role=Role.SUPERVISOR, authority="44")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user.refresh_from_db()
    assert (user.role, user.authority_id) == (Role.SUPERVISOR, "44")
    event = AuditEvent.objects.get(action="user.updated")
    assert event.before["role"] == "officer" and event.after == {
        **event.after,
        "role": "supervisor",
        "authority": "44",
    }
    assert event.province == "44"


def test_user_update_refuses_an_inconsistent_membership(db, supervisor, ent_a):
    from config.api import ApplicationError
    from regulator import services

    user = UserFactory(username="x", role=Role.OFFICER)
    with pytest.raises(ApplicationError):
        services.user_update(actor=supervisor, user_id=user.pk, role=Role.ENTERPRISE)
    with pytest.raises(ApplicationError):
        services.user_update(actor=supervisor, user_id=user.pk, authority="99")
    with pytest.raises(ApplicationError):
        services.user_update(actor=supervisor, user_id=user.pk, username="other")
    moved = services.user_update(
        actor=supervisor, user_id=user.pk, role=Role.ENTERPRISE, enterprise_uscc=ent_a.uscc
    )
    assert (moved.enterprise_id, moved.authority_id) == (ent_a.pk, None)
    assert not AuditEvent.objects.filter(action="user.updated").exclude(object_id=str(user.pk)).exists()


def test_an_inconsistent_role_is_a_form_error_not_a_500(admin_client):
    user = UserFactory(username="staying", role=Role.OFFICER)
    url = f"/admin/regulator/user/{user.pk}/change/"
    data = _form(admin_client, url)
    data.update(role=Role.ENTERPRISE)  # an enterprise user needs an enterprise
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.role == Role.OFFICER and not AuditEvent.objects.filter(action="user.updated").exists()
