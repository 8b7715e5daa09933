"""Calendars stored as data: seeding, services that edit them, and the compiled-calendar cache."""

from __future__ import annotations

import importlib
from datetime import date, datetime, time, timedelta, timezone

import pytest
from django.apps import apps

from aftersales.core.errors import Invalid
from aftersales.sla.calendar import add_service_minutes, builtin_calendar
from aftersales.sla.models import BusinessCalendar, CalendarDay, WeeklyHours
from aftersales.sla.selectors import (
    UnknownCalendar,
    calendar_get,
    calendar_unpublished_years,
    compiled_calendar,
)
from aftersales.sla.services import (
    calendar_create,
    calendar_day_clear,
    calendar_day_set,
    calendar_weekly_hours_set,
)

PLUS8 = timezone(timedelta(hours=8))
FRIDAY_1630 = datetime(2026, 11, 27, 16, 30, tzinfo=PLUS8)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=PLUS8)


@pytest.mark.django_db
def test_migrations_seed_7x24_and_5x8():
    five = calendar_get(code="5x8")
    assert five.holiday_source == "prc"
    assert five.weekly_hours.count() == 5
    assert calendar_get(code="7x24").weekly_hours.count() == 7


@pytest.mark.django_db
def test_seeding_again_changes_nothing_the_admin_made():
    five = calendar_get(code="5x8")
    calendar_weekly_hours_set(calendar=five, weekday=5, spans=["09:00-12:00"])
    seed = importlib.import_module("aftersales.sla.migrations.0002_seed_builtin_calendars").seed
    seed(apps, None)
    assert BusinessCalendar.objects.count() == 2
    assert WeeklyHours.objects.filter(calendar=five).count() == 6


@pytest.mark.django_db
def test_seeded_5x8_gives_the_same_answer_as_the_built_in():
    assert add_service_minutes(compiled_calendar("5x8"), FRIDAY_1630, 60) == at(2026, 11, 30, 9, 30)
    assert compiled_calendar("5x8") is not builtin_calendar("5x8")


@pytest.mark.django_db
def test_seeded_7x24_compiles_to_plain_arithmetic():
    assert compiled_calendar("7x24").always_open


@pytest.mark.django_db
def test_unchanged_calendar_is_compiled_once():
    assert compiled_calendar("5x8") is compiled_calendar("5x8")


@pytest.mark.django_db
def test_admin_added_day_off_moves_the_deadline_at_once():
    five = calendar_get(code="5x8")
    assert add_service_minutes(compiled_calendar("5x8"), FRIDAY_1630, 60) == at(2026, 11, 30, 9, 30)
    calendar_day_set(calendar=five, date=date(2026, 11, 30), kind="closed", note="公司年会")
    assert add_service_minutes(compiled_calendar("5x8"), FRIDAY_1630, 60) == at(2026, 12, 1, 9, 30)


@pytest.mark.django_db
def test_extra_working_day_counts():
    five = calendar_get(code="5x8")
    calendar_day_set(calendar=five, date=date(2026, 11, 28), kind="open", note="加班保障")
    assert add_service_minutes(compiled_calendar("5x8"), FRIDAY_1630, 60) == at(2026, 11, 28, 9, 30)


@pytest.mark.django_db
def test_extra_working_day_with_its_own_hours():
    five = calendar_get(code="5x8")
    calendar_day_set(
        calendar=five, date=date(2026, 11, 28), kind="open", opens_at=time(10), closes_at=time(12)
    )
    # 30 minutes on Friday, 120 on Saturday 10:00–12:00, the last 10 on Monday.
    due = add_service_minutes(compiled_calendar("5x8"), FRIDAY_1630, 160)
    assert due == at(2026, 11, 30, 9, 10)


@pytest.mark.django_db
def test_company_can_open_on_a_statutory_holiday():
    five = calendar_get(code="5x8")
    calendar_day_set(calendar=five, date=date(2026, 10, 5), kind="open")
    due = add_service_minutes(compiled_calendar("5x8"), at(2026, 10, 3, 10, 0), 30)
    assert due == at(2026, 10, 5, 9, 30)


@pytest.mark.django_db
def test_clearing_a_day_restores_the_weekly_hours():
    five = calendar_get(code="5x8")
    calendar_day_set(calendar=five, date=date(2026, 11, 30), kind="closed")
    assert calendar_day_clear(calendar=five, date=date(2026, 11, 30))
    assert add_service_minutes(compiled_calendar("5x8"), FRIDAY_1630, 60) == at(2026, 11, 30, 9, 30)


