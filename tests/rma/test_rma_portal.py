"""The customer follows their RMAs on the portal: their own only, no internal rows."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from aftersales.rma import services
from tests.rma.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def rma(rma_admin, case, part):
    with time_machine.travel(at(2026, 9, 30, 13, 55), tick=False):
        return services.rma_open(case=case, by=rma_admin, part_number="PWR-650", fault="电源坏了")


def test_the_contact_sees_their_rma_in_the_list_and_its_page(client, contact_a, rma):
    client.force_login(contact_a.user)
    listing = client.get(reverse("portal:rma_list"))
    assert rma.number in listing.content.decode()
    page = client.get(reverse("portal:rma_detail", args=[rma.number]))
    assert page.status_code == 200
    assert "电源坏了" in page.content.decode()


def test_internal_rows_stay_off_the_customers_page(client, contact_a, rma):
    client.force_login(contact_a.user)
    page = client.get(reverse("portal:rma_detail", args=[rma.number]))
    assert page.context["events"]
    assert all(not event.internal for event in page.context["events"])


def test_another_customers_contact_gets_404_and_an_empty_list(client, contact_b, rma):
    client.force_login(contact_b.user)
    assert client.get(reverse("portal:rma_detail", args=[rma.number])).status_code == 404
    assert rma.number not in client.get(reverse("portal:rma_list")).content.decode()


def test_staff_do_not_use_the_portals_rma_pages(client, seat, rma):
    client.force_login(seat)
    assert client.get(reverse("portal:rma_list")).status_code == 404


def test_a_bad_status_filter_lists_everything_of_the_customer(client, contact_a, rma):
    client.force_login(contact_a.user)
    response = client.get(reverse("portal:rma_list"), {"status": "nonsense"})
    assert response.status_code == 200
    assert rma.number in response.content.decode()
