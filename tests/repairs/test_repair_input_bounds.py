"""Repair input out of bounds is a 422 naming the field, on the API and the console form."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.core.schema_types import DATE_OUT_OF_RANGE, LONG_TEXT_MAX
from aftersales.repairs import services
from aftersales.repairs.models import RepairOrder

JSON = "application/json"


@pytest.fixture
def order(engineer, paid_case) -> RepairOrder:
    return services.repair_create(
        by=engineer,
        case=paid_case,
        service_mode="carry_in",
        fault_category="power",
        fault_text="无法开机",
    )


def _patch(api, order, body):
    return api.patch(f"/api/v1/repairs/{order.pk}", body, content_type=JSON)


def _error(response) -> dict:
    assert response.status_code == 422, response.content[:300]
    return response.json()["detail"][0]


@pytest.mark.parametrize("moment", ["0001-01-01T09:00:00+08:00", "9999-12-31T23:00:00"])
def test_appointment_out_of_range_is_refused(api_as, engineer, order, moment):
    error = _error(_patch(api_as(engineer), order, {"appointment_at": moment}))
    assert error["loc"][-1] == "appointment_at" and error["msg"] == str(DATE_OUT_OF_RANGE)
    order.refresh_from_db()
    assert order.appointment_at is None


def test_appointment_is_never_a_number(api_as, engineer, order):
    error = _error(_patch(api_as(engineer), order, {"appointment_at": 0}))
    assert error["loc"][-1] == "appointment_at"


def test_oversized_diagnosis_is_refused(api_as, engineer, order):
    error = _error(_patch(api_as(engineer), order, {"diagnosis": "x" * (LONG_TEXT_MAX + 1)}))
    assert error["loc"][-1] == "diagnosis"
    order.refresh_from_db()
    assert order.diagnosis == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("labour_minutes", 1.5),
        ("labour_minutes", "90"),
        ("decision", "burn_it"),
        ("travel_mode", "ship"),
    ],
)
def test_update_refuses_coerced_or_unknown_values(api_as, engineer, order, field, value):
    assert _error(_patch(api_as(engineer), order, {field: value}))["loc"][-1] == field


def test_console_edit_refuses_a_year_one_appointment(engineer, order):
    client = Client()
    client.force_login(engineer)
    response = client.post(
        f"/repairs/{order.pk}/edit/",
        {
            "service_mode": "carry_in",
            "fault_category": "power",
            "fault_text": "无法开机",
            "appointment_at": "0001-01-01T09:00",
            "labour_minutes": "0",
            "travel_mode": "none",
        },
    )
    assert response.status_code == 422
    assert str(DATE_OUT_OF_RANGE) in response.context["edit_form"].errors["appointment_at"]
    order.refresh_from_db()
    assert order.appointment_at is None
