"""Accounts: create_user command, token auth, /auth/me/."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from regulator.models import Role, User
from tests.conftest import PERSONAS


def test_create_user_command_for_every_role(db, ent_a):
    for role in Role.values:
        extra = ["--enterprise", ent_a.uscc.lower()] if role == "enterprise" else ["--province", "11"]
        call_command(
            "create_user", "--username", f"u-{role}", "--password", "pw-123456", "--role", role, *extra
        )
        user = User.objects.get(username=f"u-{role}")
        assert user.role == role and user.check_password("pw-123456")
    assert User.objects.get(username="u-enterprise").enterprise == ent_a
    assert User.objects.get(username="u-officer").province == "11"


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--role", "enterprise"], "needs an enterprise"),
        (["--role", "enterprise", "--enterprise", "91110000802100433B"], "Unknown enterprise"),
        (["--role", "officer", "--enterprise", "91110000802100433B"], "Only enterprise users"),
        (["--role", "officer", "--province", "99"], "Unknown authority"),
    ],
)
def test_create_user_command_rejects_bad_input(db, args, needle):
    with pytest.raises(CommandError, match=needle):
        call_command("create_user", "--username", "x", "--password", "pw-123456", *args)
    assert not User.objects.filter(username="x").exists()


def test_create_user_duplicate_username(db, officer):
    with pytest.raises(CommandError, match="taken"):
        call_command("create_user", "--username", "officer", "--password", "p", "--role", "officer")


def test_token_round_trip(db, client):
    call_command("create_user", "--username", "sup", "--password", "pw-123456", "--role", "supervisor")
    response = client.post("/api/v1/auth/token/", {"username": "sup", "password": "pw-123456"})
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200 and me.json()["role"] == "supervisor"


def test_token_wrong_password_is_400_with_shape(db, client, officer):
    response = client.post("/api/v1/auth/token/", {"username": "officer", "password": "nope"})
    assert response.status_code == 400
    assert response.json()["code"] == "authentication_failed"
    assert "non_field_errors" in response.json()["errors"]


def test_bad_token_is_401(db, client):
    response = client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION="Token deadbeef")
    assert response.status_code == 401
    assert set(response.json()) == {"message", "code", "errors"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_me_access_per_role(db, persona, as_persona):
    user, client = as_persona(persona)
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == (401 if user is None else 200)
    if user is not None:
        assert response.json()["username"] == user.username


@pytest.mark.parametrize("persona", PERSONAS)
def test_token_endpoint_open_to_everyone(db, persona, as_persona):
    _user, client = as_persona(persona)
    assert client.post("/api/v1/auth/token/", {}, format="json").status_code == 400


def test_database_refuses_enterprise_user_without_enterprise(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(username="orphan", role=Role.ENTERPRISE)
