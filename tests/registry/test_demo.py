from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from aftersales.accounts.access import has_role
from aftersales.accounts.models import User
from aftersales.registry import demo
from aftersales.registry.models import Asset, Contact, Customer, Engineer, Project


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    # The demo hashes ~25 passwords; argon2 would make every test here take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counts() -> dict[str, int]:
    models = (Customer, Contact, Project, Asset, User, Engineer)
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db
def test_running_demo_twice_adds_nothing():
    demo.load(customers=4)
    before = _counts()
    second = demo.load(customers=4)
    assert second.created == {}
    assert _counts() == before


@pytest.mark.django_db
def test_larger_run_adds_only_the_missing_customers():
    demo.load(customers=3)
    first = Customer.objects.get(code="KH0001")
    first_contacts = set(first.contacts.values_list("pk", flat=True))
    result = demo.load(customers=5)
    assert result.created["customers"] == 2
    assert Customer.objects.count() == 5
    assert set(first.contacts.values_list("pk", flat=True)) == first_contacts


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_customers_whatever_the_size():
    with transaction.atomic():
        demo.load(customers=2)
        small = list(Customer.objects.values_list("code", "name", "address"))
        transaction.set_rollback(True)
    demo.load(customers=6)
    assert list(Customer.objects.filter(code__in=["KH0001", "KH0002"]).values_list(
        "code", "name", "address"
    )) == small  # fmt: skip


@pytest.mark.django_db
def test_demo_has_every_staff_role_and_each_manager_level():
    demo.load(customers=1)
    for spec in demo.STAFF:
        assert has_role(User.objects.get(username=spec.username), spec.role)
    levels = set(User.objects.exclude(manager_level="").values_list("manager_level", flat=True))
    assert levels == {"technical", "response_centre", "technical_centre", "general"}


@pytest.mark.django_db
def test_printed_demo_credentials_log_in(client):
    demo.load(customers=1)
    for username, password in demo.CREDENTIALS.items():
        assert client.login(username=username, password=password), username
        client.logout()


@pytest.mark.django_db
def test_demo_contact_sees_own_company_in_the_portal_and_not_another(client):
    demo.load(customers=3)
    own, other = Customer.objects.get(code="KH0001"), Customer.objects.get(code="KH0002")
    client.login(username="kh0001", password=demo.PORTAL_PASSWORD)
    page = client.get("/portal/").content.decode()
    assert own.name in page
    assert other.name not in page


@pytest.mark.django_db
def test_demo_assets_are_partly_in_and_partly_out_of_warranty():
    demo.load(customers=10)
    today = timezone.localdate()
    ends = [
        a.accepted_on.replace(year=a.accepted_on.year + a.warranty_months // 12)
        # Assets accepted from a delivery take their model's warranty (no months of their own).
        for a in Asset.objects.filter(warranty_months__isnull=False)
    ]
    assert any(end >= today for end in ends)
    assert any(end < today for end in ends)
    assert Asset.objects.filter(parent__isnull=False).exists()


@pytest.mark.django_db
def test_demo_mobile_phones_are_unique_eleven_digit_numbers():
    demo.load(customers=30)
    phones = [p for p in Contact.objects.values_list("phone", flat=True) if "-" not in p]
    assert len(phones) == len(set(phones))
    assert all(len(p) == 11 and p.startswith("1") for p in phones)


@pytest.mark.django_db
def test_demo_command_prints_the_logins_and_loads_the_cases():
    out = io.StringIO()
    call_command("demo", "--customers", "1", "--cases", "5", stdout=out)
    text = out.getvalue()
    assert "admin-demo-2026" in text
    assert "kh0001" in text
    assert "5 cases" in text
