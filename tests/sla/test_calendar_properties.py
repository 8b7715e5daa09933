"""Laws of service-time arithmetic, checked by hypothesis on several calendars and zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.sla.calendar import (
    CompiledCalendar,
    add_service_minutes,
    builtin_calendar,
    hours,
    is_service_time,
    next_service_moment,
    prc_holidays,
    service_minutes_between,
    service_time_between,
)

CALENDARS = [
    builtin_calendar("5x8"),
    builtin_calendar("7x24"),
    CompiledCalendar(
        code="lunch-prc",
        weekly=dict.fromkeys(range(5), hours("09:00-12:00", "13:30-17:00")),
        holidays=prc_holidays(),
    ),
    CompiledCalendar(
        code="berlin-shifts",
        tz="Europe/Berlin",
        weekly={**dict.fromkeys(range(6), hours("00:00-02:30", "08:00-20:00")), 6: ()},
    ),
]
ZONES = [ZoneInfo("Asia/Shanghai"), UTC, timezone(timedelta(hours=8)), ZoneInfo("Europe/Berlin")]
ONE_US = timedelta(microseconds=1)


def utc(moment: datetime) -> datetime:
    """Aware datetimes sharing a tzinfo compare by wall clock; compare instants instead."""
    return moment.astimezone(UTC)


calendars = st.sampled_from(CALENDARS)
_any_moment = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 6, 30),
    timezones=st.sampled_from(ZONES),
    allow_imaginary=False,
)
# Half the moments sit on the half hour, where openings, closings and results coincide.
moments = st.one_of(
    _any_moment,
    _any_moment.map(lambda d: d.replace(minute=d.minute // 30 * 30, second=0, microsecond=0)),
)
minutes = st.integers(min_value=0, max_value=30 * 24 * 60)

# No deadline: the first example on a calendar compiles its years.
laws = settings(max_examples=200, deadline=None)


@laws
@given(calendars, moments, minutes)
def test_measuring_from_start_to_result_gives_n_back(cal, start, n):
    assert service_minutes_between(cal, start, add_service_minutes(cal, start, n)) == n


@laws
@given(calendars, moments, minutes, minutes)
def test_adding_is_monotonic_in_minutes(cal, start, n, m):
    low, high = sorted((n, m))
    assert utc(add_service_minutes(cal, start, low)) <= utc(add_service_minutes(cal, start, high))


@laws
@given(calendars, moments, moments, minutes)
def test_adding_is_monotonic_in_start(cal, a, b, n):
    early, late = sorted((a, b), key=utc)
    assert utc(add_service_minutes(cal, early, n)) <= utc(add_service_minutes(cal, late, n))


@laws
@given(moments, minutes)
def test_7x24_equals_plain_arithmetic(start, n):
    plain = (start.astimezone(UTC) + timedelta(minutes=n)).astimezone(start.tzinfo)
    assert add_service_minutes(builtin_calendar("7x24"), start, n) == plain


@laws
@given(calendars, moments, minutes.filter(bool))
def test_result_ends_a_service_minute(cal, start, n):
    # The result closes the n-th minute, so the instant just before it is service time
    # (the result itself may be a closing time).
    assert is_service_time(cal, utc(add_service_minutes(cal, start, n)) - ONE_US)


@laws
@given(calendars, moments)
def test_zero_minutes_lands_on_service_time_without_spending_any(cal, start):
    due = add_service_minutes(cal, start, 0)
    assert is_service_time(cal, due)
    assert due == next_service_moment(cal, start)
    assert service_time_between(cal, start, due) == timedelta(0)


@laws
@given(calendars, moments, moments, moments)
def test_measuring_is_additive(cal, a, b, c):
    a, b, c = sorted((a, b, c), key=utc)
    total = service_time_between(cal, a, c)
    assert service_time_between(cal, a, b) + service_time_between(cal, b, c) == total


@laws
@given(calendars, moments, moments)
def test_service_time_never_exceeds_elapsed_time(cal, a, b):
    elapsed = max(utc(b) - utc(a), timedelta(0))
    assert timedelta(0) <= service_time_between(cal, a, b) <= elapsed


@laws
@given(calendars, moments, st.floats(min_value=0, max_value=10_000, allow_nan=False))
def test_fractional_minutes_round_trip_to_the_microsecond(cal, start, n):
    due = add_service_minutes(cal, start, n)
    assert abs(service_minutes_between(cal, start, due) - n) < 1e-6
