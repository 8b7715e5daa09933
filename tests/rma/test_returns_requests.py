"""A customer asks to return or exchange goods: the 7-day window, who may ask, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from aftersales.core.errors import Invalid
from aftersales.rma import returns
from aftersales.rma.models import ReturnRequest
from tests.conftest import api_client_for
from tests.rma.conftest import JSON, at

pytestmark = pytest.mark.django_db

NOON = at(2026, 9, 28, 12, 0)


def ask(client, when=NOON, **body):
    data = {
        "customer": "KH-A001",
        "purchased_on": "2026-09-21",
        "reason": "开机即死机",
        "kind": "return",
        **body,
    }
    with time_machine.travel(when, tick=False):
        return client.post("/api/v1/returns", data, content_type=JSON)


def error_fields(response) -> list[str]:
    return [d["loc"][-1] for d in response.json()["detail"]]


def test_a_return_on_the_seventh_day_after_purchase_is_accepted(rma_admin, customer_a):
    response = ask(api_client_for(rma_admin), purchased_on="2026-09-21")
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("RT-20260928-")
    assert body["status"] == "requested"
    assert body["kind"] == "return"


def test_a_return_on_the_eighth_day_is_refused_naming_purchased_on(rma_admin, customer_a):
    response = ask(api_client_for(rma_admin), purchased_on="2026-09-20")
    assert response.status_code == 422
    assert error_fields(response) == ["purchased_on"]
    assert "7 days" in response.json()["detail"][0]["msg"]
    assert ReturnRequest.objects.count() == 0


def test_a_purchase_in_the_future_is_refused(rma_admin, customer_a):
    response = ask(api_client_for(rma_admin), purchased_on="2026-09-29")
    assert response.status_code == 422
    assert error_fields(response) == ["purchased_on"]
    assert ReturnRequest.objects.count() == 0


def test_an_exchange_has_no_seven_day_window(rma_admin, customer_a):
    response = ask(api_client_for(rma_admin), purchased_on="2026-06-01", kind="exchange")
    assert response.status_code == 201
    assert response.json()["exchange_due"] is not None


def test_an_unknown_customer_is_refused_naming_customer(rma_admin, customer_a):
    response = ask(api_client_for(rma_admin), customer="KH-NOPE")
    assert response.status_code == 422
    assert error_fields(response) == ["customer"]
    assert ReturnRequest.objects.count() == 0


def test_a_return_with_damaged_packaging_is_refused_unless_doa(rma_admin, customer_a):
    client = api_client_for(rma_admin)
    refused = ask(client, packaging_intact=False)
    assert refused.status_code == 422
    assert error_fields(refused) == ["packaging_intact"]
    accepted = ask(client, packaging_intact=False, doa=True)
    assert accepted.status_code == 201
    assert accepted.json()["freight_paid_by"] == "us"


def test_a_contact_requests_a_return_for_their_own_customer(contact_a):
    response = ask(api_client_for(contact_a.user), serial_number="SN-X-1")
    assert response.status_code == 201
    assert ReturnRequest.objects.get().created_by == contact_a.user


def test_a_contact_cannot_request_for_another_customer(contact_b, customer_a):
    response = ask(api_client_for(contact_b.user))
    assert response.status_code == 403
    assert ReturnRequest.objects.count() == 0


def test_a_role_without_rma_work_gets_403_and_nothing_is_written(engineer, customer_a):
    response = ask(api_client_for(engineer))
    assert response.status_code == 403
    assert ReturnRequest.objects.count() == 0


def test_a_bad_kind_is_a_422(rma_admin, customer_a):
    response = ask(api_client_for(rma_admin), kind="swap")
    assert response.status_code == 422
    assert ReturnRequest.objects.count() == 0


def test_the_service_checks_the_window_by_calendar_day():
    returns.check_window(
        kind="return", purchased_on=dt.date(2026, 9, 21), requested_on=dt.date(2026, 9, 28)
    )
    with pytest.raises(Invalid):
        returns.check_window(
            kind="return", purchased_on=dt.date(2026, 9, 20), requested_on=dt.date(2026, 9, 28)
        )
