import re

import pytest
import time_machine

from aftersales.cases.models import Activity, Case
from tests.factories import AssetFactory


def _create(api, **overrides):
    body = {
        "customer": "KH-A001",
        "title": "存储阵列告警",
        "description": "控制器B告警",
        "priority": "P2",
        "case_type": "fault",
        "channel": "phone",
    }
    body.update(overrides)
    return api.post("/api/v1/cases", body, content_type="application/json")


@pytest.mark.django_db
def test_seat_opens_a_case_with_a_readable_number_and_deadlines(api_as, seat, customer_a):
    with time_machine.travel("2026-11-23T10:00:00+08:00", tick=False):
        response = _create(api_as(seat))
    assert response.status_code == 201
    data = response.json()
    assert re.fullmatch(r"CS-20261123-\d{4}", data["number"])
    assert data["status"] == "new"
    assert data["sla"]["calendar"] == "5x8"
    assert data["sla"]["response_due_at"].startswith("2026-11-23T03:00:00")
    detail = api_as(seat).get(f"/api/v1/cases/{data['number']}").json()
    assert detail["activities"][0]["kind"] == "created"


@pytest.mark.django_db
def test_case_numbers_count_up_within_a_day(api_as, seat, customer_a):
    with time_machine.travel("2026-11-23T10:00:00+08:00", tick=False):
        first = _create(api_as(seat)).json()["number"]
        second = _create(api_as(seat)).json()["number"]
    assert first.endswith("-0001") and second.endswith("-0002")


@pytest.mark.django_db
def test_case_on_an_asset_in_warranty_says_so(api_as, seat, customer_a):
    AssetFactory(
        customer=customer_a, serial_number="SN-IN-1", accepted_on="2025-01-10", warranty_months=36
    )
    with time_machine.travel("2026-11-23T10:00:00+08:00", tick=False):
        data = _create(api_as(seat), serial_number="sn-in-1").json()
    assert data["entitlement"]["status"] == "in_warranty"
    assert "2028-01-09" in data["entitlement"]["reason"]


@pytest.mark.django_db
def test_unknown_serial_names_the_field_and_writes_nothing(api_as, seat, customer_a):
    response = _create(api_as(seat), serial_number="NOPE")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "serial_number"
    assert Case.objects.count() == 0 and Activity.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value",
    [("priority", "P9"), ("channel", "pigeon"), ("case_type", "nonsense"), ("title", "")],
)
def test_bad_intake_fields_are_named(api_as, seat, customer_a, field, value):
    response = _create(api_as(seat), **{field: value})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_contact_opens_a_case_for_their_own_organisation(api_as, contact_a):
    response = _create(api_as(contact_a.user), channel="portal")
    assert response.status_code == 201
    assert response.json()["contact"] == contact_a.name


@pytest.mark.django_db
def test_contact_cannot_open_a_case_for_another_customer(api_as, contact_b, customer_a):
    assert _create(api_as(contact_b.user)).status_code == 404
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_contact_given_by_phone_is_linked(api_as, seat, contact_a):
    contact_a.phone = "13812345678"
    contact_a.save()
    data = _create(api_as(seat), contact="+86 138-1234-5678").json()
    assert data["contact"] == contact_a.name
