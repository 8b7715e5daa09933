from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.repairs import services
from tests import factories
from tests.repairs.conftest import open_case

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def repair_list(user, **params):
    return login(user).get(reverse("portal:repair_list"), params)


@pytest.fixture
def case_a(seat, engineer, customer_a, contact_a):
    factories.AssetFactory(
        customer=customer_a, serial_number="SN-PR-A", accepted_on=dt.date(2020, 1, 1)
    )
    return open_case(seat, engineer, customer_a, contact_a, "SN-PR-A")


@pytest.fixture
def case_b(seat, engineer, customer_b, contact_b):
    factories.AssetFactory(customer=customer_b, serial_number="SN-PR-B")
    return open_case(seat, engineer, customer_b, contact_b, "SN-PR-B")


def repair(engineer, case, **fields):
    order = services.repair_create(
        by=engineer, case=case, service_mode="onsite", fault_category="power", fault_text="坏"
    )
    return services.repair_update(by=engineer, order=order, **fields) if fields else order


def test_contact_sees_their_repairs_newest_first(engineer, contact_a, case_a):
    first, second = repair(engineer, case_a), repair(engineer, case_a)
    html = repair_list(contact_a.user).content.decode()
    assert html.index(second.number) < html.index(first.number)
    assert "SN-PR-A" in html and reverse("portal:repair_detail", args=[first.pk]) in html


def test_another_customers_repairs_are_never_listed(engineer, contact_b, case_a, case_b):
    mine, theirs = repair(engineer, case_b), repair(engineer, case_a)
    html = repair_list(contact_b.user).content.decode()
    assert mine.number in html and theirs.number not in html and "SN-PR-A" not in html


def test_the_list_says_when_the_customer_must_approve_a_quote(engineer, contact_a, case_a):
    order = repair(
        engineer, case_a, diagnosis="电源坏", parts=[{"name": "电源", "unit_price": "800"}]
    )
    services.repair_quote(by=engineer, order=order)
    assert "Your approval is needed" in repair_list(contact_a.user).content.decode()


def test_the_list_is_paginated(monkeypatch, engineer, contact_a, case_a):
    monkeypatch.setattr("aftersales.portal.repairs.PER_PAGE", 2)
    orders = [repair(engineer, case_a) for _ in range(3)]
    first = repair_list(contact_a.user).content.decode()
    second = repair_list(contact_a.user, page=2).content.decode()
    assert orders[2].number in first and orders[0].number not in first
    assert orders[0].number in second and orders[2].number not in second


def test_closed_filter_leaves_open_repairs_out(engineer, contact_a, case_a):
    open_order = repair(engineer, case_a)
    cancelled = services.repair_cancel(by=engineer, order=repair(engineer, case_a))
    html = repair_list(contact_a.user, state="closed").content.decode()
    assert cancelled.number in html and open_order.number not in html


def test_a_bad_filter_value_lists_everything_rather_than_failing(engineer, contact_a, case_a):
    order = repair(engineer, case_a)
    response = repair_list(contact_a.user, state="nonsense")
    assert response.status_code == 200 and order.number in response.content.decode()


def test_staff_get_404_on_the_portal_repair_list(engineer, seat):
    assert repair_list(engineer).status_code == 404 and repair_list(seat).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(db):
    response = Client().get(reverse("portal:repair_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_portal_detail_offers_approval_only_while_the_quote_waits(engineer, contact_a, case_a):
    order = repair(
        engineer, case_a, diagnosis="电源坏", parts=[{"name": "电源", "unit_price": "800"}]
    )
    approve = reverse("portal:repair_action", args=[order.pk, "approve"])
    client = login(contact_a.user)
    assert (
        approve not in client.get(reverse("portal:repair_detail", args=[order.pk])).content.decode()
    )
    services.repair_quote(by=engineer, order=order)
    assert approve in client.get(reverse("portal:repair_detail", args=[order.pk])).content.decode()


def test_answering_a_quote_twice_is_refused_with_409(engineer, contact_a, case_a):
    order = repair(
        engineer, case_a, diagnosis="电源坏", parts=[{"name": "电源", "unit_price": "800"}]
    )
    services.repair_quote(by=engineer, order=order)
    client = login(contact_a.user)
    client.post(reverse("portal:repair_action", args=[order.pk, "approve"]))
    response = client.post(reverse("portal:repair_action", args=[order.pk, "refuse"]))
    order.refresh_from_db()
    assert response.status_code == 409 and order.status == "approved"
