"""Due-moment rules of the seeds (sla.rules): boundaries, then laws checked by hypothesis."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.sla.calendar import builtin_calendar
from aftersales.sla.rules import (
    cutoff_due,
    due_by_rule,
    is_business_day,
    nth_business_day_due,
    wall_minutes_due,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPS = builtin_calendar("5x8")  # Monday–Friday 09:00–17:00, PRC holidays and make-up days


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


# --- the 14:00 cut-off of advance replacement --------------------------------------------


def test_fault_confirmed_at_1359_ships_by_1700_the_same_day():
    assert cutoff_due(OPS, at(2026, 3, 4, 13, 59)) == at(2026, 3, 4, 17, 0)


def test_fault_confirmed_at_1400_ships_by_noon_the_next_business_day():
    assert cutoff_due(OPS, at(2026, 3, 4, 14, 0)) == at(2026, 3, 5, 12, 0)


def test_fault_confirmed_friday_afternoon_ships_monday_noon():
    assert cutoff_due(OPS, at(2026, 3, 6, 15, 0)) == at(2026, 3, 9, 12, 0)


def test_fault_confirmed_on_a_sunday_ships_monday_noon():
    assert cutoff_due(OPS, at(2026, 3, 8, 10, 0)) == at(2026, 3, 9, 12, 0)


def test_the_day_before_national_day_after_the_cut_off_waits_for_the_holiday_to_end():
    assert cutoff_due(OPS, at(2026, 9, 30, 14, 30)) == at(2026, 10, 8, 12, 0)


def test_make_up_saturday_before_the_cut_off_ships_the_same_day():
    # Saturday 14 February 2026 is a make-up working day (调休) before the Spring Festival.
    assert cutoff_due(OPS, at(2026, 2, 14, 10, 0)) == at(2026, 2, 14, 17, 0)


def test_friday_after_the_cut_off_ships_on_the_make_up_saturday():
    assert cutoff_due(OPS, at(2026, 2, 13, 14, 0)) == at(2026, 2, 14, 12, 0)


# --- by 17:00 of the Nth business day, wall clock ----------------------------------------


def test_faulty_part_is_due_back_on_the_tenth_business_day_at_1700():
    # Received Thursday 12 February 2026: the Spring Festival holidays do not count, the
    # make-up Saturdays 14 and 28 February do.
    assert nth_business_day_due(OPS, at(2026, 2, 12, 16, 0), 10) == at(2026, 3, 4, 17, 0)


def test_first_business_day_after_a_friday_is_monday():
    assert nth_business_day_due(OPS, at(2026, 3, 6, 9, 0), 1) == at(2026, 3, 9, 17, 0)


def test_carry_in_repair_counts_72_wall_clock_hours():
    assert wall_minutes_due(OPS, at(2026, 3, 6, 18, 0), 72 * 60) == at(2026, 3, 9, 18, 0)


def test_rules_refuse_naive_moments():
    with pytest.raises(ValueError):
        cutoff_due(OPS, dt.datetime(2026, 3, 4, 10, 0))


# --- laws ------------------------------------------------------------------------------------

moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=SHANGHAI)
)


@settings(max_examples=300, deadline=None)
@given(moments)
def test_cutoff_due_is_later_on_a_business_day_at_noon_or_five(start):
    due = cutoff_due(OPS, start)
    local = due.astimezone(SHANGHAI)
    assert due > start
    assert is_business_day(OPS, local.date())
    assert local.time() in (dt.time(12), dt.time(17))


@settings(max_examples=300, deadline=None)
@given(moments)
def test_cutoff_due_skips_no_business_day(start):
    """Same day before the cut-off on a business day, else the very next business day."""
    day = start.astimezone(SHANGHAI).date()
    due_day = cutoff_due(OPS, start).astimezone(SHANGHAI).date()
    if is_business_day(OPS, day) and start.astimezone(SHANGHAI).time() < dt.time(14):
        assert due_day == day
    else:
        between = (day + dt.timedelta(days=i) for i in range(1, (due_day - day).days))
        assert due_day > day and not any(is_business_day(OPS, d) for d in between)


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(min_value=1, max_value=15))
def test_nth_business_day_has_exactly_n_business_days_after_the_start_day(start, n):
    due = nth_business_day_due(OPS, start, n).astimezone(SHANGHAI)
    day = start.astimezone(SHANGHAI).date()
    days = [day + dt.timedelta(days=i) for i in range(1, (due.date() - day).days + 1)]
    assert sum(is_business_day(OPS, d) for d in days) == n
    assert is_business_day(OPS, due.date()) and due.time() == dt.time(17)


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(min_value=1, max_value=14))
def test_one_more_business_day_is_always_later(start, n):
    assert nth_business_day_due(OPS, start, n + 1) > nth_business_day_due(OPS, start, n)


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(min_value=0, max_value=60 * 24 * 30))
def test_wall_minutes_are_plain_elapsed_time(start, minutes):
    assert due_by_rule(OPS, "wall_minutes", start, minutes) - start == dt.timedelta(minutes=minutes)
