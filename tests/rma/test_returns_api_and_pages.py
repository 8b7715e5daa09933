"""The returns API's steps and shapes, the console queue and the customer's portal pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from aftersales.rma import returns
from aftersales.rma.models import ReturnRequest
from tests.conftest import api_client_for
from tests.rma.conftest import JSON, at

pytestmark = pytest.mark.django_db

WHEN = at(2026, 9, 28, 10, 0)


@pytest.fixture
def requested(rma_admin, customer_a):
    with time_machine.travel(WHEN, tick=False):
        return returns.return_request(
            by=rma_admin,
            customer="KH-A001",
            purchased_on=dt.date(2026, 9, 25),
            reason="屏幕坏点",
            serial_number="SN-RT-0001",
        )


@pytest.fixture
def rejected(rma_admin, requested):
    with time_machine.travel(WHEN + dt.timedelta(hours=1), tick=False):
        return returns.return_reject(request=requested, by=rma_admin, reason="坏点数量在标准之内")


def step(client, number: str, action: str, **body):
    with time_machine.travel(WHEN + dt.timedelta(days=1), tick=False):
        return client.post(f"/api/v1/returns/{number}/{action}", body, content_type=JSON)


def test_a_return_walks_every_step_to_closed(rma_admin, requested):
    client = api_client_for(rma_admin)
    assert step(client, requested.number, "approve").json()["status"] == "approved"
    body = step(client, requested.number, "receive").json()
    assert body["refund_due"] is not None
    assert step(client, requested.number, "inspect", passed=True).json()["freight_paid_by"] == "us"
    body = step(client, requested.number, "refund", amount="99.50").json()
    assert (body["status"], body["refund_amount"]) == ("refunded", "99.50")
    body = step(client, requested.number, "close").json()
    assert body["status"] == "closed"
    assert [a["kind"] for a in body["activities"]][-1] == "return_closed"


def test_a_step_out_of_order_is_a_409(rma_admin, requested):
    response = step(api_client_for(rma_admin), requested.number, "refund", amount="1")
    assert response.status_code == 409
    assert ReturnRequest.objects.get().status == "requested"


def test_exchange_is_refused_on_a_plain_return(rma_admin, requested):
    client = api_client_for(rma_admin)
    step(client, requested.number, "approve")
    assert step(client, requested.number, "exchange").status_code == 409


def test_a_role_without_rma_work_cannot_approve(engineer, requested):
    response = step(api_client_for(engineer), requested.number, "approve")
    assert response.status_code == 403
    assert ReturnRequest.objects.get().status == "requested"


def test_a_rejection_needs_a_reason(rma_admin, requested):
    response = step(api_client_for(rma_admin), requested.number, "reject", reason="  ")
    assert response.status_code == 422
    assert ReturnRequest.objects.get().status == "requested"


def test_another_customers_contact_gets_404_on_the_api(contact_b, requested):
    response = api_client_for(contact_b.user).get(f"/api/v1/returns/{requested.number}")
    assert response.status_code == 404
    listing = api_client_for(contact_b.user).get("/api/v1/returns").json()
    assert listing["count"] == 0


def test_the_list_filters_by_status_kind_and_customer(rma_admin, requested):
    client = api_client_for(rma_admin)
    assert client.get("/api/v1/returns?status=requested").json()["count"] == 1
    assert client.get("/api/v1/returns?kind=exchange").json()["count"] == 0
    assert client.get("/api/v1/returns?customer=KH-B001").json()["count"] == 0
    item = client.get("/api/v1/returns?customer=KH-A001").json()["items"][0]
    assert set(item) == {
        "number",
        "status",
        "kind",
        "customer",
        "serial_number",
        "purchased_on",
        "next_due_at",
        "created_at",
    }


def test_the_rejection_reason_shows_on_the_customers_portal(client, contact_a, rejected):
    client.force_login(contact_a.user)
    page = client.get(reverse("portal:return_detail", args=[rejected.number]))
    assert page.status_code == 200
    assert "坏点数量在标准之内" in page.content.decode()
    assert "坏点数量在标准之内" in client.get(reverse("portal:return_list")).content.decode()


def test_another_customers_contact_gets_404_on_the_portal(client, contact_b, requested):
    client.force_login(contact_b.user)
    assert client.get(reverse("portal:return_detail", args=[requested.number])).status_code == 404
    assert requested.number not in client.get(reverse("portal:return_list")).content.decode()


def test_a_contact_requests_a_return_on_the_portal(client, contact_a):
    client.force_login(contact_a.user)
    with time_machine.travel(WHEN, tick=False):
        response = client.post(
            reverse("portal:return_new"),
            {
                "kind": "return",
                "purchased_on": "2026-09-26",
                "reason": "无法开机",
                "packaging_intact": "on",
            },
        )
    obj = ReturnRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:return_detail", args=[obj.number])
    assert obj.customer == contact_a.customer


def test_a_late_portal_request_shows_the_window_on_the_form(client, contact_a):
    client.force_login(contact_a.user)
    with time_machine.travel(WHEN, tick=False):
        response = client.post(
            reverse("portal:return_new"),
            {"kind": "return", "purchased_on": "2026-09-01", "reason": "无法开机"},
        )
    assert response.status_code == 422
    assert "7 days" in response.content.decode()
    assert ReturnRequest.objects.count() == 0


def test_the_console_queue_and_detail_show_the_return(client, rma_admin, requested):
    client.force_login(rma_admin)
    listing = client.get(reverse("returns:list"), {"q": "SN-RT-0001"})
    assert requested.number in listing.content.decode()
    page = client.get(reverse("returns:detail", args=[requested.number]))
    assert page.status_code == 200
    assert page.context["actions"] == ["approve", "reject"]


def test_the_console_approves_through_the_step_form(client, rma_admin, requested):
    client.force_login(rma_admin)
    response = client.post(reverse("returns:step", args=[requested.number, "approve"]))
    assert response.status_code == 302
    assert ReturnRequest.objects.get().status == "approved"


def test_a_contact_cannot_open_the_console_queue(client, contact_a, requested):
    client.force_login(contact_a.user)
    assert client.get(reverse("returns:list")).status_code == 404
