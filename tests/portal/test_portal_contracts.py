from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.contracts.conftest import make_contract

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_contract_pages_live_in_the_portal():
    assert reverse("portal:contract_list") == "/portal/contracts/"
    assert reverse("portal:contract_detail", args=["HT-A"]) == "/portal/contracts/HT-A/"


def test_contract_list_shows_only_own_organisations_contracts(contact_a, customer_a, customer_b):
    make_contract(customer_a, "HT-A")
    make_contract(customer_b, "HT-B")
    html = login(contact_a.user).get(reverse("portal:contract_list")).content.decode()
    assert "HT-A" in html and "HT-B" not in html


def test_contract_detail_of_own_contract_is_shown(contact_a, customer_a):
    make_contract(customer_a, "HT-A")
    response = login(contact_a.user).get(reverse("portal:contract_detail", args=["HT-A"]))
    assert response.status_code == 200 and "HT-A" in response.content.decode()


def test_contract_of_another_customer_is_not_found(contact_a, customer_b):
    make_contract(customer_b, "HT-B")
    response = login(contact_a.user).get(reverse("portal:contract_detail", args=["HT-B"]))
    assert response.status_code == 404


def test_retired_contract_is_not_shown_to_the_customer(contact_a, customer_a):
    make_contract(customer_a, "HT-OLD", is_active=False)
    client = login(contact_a.user)
    assert "HT-OLD" not in client.get(reverse("portal:contract_list")).content.decode()
    assert client.get(reverse("portal:contract_detail", args=["HT-OLD"])).status_code == 404


def test_staff_get_404_on_portal_contract_pages(seat, customer_a):
    make_contract(customer_a, "HT-A")
    client = login(seat)
    assert client.get(reverse("portal:contract_list")).status_code == 404
    assert client.get(reverse("portal:contract_detail", args=["HT-A"])).status_code == 404


def test_old_contract_portal_urls_are_gone(contact_a, customer_a):
    make_contract(customer_a, "HT-A")
    # "portal" now reads as a contract number in the staff console, which a contact never sees.
    assert login(contact_a.user).get("/contracts/portal/").status_code == 404
