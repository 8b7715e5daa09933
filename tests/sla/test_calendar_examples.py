"""The famous cases of service-time arithmetic, on the built-in and hand-made calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from aftersales.sla.calendar import (
    CalendarRangeError,
    CompiledCalendar,
    add_service_minutes,
    builtin_calendar,
    hours,
    is_service_time,
    next_service_moment,
    prc_holidays,
    service_minutes_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLUS8 = timezone(timedelta(hours=8))
FIVE_BY_EIGHT = builtin_calendar("5x8")
SEVEN_BY_24 = builtin_calendar("7x24")


def at(*args: int, tz=PLUS8) -> datetime:
    return datetime(*args, tzinfo=tz)


def lunch_break_calendar(**extra) -> CompiledCalendar:
    office = hours("09:00-12:00", "13:30-17:00")
    return CompiledCalendar(code="lunch", weekly=dict.fromkeys(range(5), office), **extra)


def test_friday_1630_plus_60_minutes_on_5x8_is_monday_0930():
    due = add_service_minutes(FIVE_BY_EIGHT, at(2026, 11, 27, 16, 30), 60)
    assert due == at(2026, 11, 30, 9, 30)
    assert due.isoformat() == "2026-11-30T09:30:00+08:00"


def test_thirty_minutes_before_closing_ends_exactly_at_closing():
    assert add_service_minutes(FIVE_BY_EIGHT, at(2026, 11, 27, 16, 30), 30) == at(
        2026, 11, 27, 17, 0
    )


def test_start_in_national_day_holiday_2026_rolls_to_the_first_workday():
    # The library closes 2026-10-01..10-07; Thursday 10-08 is a normal working day.
    assert prc_holidays().closed >= {date(2026, 10, d) for d in range(1, 8)}
    due = add_service_minutes(FIVE_BY_EIGHT, at(2026, 10, 3, 10, 0), 30)
    assert due == at(2026, 10, 8, 9, 30)


def test_make_up_working_saturday_2026_10_10_counts():
    assert date(2026, 10, 10) in prc_holidays().open
    due = add_service_minutes(FIVE_BY_EIGHT, at(2026, 10, 9, 16, 0), 120)
    assert due == at(2026, 10, 10, 10, 0)


def test_an_ordinary_saturday_is_closed_on_5x8():
    assert add_service_minutes(FIVE_BY_EIGHT, at(2026, 10, 16, 16, 0), 120) == at(
        2026, 10, 19, 10, 0
    )


def test_make_up_sunday_2026_01_04_counts():
    assert is_service_time(FIVE_BY_EIGHT, at(2026, 1, 4, 10, 0))
    assert not is_service_time(FIVE_BY_EIGHT, at(2026, 1, 2, 10, 0))  # New Year holiday


def test_lunch_break_is_not_service_time():
    cal = lunch_break_calendar()
    assert add_service_minutes(cal, at(2026, 11, 26, 11, 30), 60) == at(2026, 11, 26, 14, 0)
    assert not is_service_time(cal, at(2026, 11, 26, 12, 45))


def test_lunch_break_is_skipped_when_measuring():
    cal = lunch_break_calendar()
    assert service_minutes_between(cal, at(2026, 11, 26, 11, 0), at(2026, 11, 26, 14, 0)) == 90


def test_zero_minutes_inside_service_time_is_the_start_itself():
    start = at(2026, 11, 26, 10, 15, 7)
    assert add_service_minutes(FIVE_BY_EIGHT, start, 0) == start


def test_zero_minutes_outside_service_time_is_the_next_opening():
    assert add_service_minutes(FIVE_BY_EIGHT, at(2026, 11, 27, 17, 0), 0) == at(2026, 11, 30, 9, 0)


def test_opening_instant_is_service_time_and_closing_instant_is_not():
    assert is_service_time(FIVE_BY_EIGHT, at(2026, 11, 26, 9, 0))
    assert not is_service_time(FIVE_BY_EIGHT, at(2026, 11, 26, 17, 0))


def test_next_service_moment_at_closing_time_is_the_next_opening():
    assert next_service_moment(FIVE_BY_EIGHT, at(2026, 11, 26, 17, 0)) == at(2026, 11, 27, 9, 0)


def test_result_keeps_the_tzinfo_of_the_start():
    start = at(2026, 11, 27, 8, 30, tz=UTC)  # 16:30 in Shanghai
    due = add_service_minutes(FIVE_BY_EIGHT, start, 60)
    assert due.tzinfo is UTC
    assert due == at(2026, 11, 30, 1, 30, tz=UTC)


def test_microseconds_are_kept_exactly():
    start = at(2026, 11, 26, 10, 0, 0, 123456)
    assert add_service_minutes(FIVE_BY_EIGHT, start, 1.5) == at(2026, 11, 26, 10, 1, 30, 123456)


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_service_minutes(FIVE_BY_EIGHT, datetime(2026, 11, 26, 10, 0), 5)


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="zero or more"):
        add_service_minutes(FIVE_BY_EIGHT, at(2026, 11, 26, 10, 0), -1)


def test_measuring_backwards_gives_zero():
    assert service_minutes_between(FIVE_BY_EIGHT, at(2026, 11, 27), at(2026, 11, 26)) == 0


def test_7x24_is_plain_arithmetic_across_the_national_day_holiday():
    start = at(2026, 9, 30, 23, 59, 30, 5)
    assert add_service_minutes(SEVEN_BY_24, start, 1441) == start + timedelta(minutes=1441)


def test_5x8_knows_prc_holidays_up_to_2026_and_reports_2027_as_unknown():
    assert 2026 in FIVE_BY_EIGHT.known_years
    assert FIVE_BY_EIGHT.unknown_years_in(at(2026, 12, 31), at(2028, 1, 3)) == [2027, 2028]
    assert SEVEN_BY_24.unknown_years_in(at(2026, 12, 31), at(2028, 1, 3)) == []


def test_unknown_year_2027_falls_back_to_plain_monday_to_friday():
    # 2027-01-01 is a Friday; until the holidays are published it counts as a working day.
    due = add_service_minutes(FIVE_BY_EIGHT, at(2026, 12, 31, 16, 30), 60)
    assert due == at(2027, 1, 1, 9, 30)


def test_company_day_off_and_special_working_day_change_results():
    cal = lunch_break_calendar(closed_days=[date(2026, 11, 30)], open_days=[date(2026, 11, 28)])
    assert is_service_time(cal, at(2026, 11, 28, 13, 45))  # Saturday, opened
    assert not is_service_time(cal, at(2026, 11, 30, 10, 0))  # Monday, closed
    assert add_service_minutes(cal, at(2026, 11, 28, 16, 30), 60) == at(2026, 12, 1, 9, 30)


def test_make_up_days_use_monday_to_friday_hours_not_saturday_hours():
    cal = CompiledCalendar(
        weekly={**dict.fromkeys(range(5), hours("09:00-17:00")), 5: hours("10:00-12:00")},
        holidays=prc_holidays(),
    )
    assert cal.day_intervals(date(2026, 10, 10)) == hours("09:00-17:00")


def test_working_hours_follow_daylight_saving_time_in_the_calendars_zone():
    berlin = ZoneInfo("Europe/Berlin")
    cal = CompiledCalendar(tz=berlin, weekly=dict.fromkeys(range(7), hours("09:00-17:00")))
    # 2026-03-29 is the spring-forward Sunday: still a full 8-hour working day.
    day = service_minutes_between(cal, at(2026, 3, 29, tz=berlin), at(2026, 3, 30, tz=berlin))
    assert day == 480
    assert add_service_minutes(cal, at(2026, 3, 28, 16, 0, tz=berlin), 120) == at(
        2026, 3, 29, 10, 0, tz=berlin
    )


def test_calendar_without_any_opening_hours_fails_clearly():
    closed = CompiledCalendar(code="never", weekly={})
    with pytest.raises(CalendarRangeError):
        add_service_minutes(closed, at(2026, 11, 26), 1)


def test_overlapping_hours_are_merged():
    assert hours("09:00-12:00", "11:00-13:00", "13:00-14:00") == ((9 * 3600, 14 * 3600),)


@pytest.mark.parametrize("bad", ["9-", "17:00-09:00", "25:00-26:00", "09:00"])
def test_bad_opening_hours_are_refused(bad):
    with pytest.raises(ValueError):
        hours(bad)
