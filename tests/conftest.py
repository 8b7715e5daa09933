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
# prices) and those that later changed the shipped defaults, as (module, function), in migration
# order. Django empties the database after each transactional test and then sends post_migrate;
# writing the seeds again there keeps later tests on the same worker whole.
SEED_MIGRATIONS = (
    ("aftersales.cases.migrations.0002_seed_case_types", "seed"),
    ("aftersales.sla.migrations.0002_seed_builtin_calendars", "seed"),
    ("aftersales.sla.migrations.0004_seed_sla_policies", "seed"),
    ("aftersales.sla.migrations.0006_seed_escalation_ladder", "seed"),
    ("aftersales.contracts.migrations.0003_seed_warranty_terms", "seed"),
    ("aftersales.repairs.migrations.0002_seed_prices_and_faults", "seed"),
    ("aftersales.sla.migrations.0008_shipped_defaults_and_waivers_moved", "forward"),
    ("aftersales.contracts.migrations.0005_hardware_warranty_7x24", "forward"),
    ("aftersales.rma.migrations.0002_seed_rma_escalation_ladder", "seed"),
    ("aftersales.repairs.migrations.0004_carry_in_and_stock_parts", "seed"),
    ("aftersales.rma.migrations.0005_seed_return_escalation_ladder", "seed"),
    ("aftersales.feedback.migrations.0002_seed_defaults", "seed"),
    ("aftersales.fieldservice.migrations.0002_seed_checklists", "seed"),
    ("aftersales.kb.migrations.0002_seed_search_words", "seed"),
)


def _reseed_after_flush(sender, app_config=None, **kwargs):
    from importlib import import_module

    from django.apps import apps as django_apps

    # post_migrate goes to every app that has models, in order: act once, after the last one.
    # (An app without models, such as portal, never receives it.)
    last = [a for a in django_apps.get_app_configs() if a.models_module is not None][-1]
    if app_config is None or app_config.label != last.label:
        return
    for module, function in SEED_MIGRATIONS:
        getattr(import_module(module), function)(django_apps, None)
    memo.clear_all()


post_migrate.connect(_reseed_after_flush, dispatch_uid="tests.reseed_after_flush")
