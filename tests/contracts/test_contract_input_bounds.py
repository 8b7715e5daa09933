"""Contract input out of bounds is a 422 naming the field, on the API and the console form."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.contracts.models import ServiceContract
from aftersales.core.schema_types import DATE_OUT_OF_RANGE, LONG_TEXT_MAX, NOT_AN_ISO_DATE

BODY = {
    "number": "HT-2026-017",
    "customer": "KH-A001",
    "service_level": "5x8",
    "starts_on": "2026-07-01",
    "ends_on": "2027-06-30",
    "value": "120000.00",
}


def post(client, **changes):
    return client.post("/api/v1/contracts", {**BODY, **changes}, content_type="application/json")


def _error(response) -> dict:
    assert response.status_code == 422, response.content[:300]
    return response.json()["detail"][0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("starts_on", "0001-01-01", DATE_OUT_OF_RANGE),
        ("ends_on", "9999-12-31", DATE_OUT_OF_RANGE),
        ("ends_on", 0, NOT_AN_ISO_DATE),
        ("free_upgrades_until", 1893456000, NOT_AN_ISO_DATE),
    ],
)
def test_contract_dates_out_of_range_or_numbers_are_refused(
    api_as, seat, customer_a, field, value, message
):
    error = _error(post(api_as(seat), **{field: value}))
    assert error["loc"][-1] == field and error["msg"] == str(message)
    assert ServiceContract.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("inspections_per_year", "4"),
        ("inspections_per_year", 2.5),
        ("remote_support", "yes"),
        ("notes", "x" * (LONG_TEXT_MAX + 1)),
    ],
)
def test_contract_refuses_coerced_or_oversized_values(api_as, seat, customer_a, field, value):
    assert _error(post(api_as(seat), **{field: value}))["loc"][-1] == field
    assert ServiceContract.objects.count() == 0


def test_renewal_refuses_a_year_one_start(api_as, seat, customer_a):
    assert post(api_as(seat)).status_code == 201
    response = api_as(seat).post(
        "/api/v1/contracts/HT-2026-017/renew",
        {"number": "HT-2027-017", "starts_on": "0001-01-01"},
        content_type="application/json",
    )
    assert _error(response)["loc"][-1] == "starts_on"
    assert ServiceContract.objects.count() == 1


def test_console_form_refuses_a_year_one_start(seat, customer_a):
    client = Client()
    client.force_login(seat)
    response = client.post(
        "/contracts/new/?customer=KH-A001",
        {
            "number": "HT-F",
            "service_level": "7x24",
            "starts_on": "0001-01-01",
            "ends_on": "2026-12-31",
            "value": "5000",
            "inspections_per_year": "4",
            "training_days": "0",
        },
    )
    assert str(DATE_OUT_OF_RANGE) in response.context["form"].errors["starts_on"]
    assert ServiceContract.objects.count() == 0
