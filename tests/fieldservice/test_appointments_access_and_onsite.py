"""Who sees which appointment, and the onsite steps (departed, arrived, finished)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation

from aftersales.core.models import Activity
from aftersales.fieldservice.models import Appointment, AppointmentStatus, RegionalRepresentative
from aftersales.sla.selectors import sla_clocks
from tests.fieldservice.factories_appointments import (
    JSON,
    NOW,
    at,
    book,
    field_engineer,
    open_case,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wang(db):
    return field_engineer("wang")


@pytest.fixture
def li(db):
    return field_engineer("li", region="西南")


@pytest.fixture
def job(seat, wang, customer_a):
    return book(seat, wang, at(7, 10), at(7, 12), customer=customer_a, address="上海市张江路1号")


def _get(client, url):
    with time_machine.travel(NOW, tick=False):
        return client.get(url)


def _step(client, obj, step, **body):
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        return client.post(f"/api/v1/appointments/{obj.pk}/{step}", body, content_type=JSON)


@pytest.mark.django_db
def test_another_customers_appointment_is_404(api_as, contact_b, job):
    assert _get(api_as(contact_b.user), f"/api/v1/appointments/{job.pk}").status_code == 404


@pytest.mark.django_db
def test_the_customer_sees_its_own_appointment(api_as, contact_a, job):
    assert _get(api_as(contact_a.user), f"/api/v1/appointments/{job.pk}").status_code == 200


@pytest.mark.django_db
def test_an_engineer_sees_only_their_own_appointments(api_as, seat, wang, li, job):
    book(seat, li, at(8, 10), at(8, 12))
    listed = _get(api_as(wang), "/api/v1/appointments").json()["items"]
    assert [row["id"] for row in listed] == [job.pk]
    assert _get(api_as(li), f"/api/v1/appointments/{job.pk}").status_code == 404


@pytest.mark.django_db
def test_the_seat_lists_by_engineer_and_date(api_as, seat, wang, li, job):
    book(seat, li, at(8, 10), at(8, 12))
    listed = _get(api_as(seat), "/api/v1/appointments?engineer=li&date_from=2026-12-08").json()
    assert [row["engineer"] for row in listed["items"]] == ["li"]


@pytest.mark.django_db
def test_a_bad_date_filter_is_422(api_as, seat):
    assert _get(api_as(seat), "/api/v1/appointments?date_from=tomorrow").status_code == 422


@pytest.mark.django_db
def test_a_regional_representative_sees_the_regions_appointments(api_as, seat, wang, li, job):
    RegionalRepresentative.objects.create(region="华东", user=li)
    listed = _get(api_as(li), "/api/v1/appointments").json()["items"]
    assert job.pk in [row["id"] for row in listed]


@pytest.mark.django_db
def test_a_customer_contact_cannot_cancel(api_as, contact_a, job):
    with time_machine.travel(NOW, tick=False):
        response = api_as(contact_a.user).post(
            f"/api/v1/appointments/{job.pk}/cancel", {}, content_type=JSON
        )
    assert response.status_code in (403, 404)
    job.refresh_from_db()
    assert job.status == AppointmentStatus.CONFIRMED


@pytest.mark.django_db
def test_an_engineer_cannot_cancel_their_appointment(api_as, wang, job):
    with time_machine.travel(NOW, tick=False):
        response = api_as(wang).post(f"/api/v1/appointments/{job.pk}/cancel", {}, content_type=JSON)
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == AppointmentStatus.CONFIRMED


@pytest.mark.django_db
def test_departed_arrived_finished_make_the_appointment_done(api_as, wang, job):
    client = api_as(wang)
    for step in ("depart", "arrive", "finish"):
        assert _step(client, job, step).status_code == 200
    job.refresh_from_db()
    assert job.status == AppointmentStatus.DONE
    assert job.departed_at and job.arrived_at and job.finished_at


@pytest.mark.django_db
def test_a_retried_step_with_the_same_key_records_once(api_as, wang, job):
    client = api_as(wang)
    first = _step(client, job, "arrive", client_key="tap-1")
    again = _step(client, job, "arrive", client_key="tap-1")
    assert first.status_code == again.status_code == 200
    rows = Activity.objects.filter(subject_kind="appointment", subject_id=job.pk, kind="arrived")
    assert rows.count() == 1


@pytest.mark.django_db
def test_a_second_arrival_without_the_key_is_409(api_as, wang, job):
    client = api_as(wang)
    _step(client, job, "arrive")
    response = _step(client, job, "arrive")
    assert response.status_code == 409


@pytest.mark.django_db
def test_another_engineer_cannot_record_a_step(api_as, li, job):
    response = _step(api_as(li), job, "arrive")
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.arrived_at is None


@pytest.mark.django_db
def test_arrival_on_a_case_appointment_meets_the_cases_onsite_promise(
    api_as, seat, wang, customer_a, contact_a
):
    case = open_case(seat, customer_a, contact_a, priority="P1")
    obj = book(seat, wang, at(7, 10), at(7, 12), case=case)
    case.refresh_from_db()
    assert case.assignee == wang  # booking a case without an assignee gives it to the engineer
    response = _step(api_as(wang), obj, "arrive")
    assert response.status_code == 200, response.content
    clocks = {c.target: c for c in sla_clocks(case, timezone.now())}
    assert clocks["onsite"].state == "met"
    assert case.activities.filter(kind="arrived").count() == 1


@pytest.mark.django_db
def test_my_day_lists_the_engineers_jobs_with_a_navigation_link(client, wang, job):
    client.force_login(wang)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/appointments/my-day/")
    assert page.status_code == 200
    assert "uri.amap.com/search?keyword=" in page.content.decode()


@pytest.mark.django_db
def test_the_week_shows_inspection_visits_too(client, wang, job):
    client.force_login(wang)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/appointments/week/")
    assert page.status_code == 200
    assert "10:00" in page.content.decode()


@pytest.mark.django_db
def test_an_engineer_who_is_no_representative_gets_403_on_the_board(client, wang):
    client.force_login(wang)
    assert _get(client, "/appointments/board/").status_code == 403


@pytest.mark.django_db
def test_a_contact_gets_404_on_the_console_list(client, contact_a):
    client.force_login(contact_a.user)
    assert _get(client, "/appointments/").status_code == 404


@pytest.mark.django_db
def test_double_booking_in_the_form_shows_the_reason(client, seat, wang, job):
    client.force_login(seat)
    with time_machine.travel(NOW, tick=False):
        page = client.post(
            "/appointments/new/",
            {"engineer": "wang", "starts_at": "2026-12-07T11:00", "ends_at": "2026-12-07T13:00"},
        )
    assert page.status_code == 200
    assert "2026-12-07 10:00" in page.content.decode()
    assert Appointment.objects.count() == 1
