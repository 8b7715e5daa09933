from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _english_messages(request, settings):
    """Behaviour tests read our English message ids; tests marked `translations` see Chinese."""
    if request.node.get_closest_marker("translations") is None:
        settings.LOCALE_PATHS = []


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is deliberately slow; tests that check the production hasher set it themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _huey_in_memory():
    """Tasks run in the test's own process and never touch var/huey.sqlite3."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


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


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd); `.messages` holds what it received."""
    from tests.notify.servers import running_smtp_server

    with running_smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
        yield server


def pytest_collection_modifyitems(items):
    """Transactional tests put back the rows migrations seeded (case types, calendars, policies).

    Django empties the database after a transactional test; without this, tests that run after
    one in the same worker would find no seeded configuration.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
            name in fixtures for name in ("transactional_db", "live_server")
        )
        if transactional:
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )
