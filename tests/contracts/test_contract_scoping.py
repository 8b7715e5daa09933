"""contracts_for_user goes through accounts.access.scope_to_customer (rule 6)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from aftersales.contracts.selectors import contracts_for_user
from tests import factories
from tests.contracts.conftest import make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracts(customer_a, customer_b):
    make_contract(customer_a, "HT-A")
    make_contract(customer_a, "HT-A-OLD", is_active=False)
    make_contract(customer_b, "HT-B")


def numbers(user) -> set[str]:
    return set(contracts_for_user(user).values_list("number", flat=True))


def test_staff_with_the_view_permission_see_every_contract_retired_too(contracts, seat):
    assert numbers(seat) == {"HT-A", "HT-A-OLD", "HT-B"}


def test_contact_sees_only_the_organisations_contracts_in_use(contracts, contact_a):
    assert numbers(contact_a.user) == {"HT-A"}


def test_staff_without_the_view_permission_see_none(contracts, seat):
    seat.groups.get().permissions.remove(Permission.objects.get(codename="view_servicecontract"))
    seat = type(seat).objects.get(pk=seat.pk)  # a fresh user: permissions are cached
    assert numbers(seat) == set()


def test_login_that_is_neither_staff_nor_contact_sees_none(contracts):
    assert numbers(factories.UserFactory(username="nobody")) == set()
