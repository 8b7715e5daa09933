"""Login throttling counts failures per (username, client address): nobody can lock others out."""

import pytest
from django.test import Client

from aftersales.accounts.models import ApiToken
from aftersales.accounts.services import TOO_MANY_FAILURES
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # the README's reverse proxy: every request comes from it


def _login(client, username, password, forwarded_for=""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=PROXY, **extra
    )


def _token(username, password, forwarded_for=""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        **extra,
    )


def test_failures_for_a_made_up_user_do_not_lock_out_the_admin(client, admin_user, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 5):
        _login(Client(), "nobody", "wrong")
    response = _login(client, "admin", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_a_flood_on_many_usernames_does_not_block_a_real_token_request(admin_user, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        _token(f"guess{n}", "wrong")
    response = _token("admin", PASSWORD)
    assert response.status_code == 200 and response.json()["token"]


def test_api_answers_429_with_the_message_when_throttled(admin_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        _token("admin", "wrong")
    tokens = ApiToken.objects.count()
    response = _token("admin", PASSWORD)
    assert response.status_code == 429
    assert response.json()["detail"] == str(TOO_MANY_FAILURES)
    assert ApiToken.objects.count() == tokens


def test_forwarded_for_is_ignored_without_trusted_proxies(client, seat, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for n in range(2):
        _login(Client(), "seat", "wrong", forwarded_for=f"10.0.0.{n}")
    # A forged header cannot buy fresh attempts: both failures counted against the proxy.
    assert _login(client, "seat", PASSWORD, forwarded_for="10.0.0.9").status_code == 429


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own(client, seat, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    for _ in range(3):
        _login(Client(), "seat", "wrong", forwarded_for="203.0.113.7")
    assert _login(Client(), "seat", PASSWORD, forwarded_for="203.0.113.7").status_code == 429
    assert _login(client, "seat", PASSWORD, forwarded_for="198.51.100.2").status_code == 302


def test_a_forged_forwarded_entry_left_of_the_proxys_is_not_trusted(seat, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    for n in range(2):
        _login(Client(), "seat", "wrong", forwarded_for=f"10.9.9.{n}, 203.0.113.7")
    assert _login(Client(), "seat", PASSWORD, forwarded_for="203.0.113.7").status_code == 429


def _admin_login(client, username, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=PROXY,
    )


def test_admin_site_login_is_throttled_too(client, admin_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert _admin_login(Client(), "admin", "wrong").status_code == 200
    response = _admin_login(client, "admin", PASSWORD)
    assert response.status_code == 429
    assert str(TOO_MANY_FAILURES) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_site_login_still_lets_the_admin_in(client, admin_user):
    for _ in range(10):
        _admin_login(Client(), "nobody", "wrong")
    assert _admin_login(client, "admin", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)
