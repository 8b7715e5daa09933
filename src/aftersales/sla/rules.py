"""Due-moment rules of the promises in the seeds: pure functions over compiled calendars.

"Business day" is a local date on which the calendar has any opening hours (holidays closed,
make-up working days 调休 open). Moments are aware datetimes; results carry the start's tzinfo.
- `service_minutes_due`: N service minutes on the calendar (sla.calendar's half-open rules).
- `cutoff_due`: confirmed on a business day before the cut-off (14:00) → that day at 17:00;
  at or after the cut-off, or on a day off → 12:00 of the next business day.
- `nth_business_day_due`: 17:00 of the Nth business day after the local day of the start.
- `wall_minutes_due`: N minutes of wall-clock time (7×24, calendar days and hours).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aftersales.sla.calendar import CalendarRangeError, CompiledCalendar, add_service_minutes

__all__ = [
    "due_by_rule",
    "cutoff_due",
    "is_business_day",
    "next_business_day",
    "nth_business_day_due",
    "service_minutes_due",
    "wall_minutes_due",
]

CUTOFF = time(14, 0)
SAME_DAY_BY = time(17, 0)
NEXT_DAY_BY = time(12, 0)
DAY_ENDS = time(17, 0)
# A calendar without a business day in this many days is a configuration error, not a wait.
SEARCH_DAYS = 3 * 366


def is_business_day(cal: CompiledCalendar, day: date) -> bool:
    return bool(cal.day_intervals(day))


def next_business_day(cal: CompiledCalendar, day: date) -> date:
    """The first business day strictly after `day`."""
    for offset in range(1, SEARCH_DAYS + 1):
        candidate = day + timedelta(days=offset)
        if is_business_day(cal, candidate):
            return candidate
    raise CalendarRangeError(f"no business day within {SEARCH_DAYS} days after {day}")


def _at(cal: CompiledCalendar, day: date, clock: time, like: datetime) -> datetime:
    return datetime.combine(day, clock, tzinfo=cal.tz).astimezone(like.tzinfo)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime")


def service_minutes_due(cal: CompiledCalendar, start: datetime, minutes: float) -> datetime:
    return add_service_minutes(cal, start, minutes)


def wall_minutes_due(cal: CompiledCalendar, start: datetime, minutes: float) -> datetime:
    _require_aware(start)
    return start + timedelta(minutes=minutes)


def cutoff_due(
    cal: CompiledCalendar,
    start: datetime,
    *,
    cutoff: time = CUTOFF,
    same_day_by: time = SAME_DAY_BY,
    next_day_by: time = NEXT_DAY_BY,
) -> datetime:
    """Before the cut-off on a business day: that day at `same_day_by`; else the next business
    day at `next_day_by` (the advance-replacement rule of seed 000)."""
    _require_aware(start)
    local = start.astimezone(cal.tz)
    day = local.date()
    if is_business_day(cal, day) and local.time() < cutoff:
        return _at(cal, day, same_day_by, start)
    return _at(cal, next_business_day(cal, day), next_day_by, start)


def nth_business_day_due(
    cal: CompiledCalendar, start: datetime, n: int, *, by: time = DAY_ENDS
) -> datetime:
    """`by` (17:00) of the Nth business day after the local day of `start` (n ≥ 1)."""
    _require_aware(start)
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start.astimezone(cal.tz).date()
    for _i in range(n):
        day = next_business_day(cal, day)
    return _at(cal, day, by, start)


def due_by_rule(cal: CompiledCalendar, rule: str, start: datetime, amount: float) -> datetime:
    """The due moment of a promise rule (sla.models.DueRule values) started at `start`."""
    if rule == "cutoff":
        return cutoff_due(cal, start)
    if rule == "nth_business_day":
        return nth_business_day_due(cal, start, int(amount))
    if rule == "wall_minutes":
        return wall_minutes_due(cal, start, amount)
    return service_minutes_due(cal, start, amount)
