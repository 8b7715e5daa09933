import pytest
from django.core.management import call_command
from django.test import Client

from aftersales.accounts.models import ApiToken
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_token_from_username_and_password_authenticates_api_calls(client, seat):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "seat", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["roles"] == ["dispatcher"]


@pytest.mark.django_db
def test_token_is_stored_only_as_a_hash(client, seat):
    token = client.post(
        "/api/v1/auth/token",
        {"username": "seat", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    stored = ApiToken.objects.get(user=seat)
    assert token not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64


@pytest.mark.django_db
def test_wrong_password_gets_no_token(client, seat):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "seat", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_token_request_without_password_names_the_field(client):
    response = client.post(
        "/api/v1/auth/token", {"username": "seat"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "password"


@pytest.mark.django_db
def test_revoked_token_is_refused(api_as, seat):
    api = api_as(seat)
    assert api.delete("/api/v1/auth/token").status_code == 204
    assert api.get("/api/v1/auth/me").status_code == 401


@pytest.mark.django_db
def test_issue_token_command_prints_a_working_token(seat, capsys):
    call_command("issue_token", "seat")
    token = capsys.readouterr().out.strip()
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/auth/me")
    assert response.json()["username"] == "seat"


@pytest.mark.django_db
def test_token_look_up_is_remembered_between_calls(api_as, seat, django_assert_num_queries):
    api = api_as(seat)
    assert api.get("/api/v1/auth/me").status_code == 200
    with django_assert_num_queries(0):
        assert api.get("/api/v1/auth/me").status_code == 200


@pytest.mark.django_db
def test_remembered_token_stops_at_once_when_its_user_is_deactivated(api_as, seat):
    api = api_as(seat)
    assert api.get("/api/v1/auth/me").status_code == 200
    seat.is_active = False
    seat.save(update_fields=["is_active"])
    assert api.get("/api/v1/auth/me").status_code == 401


@pytest.mark.django_db
def test_remembered_token_sees_a_role_change_at_once(api_as, seat):
    from django.contrib.auth.models import Group

    api = api_as(seat)
    assert api.get("/api/v1/auth/me").json()["roles"] == ["dispatcher"]
    seat.groups.set([Group.objects.get(name="engineer")])
    assert api.get("/api/v1/auth/me").json()["roles"] == ["engineer"]


@pytest.mark.django_db
def test_each_call_gets_its_own_user_object(api_as, seat):
    from aftersales.accounts.services import token_issue, token_user

    raw = token_issue(user=seat)
    first, second = token_user(raw), token_user(raw)
    assert first == second and first is not second
