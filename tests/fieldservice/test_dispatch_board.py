"""The dispatch board and its suggestion: the nearest qualified free engineer."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import translation

from aftersales.fieldservice import dispatch
from aftersales.fieldservice.models import Appointment, RegionalRepresentative
from tests.fieldservice.factories_appointments import NOW, at, book, field_engineer, open_case


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_suggestion_picks_the_nearest_qualified_free_engineer(seat, customer_a, contact_a):
    busy = field_engineer("busy", region="华东", skills=("storage",))
    field_engineer("far", region="西南", skills=("storage",))
    field_engineer("unskilled", region="华东")
    free = field_engineer("free", region="华东", skills=("storage",))
    book(seat, busy, at(8, 9), at(8, 12))
    case = open_case(seat, customer_a, contact_a)
    with time_machine.travel(NOW, tick=False):
        rows = dispatch.suggest_for_case(
            user=seat, case=case, starts_at=at(8, 10), ends_at=at(8, 11), skill="storage"
        )
    assert rows[0].user == free and rows[0].same_region
    assert [r.user.username for r in rows] == ["free", "far"]


@pytest.mark.django_db
def test_suggestion_prefers_the_lower_load(seat, customer_a, contact_a):
    loaded = field_engineer("loaded")
    idle = field_engineer("idle")
    book(seat, loaded, at(9, 9), at(9, 10), case=open_case(seat, customer_a, contact_a))
    case = open_case(seat, customer_a, contact_a)
    with time_machine.travel(NOW, tick=False):
        rows = dispatch.suggest_for_case(
            user=seat, case=case, starts_at=at(8, 10), ends_at=at(8, 11)
        )
    assert [r.user for r in rows] == [idle, loaded]


@pytest.mark.django_db
def test_assign_and_book_in_one_action(api_as, seat, customer_a, contact_a):
    wang = field_engineer("wang")
    case = open_case(seat, customer_a, contact_a)
    with time_machine.travel(NOW, tick=False):
        response = api_as(seat).post(
            "/api/v1/dispatch/assign",
            {
                "case": case.number,
                "engineer": "wang",
                "starts_at": at(8, 9).isoformat(),
                "ends_at": at(8, 11).isoformat(),
            },
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    case.refresh_from_db()
    assert case.assignee == wang
    assert Appointment.objects.get().case == case


@pytest.mark.django_db
def test_the_board_shows_engineers_by_region_with_the_days_schedule(client, seat):
    wang = field_engineer("wang", skills=("storage",))
    book(seat, wang, at(7, 10), at(7, 12))
    client.force_login(seat)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/appointments/board/?day=2026-12-07")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Wang" in body and "storage" in body and "10:00" in body


@pytest.mark.django_db
def test_a_representative_sees_only_their_regions_engineers(client, seat):
    rep = field_engineer("rep", region="华东")
    field_engineer("east", region="华东")
    field_engineer("west", region="西南")
    RegionalRepresentative.objects.create(region="华东", user=rep)
    with time_machine.travel(NOW, tick=False):
        groups = dispatch.board(user=rep, day=NOW.date())
    assert [region for region, _rows in groups] == ["华东"]
    client.force_login(rep)
    with time_machine.travel(NOW, tick=False):
        assert client.get("/appointments/board/").status_code == 200


@pytest.mark.django_db
def test_setting_a_representative_retires_the_previous_one(client, seat, admin_user):
    first = field_engineer("first")
    second = field_engineer("second")
    dispatch.representative_set(by=seat, region="华东", user=first)
    client.force_login(seat)
    with time_machine.travel(NOW, tick=False):
        client.post("/appointments/representatives/", {"region": "华东", "user": "second"})
    active = RegionalRepresentative.objects.get(region="华东", is_active=True)
    assert active.user == second
    assert RegionalRepresentative.objects.filter(user=first, is_active=False).exists()


@pytest.mark.django_db
def test_an_engineer_cannot_set_representatives(client):
    wang = field_engineer("wang")
    client.force_login(wang)
    response = client.post("/appointments/representatives/", {"region": "华东", "user": "wang"})
    assert response.status_code == 403
    assert not RegionalRepresentative.objects.exists()
