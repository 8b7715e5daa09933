"""Booking an engineer: overlaps and travel refused with the reason, retries book once."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import translation

from aftersales.fieldservice import appointments
from aftersales.fieldservice.models import Appointment, AppointmentStatus
from tests.fieldservice.factories_appointments import (
    JSON,
    NOW,
    api_book,
    at,
    book,
    field_engineer,
    site_of,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wang(db):
    return field_engineer("wang")


def _body(engineer, start, end, **more):
    return {
        "engineer": engineer,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        **more,
    }


@pytest.mark.django_db
def test_booking_by_username_answers_201(api_as, seat, wang):
    response = api_book(api_as(seat), **_body("wang", at(8, 9), at(8, 11)))
    assert response.status_code == 201, response.content
    assert response.json()["engineer"] == "wang"
    assert response.json()["status"] == "confirmed"


@pytest.mark.django_db
def test_booking_by_user_id_is_accepted(api_as, seat, wang):
    response = api_book(api_as(seat), **_body(wang.pk, at(8, 9), at(8, 11)))
    assert response.status_code == 201, response.content
    assert response.json()["engineer"] == "wang"


@pytest.mark.django_db
def test_overlap_is_refused_with_409_naming_the_other_appointments_time(api_as, seat, wang):
    book(seat, wang, at(8, 9), at(8, 11))
    response = api_book(api_as(seat), **_body("wang", at(8, 10), at(8, 12)))
    assert response.status_code == 409
    assert "2026-12-08 09:00" in response.json()["detail"]
    assert "2026-12-08 11:00" in response.json()["detail"]
    assert response.json()["reason"] == "overlap"
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_touching_end_to_start_is_allowed(api_as, seat, wang):
    book(seat, wang, at(8, 9), at(8, 11))
    response = api_book(api_as(seat), **_body("wang", at(8, 11), at(8, 12)))
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_a_cancelled_appointment_does_not_block_the_slot(api_as, seat, wang):
    first = book(seat, wang, at(8, 9), at(8, 11))
    appointments.appointment_cancel(appointment=first, by=seat)
    response = api_book(api_as(seat), **_body("wang", at(8, 9), at(8, 11)))
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_impossible_travel_between_regions_is_refused_with_409(
    api_as, seat, wang, customer_a, customer_b
):
    customer_b.region = "西南"
    customer_b.save(update_fields=["region"])
    book(seat, wang, at(8, 9), at(8, 11), customer=customer_a)
    # Two hours after a job in 华东 is too soon for a job in 西南 (240 minutes by the table).
    response = api_book(
        api_as(seat), **_body("wang", at(8, 13), at(8, 15), customer=customer_b.code)
    )
    assert response.status_code == 409
    assert response.json()["reason"] == "travel"
    assert "240" in response.json()["detail"]
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_same_site_back_to_back_needs_no_travel(api_as, seat, wang, customer_a):
    site = site_of(customer_a)
    book(seat, wang, at(8, 9), at(8, 11), customer=customer_a, site=site)
    response = api_book(
        api_as(seat), **_body("wang", at(8, 11), at(8, 12), customer="KH-A001", site=site.pk)
    )
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_another_site_in_the_region_needs_an_hour(api_as, seat, wang, customer_a):
    book(seat, wang, at(8, 9), at(8, 11), customer=customer_a, site=site_of(customer_a))
    other = site_of(customer_a, address="上海市徐汇区漕溪路2号")
    response = api_book(
        api_as(seat), **_body("wang", at(8, 11, 30), at(8, 12), customer="KH-A001", site=other.pk)
    )
    assert response.status_code == 409
    assert response.json()["reason"] == "travel"


@pytest.mark.django_db
def test_travel_table_is_configurable_in_settings(api_as, seat, wang, customer_a, settings):
    settings.APPOINTMENT_TRAVEL_MINUTES = {"same_region": 15}
    book(seat, wang, at(8, 9), at(8, 11), customer=customer_a, site=site_of(customer_a))
    other = site_of(customer_a, address="上海市徐汇区漕溪路2号")
    response = api_book(
        api_as(seat), **_body("wang", at(8, 11, 30), at(8, 12), customer="KH-A001", site=other.pk)
    )
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_retry_with_the_same_client_key_returns_the_first_booking(api_as, seat, wang):
    client = api_as(seat)
    first = api_book(client, **_body("wang", at(8, 9), at(8, 11), client_key="phone-1"))
    again = api_book(client, **_body("wang", at(8, 9), at(8, 11), client_key="phone-1"))
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_idempotency_key_header_works_like_the_body_field(api_as, seat, wang):
    client = api_as(seat)
    body = _body("wang", at(8, 9), at(8, 11))
    for _ in range(2):
        with time_machine.travel(NOW, tick=False):
            response = client.post(
                "/api/v1/appointments", body, content_type=JSON, headers={"Idempotency-Key": "k1"}
            )
        assert response.status_code == 201
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_ends_before_starts_is_422_naming_ends_at_and_writes_nothing(api_as, seat, wang):
    response = api_book(api_as(seat), **_body("wang", at(8, 11), at(8, 9)))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "ends_at"
    assert str(appointments.ENDS_BEFORE_STARTS) in response.json()["detail"][0]["msg"]
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_unknown_engineer_is_422_naming_engineer_and_writes_nothing(api_as, seat, wang):
    response = api_book(api_as(seat), **_body("nobody", at(8, 9), at(8, 11)))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "engineer"
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_a_contact_cannot_be_booked_as_engineer(api_as, seat, contact_a):
    response = api_book(api_as(seat), **_body("contact_a", at(8, 9), at(8, 11)))
    assert response.status_code == 422
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_an_engineer_may_not_book(api_as, wang):
    response = api_book(api_as(wang), **_body("wang", at(8, 9), at(8, 11)))
    assert response.status_code == 403
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_a_customer_contact_may_not_book(api_as, contact_a, wang):
    response = api_book(api_as(contact_a.user), **_body("wang", at(8, 9), at(8, 11)))
    assert response.status_code in (403, 404)
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_moving_onto_another_booking_is_refused(api_as, seat, wang):
    book(seat, wang, at(8, 9), at(8, 11))
    second = book(seat, wang, at(8, 13), at(8, 14))
    with pytest.raises(appointments.Conflict):
        appointments.appointment_move(
            appointment=second, by=seat, starts_at=at(8, 10), ends_at=at(8, 12)
        )
    second.refresh_from_db()
    assert second.starts_at == at(8, 13)
    assert second.status == AppointmentStatus.CONFIRMED
