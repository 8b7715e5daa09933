from __future__ import annotations

import pytest
from django.db.models.signals import post_migrate
from django.test import Client

from aftersales.core import memo
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
    # Memoised configuration rows may come from an earlier test's rolled-back transaction.
    memo.clear_all()


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


# Data migrations that seed configuration (case types, calendars, policies, ladder, terms,
# prices). Django empties the database after each transactional test and then sends
# post_migrate; writing the seeds again there keeps later tests on the same worker whole.
SEED_MIGRATIONS = (
    "aftersales.cases.migrations.0002_seed_case_types",
    "aftersales.sla.migrations.0002_seed_builtin_calendars",
    "aftersales.sla.migrations.0004_seed_sla_policies",
    "aftersales.sla.migrations.0006_seed_escalation_ladder",
    "aftersales.contracts.migrations.0003_seed_warranty_terms",
    "aftersales.repairs.migrations.0002_seed_prices_and_faults",
)


def _reseed_after_flush(sender, app_config=None, **kwargs):
    if app_config is None or app_config.label != "portal":  # once, after every app
        return
    from importlib import import_module

    from django.apps import apps as django_apps

    for module in SEED_MIGRATIONS:
        import_module(module).seed(django_apps, None)
    memo.clear_all()


post_migrate.connect(_reseed_after_flush, dispatch_uid="tests.reseed_after_flush")