@pytest.mark.django_db
def test_setting_a_day_twice_replaces_it():
    five = calendar_get(code="5x8")
    calendar_day_set(calendar=five, date=date(2026, 11, 30), kind="closed")
    calendar_day_set(calendar=five, date=date(2026, 11, 30), kind="open", note="改为上班")
    assert CalendarDay.objects.get(calendar=five).kind == "open"


@pytest.mark.django_db
def test_hours_on_a_closed_day_are_refused_and_nothing_is_written():
    five = calendar_get(code="5x8")
    version = five.version
    with pytest.raises(Invalid):
        calendar_day_set(
            calendar=five,
            date=date(2026, 11, 30),
            kind="closed",
            opens_at=time(9),
            closes_at=time(12),
        )
    assert not CalendarDay.objects.exists()
    assert calendar_get(code="5x8").version == version


@pytest.mark.django_db
def test_calendar_with_a_lunch_break_from_services():
    calendar_create(
        code="office",
        name="办公时间（午休）",
        weekly=dict.fromkeys(range(5), ["09:00-12:00", "13:30-17:00"]),
    )
    due = add_service_minutes(compiled_calendar("office"), at(2026, 11, 26, 11, 30), 60)
    assert due == at(2026, 11, 26, 14, 0)


@pytest.mark.django_db
def test_changing_weekly_hours_recompiles():
    office = calendar_create(code="office", name="办公", weekly={0: ["09:00-17:00"]})
    assert not compiled_calendar("office").day_intervals(date(2026, 11, 24))  # Tuesday
    calendar_weekly_hours_set(calendar=office, weekday=1, spans=["08:00-24:00"])
    assert compiled_calendar("office").day_intervals(date(2026, 11, 24)) == ((8 * 3600, 86400),)


@pytest.mark.django_db
def test_bad_hours_name_the_field_and_write_nothing():
    with pytest.raises(Invalid) as error:
        calendar_create(code="office", name="办公", weekly={0: ["17:00-09:00"]})
    assert error.value.field == "hours"
    assert not BusinessCalendar.objects.filter(code="office").exists()


@pytest.mark.django_db
def test_duplicate_calendar_code_is_refused():
    with pytest.raises(Invalid) as error:
        calendar_create(code="5x8", name="again")
    assert error.value.field == "code"


@pytest.mark.django_db
def test_unknown_time_zone_is_refused():
    with pytest.raises(Invalid) as error:
        calendar_create(code="mars", name="Mars", time_zone="Mars/Olympus")
    assert error.value.field == "time_zone"


@pytest.mark.django_db
def test_unknown_calendar_code_raises_a_clear_error():
    with pytest.raises(UnknownCalendar) as error:
        compiled_calendar("9x9")
    assert error.value.status_code == 404
    assert "9x9" in str(error.value.message)


@pytest.mark.django_db
def test_built_ins_work_without_their_rows():
    from aftersales.sla.models import SlaPolicy

    SlaPolicy.objects.filter(calendar__code="5x8").delete()
    BusinessCalendar.objects.filter(code="5x8").delete()
    assert compiled_calendar("5x8") is builtin_calendar("5x8")


@pytest.mark.django_db
def test_built_ins_work_when_the_tables_cannot_be_read(monkeypatch):
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("no such table: sla_businesscalendar")

    monkeypatch.setattr(BusinessCalendar.objects, "filter", broken)
    assert compiled_calendar("7x24") is builtin_calendar("7x24")


@pytest.mark.django_db
def test_inactive_calendar_still_computes_for_cases_stored_against_it():
    office = calendar_create(code="office", name="办公", weekly={0: ["09:00-17:00"]})
    BusinessCalendar.objects.filter(pk=office.pk).update(is_active=False)
    assert compiled_calendar("office").code == "office"


@pytest.mark.django_db
def test_years_without_published_prc_holidays_are_listed_with_days_entered_by_hand():
    five = calendar_get(code="5x8")
    calendar_day_set(calendar=five, date=date(2027, 1, 1), kind="closed", note="元旦")
    years = calendar_unpublished_years(calendar=five, today=date(2026, 11, 29))
    assert years == [(2027, 1), (2028, 0)]


@pytest.mark.django_db
def test_calendar_without_holiday_source_has_no_unpublished_years():
    seven = calendar_get(code="7x24")
    assert calendar_unpublished_years(calendar=seven, today=date(2026, 11, 29)) == []
