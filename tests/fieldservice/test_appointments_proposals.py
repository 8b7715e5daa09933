"""The seat proposes slots; the customer picks one by the signed link or on the portal."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.utils import translation

from aftersales.fieldservice import appointments
from aftersales.fieldservice.models import Appointment, AppointmentStatus
from aftersales.notify.models import Notice, OutboxMessage
from tests.fieldservice.factories_appointments import JSON, NOW, at, book, field_engineer


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wang(db):
    return field_engineer("wang")


@pytest.fixture
def proposed(seat, wang, customer_a, contact_a):
    with time_machine.travel(NOW, tick=False):
        return appointments.appointment_propose_new(
            by=seat,
            engineer=wang,
            customer=customer_a,
            slots=[(at(8, 9), at(8, 11)), (at(9, 14), at(9, 16))],
        )


def _link_path(obj: Appointment) -> str:
    return re.sub(r"^https?://[^/]+", "", appointments.link_url(obj))


@pytest.mark.django_db
def test_proposing_sends_the_link_by_sms_and_email(proposed, contact_a):
    sent = OutboxMessage.objects.filter(kind="appointment_proposal")
    assert {m.channel for m in sent} == {"sms", "email"}
    assert all("/appointments/pick/" in m.body for m in sent)
    assert proposed.status == AppointmentStatus.PROPOSED


@pytest.mark.django_db
def test_proposing_one_slot_is_422_naming_slots(api_as, seat, wang):
    with time_machine.travel(NOW, tick=False):
        response = api_as(seat).post(
            "/api/v1/appointments/proposals",
            {
                "engineer": "wang",
                "slots": [{"starts_at": at(8, 9).isoformat(), "ends_at": at(8, 10).isoformat()}],
            },
            content_type=JSON,
        )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "slots"
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_customer_picks_a_slot_through_the_link_without_login(client, proposed):
    second = proposed.slots.order_by("starts_at")[1]
    with time_machine.travel(NOW, tick=False):
        page = client.get(_link_path(proposed))
        assert page.status_code == 200
        response = client.post(_link_path(proposed), {"slot": second.pk})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == AppointmentStatus.CONFIRMED
    assert proposed.starts_at == at(9, 14)


@pytest.mark.django_db
def test_the_pick_rechecks_the_engineers_calendar(client, seat, wang, proposed):
    second = proposed.slots.order_by("starts_at")[1]
    book(seat, wang, at(9, 13), at(9, 15))  # the slot filled up meanwhile
    with time_machine.travel(NOW, tick=False):
        response = client.post(_link_path(proposed), {"slot": second.pk})
    assert response.status_code == 200
    assert "2026-12-09 13:00" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == AppointmentStatus.PROPOSED


@pytest.mark.django_db
def test_a_tampered_link_is_404(client, proposed):
    with time_machine.travel(NOW, tick=False):
        response = client.get(_link_path(proposed)[:-3] + "xyz/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_new_proposal_kills_the_old_link(client, seat, proposed):
    old = _link_path(proposed)
    with time_machine.travel(NOW, tick=False):
        appointments.appointment_propose(
            appointment=proposed, by=seat, slots=[(at(10, 9), at(10, 10)), (at(10, 14), at(10, 15))]
        )
        response = client.get(old)
    assert response.status_code == 404


@pytest.mark.django_db
def test_customer_picks_a_slot_through_the_api_link(client, proposed):
    first = proposed.slots.order_by("starts_at")[0]
    token = _link_path(proposed).rstrip("/").rsplit("/", 1)[-1]
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            f"/api/v1/appointment-links/{token}/choose", {"slot": first.pk}, content_type=JSON
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"


@pytest.mark.django_db
def test_customer_picks_a_slot_on_the_portal(client, contact_a, proposed):
    client.force_login(contact_a.user)
    second = proposed.slots.order_by("starts_at")[1]
    with time_machine.travel(NOW, tick=False):
        assert client.get("/portal/appointments/").status_code == 200
        response = client.post(f"/portal/appointments/{proposed.pk}/choose/", {"slot": second.pk})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == AppointmentStatus.CONFIRMED


@pytest.mark.django_db
def test_customer_asks_to_reschedule_through_the_link(client, proposed):
    with time_machine.travel(NOW, tick=False):
        client.post(_link_path(proposed), {"reschedule": "1", "text": "下周一上午"})
    proposed.refresh_from_db()
    assert proposed.status == AppointmentStatus.RESCHEDULE


@pytest.mark.django_db
def test_the_seat_who_booked_hears_of_a_reschedule_under_the_bell(client, seat, proposed):
    with time_machine.travel(NOW, tick=False):
        client.post(_link_path(proposed), {"reschedule": "1", "text": "下周一上午"})
    notice = Notice.objects.get(user=seat, kind="appointment.reschedule")
    assert notice.title.endswith(": 下周一上午")
    assert notice.url == f"/appointments/{proposed.pk}/"


@pytest.mark.django_db
def test_another_customers_contact_cannot_choose_on_the_portal(client, contact_b, proposed):
    client.force_login(contact_b.user)
    slot = proposed.slots.first()
    with time_machine.travel(NOW, tick=False):
        response = client.post(f"/portal/appointments/{proposed.pk}/choose/", {"slot": slot.pk})
    assert response.status_code == 404
    proposed.refresh_from_db()
    assert proposed.status == AppointmentStatus.PROPOSED
