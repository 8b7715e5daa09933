from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _isolated_cache(settings, tmp_path):
    """Each test gets its own cache so login throttling never leaks between tests."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def customer_a(db):
    return factories.CustomerFactory(code="KH-A001", name="华东电力集团")


@pytest.fixture
def customer_b(db):
    return factories.CustomerFactory(code="KH-B001", name="西南银行")


@pytest.fixture
def seat(db):
    return factories.staff_user("seat", role="dispatcher")


@pytest.fixture
def engineer(db):
    return factories.staff_user("engineer", role="engineer")


@pytest.fixture
def admin_user(db):
    return factories.staff_user("admin", role="admin")


@pytest.fixture
def contact_a(customer_a):
    return factories.ContactFactory(customer=customer_a, user=factories.contact_user("contact_a"))


@pytest.fixture
def contact_b(customer_b):
    return factories.ContactFactory(customer=customer_b, user=factories.contact_user("contact_b"))


def api_client_for(user) -> Client:
    from aftersales.accounts.services import token_issue

    return Client(headers={"Authorization": f"Bearer {token_issue(user=user)}"})


@pytest.fixture
def api_as():
    """api_as(user) gives a test client that sends that user's bearer token."""
    return api_client_for
