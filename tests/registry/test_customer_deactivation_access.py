"""A retired customer's contacts lose their tokens and sessions at once."""

import pytest
from django.test import Client

from aftersales.accounts.models import ApiToken
from aftersales.accounts.services import token_issue
from aftersales.registry import services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_deactivated_customers_contact_loses_its_api_tokens(api_as, contact_a, contact_b):
    client = api_as(contact_a.user)
    other = api_as(contact_b.user)
    services.deactivate(obj=contact_a.customer)
    assert client.get("/api/v1/auth/me").status_code == 401
    assert not ApiToken.objects.filter(user=contact_a.user, revoked_at__isnull=True).exists()
    assert other.get("/api/v1/auth/me").status_code == 200


def test_deactivated_customers_contact_session_stops_working(client, contact_a):
    client.force_login(contact_a.user)
    assert client.get("/portal/").status_code == 200
    services.deactivate(obj=contact_a.customer)
    response = client.get("/portal/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/auth/me").status_code == 401


def test_deactivated_customers_contact_cannot_sign_in(contact_a):
    services.deactivate(obj=contact_a.customer)
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "contact_a", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=contact_a.user).count() == 0


def test_a_token_issued_after_the_customer_was_retired_is_refused(contact_a):
    services.deactivate(obj=contact_a.customer)
    raw = token_issue(user=contact_a.user)  # e.g. by an admin's issue_token command
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/auth/me")
    assert response.status_code == 401


def test_deactivated_contacts_session_stops_working(client, contact_a):
    client.force_login(contact_a.user)
    services.deactivate(obj=contact_a)
    assert client.get("/portal/").status_code == 302
    assert client.get("/api/v1/auth/me").status_code == 401


def test_reactivated_customers_contact_may_sign_in_again(client, contact_a):
    services.deactivate(obj=contact_a.customer)
    services.reactivate(obj=contact_a.customer)
    assert client.login(username="contact_a", password=PASSWORD)
    assert client.get("/portal/").status_code == 200


def test_staff_sessions_are_untouched_by_a_customer_deactivation(client, seat, customer_a):
    client.force_login(seat)
    services.deactivate(obj=customer_a)
    assert client.get("/registry/lookup/").status_code == 200
