"""Editing calendars in the admin: unpublished-holiday warnings and cache invalidation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from django.test import Client

from aftersales.sla.calendar import add_service_minutes
from aftersales.sla.selectors import calendar_get, compiled_calendar

PLUS8 = timezone(timedelta(hours=8))
FRIDAY_1630 = datetime(2026, 11, 27, 16, 30, tzinfo=PLUS8)


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def change_url(calendar) -> str:
    return f"/admin/sla/businesscalendar/{calendar.pk}/change/"


def change_form(calendar, *, days: list[dict]) -> dict:
    """The change form as the browser posts it, keeping the weekly hours and adding days."""
    data = {
        "code": calendar.code,
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "holiday_source": calendar.holiday_source,
        "is_active": "on",
        "weekly_hours-TOTAL_FORMS": str(calendar.weekly_hours.count()),
        "weekly_hours-INITIAL_FORMS": str(calendar.weekly_hours.count()),
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(calendar.weekly_hours.all()):
        data |= {
            f"weekly_hours-{i}-id": str(row.pk),
            f"weekly_hours-{i}-calendar": str(calendar.pk),
            f"weekly_hours-{i}-weekday": str(row.weekday),
            f"weekly_hours-{i}-starts_at": f"{row.starts_at:%H:%M}",
            f"weekly_hours-{i}-ends_at": f"{row.ends_at:%H:%M}",
        }
    for i, day in enumerate(days):
        data |= {f"days-{i}-{key}": value for key, value in day.items()}
    return data


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 29, 10, 0, tzinfo=PLUS8), tick=False)
def test_change_page_warns_which_coming_years_have_no_published_holidays(admin_client):
    page = admin_client.get(change_url(calendar_get(code="5x8"))).content.decode()
    assert "2027: holidays not yet published" in page
    assert "2028: holidays not yet published" in page
    assert "2026: holidays" not in page


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 29, 10, 0, tzinfo=PLUS8), tick=False)
def test_calendar_without_holiday_source_shows_no_warning(admin_client):
    page = admin_client.get(change_url(calendar_get(code="7x24"))).content.decode()
    assert "not yet published" not in page


@pytest.mark.django_db
def test_day_off_added_in_the_admin_changes_deadlines_at_once(admin_client):
    five = calendar_get(code="5x8")
    assert add_service_minutes(compiled_calendar("5x8"), FRIDAY_1630, 60).day == 30
    response = admin_client.post(
        change_url(five), change_form(five, days=[{"date": "2026-11-30", "kind": "closed"}])
    )
    assert response.status_code == 302
    assert add_service_minutes(compiled_calendar("5x8"), FRIDAY_1630, 60).day == 1


@pytest.mark.django_db
def test_hours_on_a_closed_day_are_refused_in_the_admin(admin_client):
    five = calendar_get(code="5x8")
    day = {"date": "2026-11-30", "kind": "closed", "opens_at": "09:00", "closes_at": "12:00"}
    response = admin_client.post(change_url(five), change_form(five, days=[day]))
    assert response.status_code == 200
    assert not five.days.exists()


@pytest.mark.django_db
def test_calendars_cannot_be_deleted_only_deactivated(admin_client):
    five = calendar_get(code="5x8")
    response = admin_client.get(f"/admin/sla/businesscalendar/{five.pk}/delete/")
    assert response.status_code == 403


@pytest.mark.django_db
def test_engineer_cannot_open_the_calendar_admin(engineer):
    client = Client()
    client.force_login(engineer)
    response = client.get(change_url(calendar_get(code="5x8")))
    assert response.status_code == 302
