"""Odd bodies and parameters answer 4xx naming what is wrong, never 500, and write nothing."""

from __future__ import annotations

import pytest
import time_machine

from aftersales.fieldservice.models import Appointment
from tests.fieldservice.factories_appointments import JSON, NOW, field_engineer

GOOD = {
    "engineer": "wang",
    "starts_at": "2026-12-08T09:00:00+08:00",
    "ends_at": "2026-12-08T10:00:00+08:00",
}
BAD_BODIES = [
    {**GOOD, "engineer": True},
    {**GOOD, "engineer": 2.5},
    {**GOOD, "engineer": ["wang"]},
    {**GOOD, "engineer": 2**80},
    {**GOOD, "engineer": "wa\x00ng"},
    {**GOOD, "starts_at": "tomorrow"},
    {**GOOD, "ends_at": "9999-12-31T23:59:59+00:00"},
    {**GOOD, "case": "NO-SUCH"},
    {**GOOD, "site": 2**40},
    {**GOOD, "customer": "NOPE"},
    {**GOOD, "client_key": "k" * 65},
    {**GOOD, "notes": "x" * 100_000},
]


@pytest.mark.django_db
@pytest.mark.parametrize("body", BAD_BODIES)
def test_a_bad_booking_body_is_422_and_writes_nothing(api_as, seat, body):
    field_engineer("wang")
    with time_machine.travel(NOW, tick=False):
        response = api_as(seat).post("/api/v1/appointments", body, content_type=JSON)
    assert response.status_code == 422, (body, response.content)
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/appointments/99999999999999999999",
        "/api/v1/appointments/123456",
        "/api/v1/appointment-links/not-a-token",
        "/api/v1/dispatch/suggestions?starts_at=x&ends_at=y",
        "/api/v1/appointments?limit=0",
    ],
)
def test_odd_reads_answer_4xx(api_as, seat, url):
    with time_machine.travel(NOW, tick=False):
        response = api_as(seat).get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [{}, {"slots": []}, {"slots": [{"starts_at": "x", "ends_at": "y"}]}, {"slot": 0}]
)
def test_odd_proposal_and_choice_bodies_answer_4xx(api_as, seat, body):
    field_engineer("wang")
    with time_machine.travel(NOW, tick=False):
        for url in ("/api/v1/appointments/proposals", "/api/v1/appointments/1/choose"):
            response = api_as(seat).post(url, body, content_type=JSON)
            assert 400 <= response.status_code < 500, (url, body, response.content)
    assert Appointment.objects.count() == 0
