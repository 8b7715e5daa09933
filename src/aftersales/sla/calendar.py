"""Service-time arithmetic over business calendars: pure Python, no Django.

A `CompiledCalendar` turns weekly opening hours, holidays, make-up working days and per-date
overrides into sorted open intervals in UTC epoch microseconds, compiled one local year at a time
on first use, so every question is a couple of `bisect` calls.

Semantics (the SLA engine relies on them):
- Intervals are half-open `[open, close)`: the opening instant is service time, the closing one
  is not.
- `add_service_minutes(cal, start, n)` with n > 0 returns the instant the n-th service minute ends;
  it may equal a closing instant (Friday 16:30 + 30 min on 5x8 is Friday 17:00, not Monday 09:00).
  With n == 0 it returns `next_service_moment(cal, start)`. A start outside service time counts
  from the next opening.
- Work is exact to the microsecond; minutes may be int or float (rounded to the microsecond).
- Only aware datetimes are accepted; results carry the tzinfo of the input start.
- Years the holiday source does not know (e.g. PRC holidays not yet published) are computed with
  the plain weekly hours plus the calendar's own overrides, and reported by
  `CompiledCalendar.unknown_years_in()` so callers can warn.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "CalendarRangeError",
    "CompiledCalendar",
    "HolidaySource",
    "add_service_minutes",
    "builtin_calendar",
    "hours",
    "is_service_time",
    "next_service_moment",
    "prc_holidays",
    "service_minutes_between",
    "service_time_between",
]

# Bounds keep compilation finite: a calendar with no open time at all, or an absurd N, fails
# with CalendarRangeError instead of compiling centuries.
MIN_YEAR = 1971
MAX_YEAR = 2199

US = 1_000_000
MINUTE_US = 60 * US
DAY_SECONDS = 86_400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)

Interval = tuple[int, int]  # seconds since local midnight, end may be 86400


class CalendarRangeError(ValueError):
    """The moment or the result lies outside the years a calendar can compile."""


@dataclass(frozen=True)
class HolidaySource:
    """Dates a government closes (holidays) and opens (make-up working days) for some years."""

    name: str
    closed: frozenset[date]
    open: frozenset[date]
    years: range

    def knows(self, year: int) -> bool:
        return year in self.years


@lru_cache(maxsize=1)
def prc_holidays() -> HolidaySource:
    """PRC statutory holidays and 调休 make-up working days from the `chinesecalendar` library."""
    import chinese_calendar

    closed = frozenset(chinese_calendar.holidays)
    opened = frozenset(chinese_calendar.workdays)
    # The library itself refuses years outside [min, max] of its holiday table; mirror that.
    first, last = min(closed).year, max(closed).year
    return HolidaySource(name="prc", closed=closed, open=opened, years=range(first, last + 1))


def _seconds_of(value: time | str, *, is_end: bool) -> int:
    if isinstance(value, str):
        hh, _, mm = value.strip().partition(":")
        h, m = int(hh), int(mm or 0)
        if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
            raise ValueError(f"bad time of day {value!r}")
        seconds = h * 3600 + m * 60
    else:
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    # An end of 00:00 means midnight at the end of the day (24:00).
    if is_end and seconds == 0:
        return DAY_SECONDS
    return seconds


def hours(*spans: str | tuple[time | str, time | str]) -> tuple[Interval, ...]:
    """Parse opening hours: hours("09:00-12:00", "13:30-17:00") or (time, time) pairs."""
    out: list[Interval] = []
    for span in spans:
        if isinstance(span, str):
            left, sep, right = span.partition("-")
            if not sep:
                raise ValueError(f"bad opening hours {span!r}, expected HH:MM-HH:MM")
            pair: tuple[time | str, time | str] = (left, right)
        else:
            pair = span
        start = _seconds_of(pair[0], is_end=False)
        end = _seconds_of(pair[1], is_end=True)
        if not 0 <= start < end <= DAY_SECONDS:
            raise ValueError(f"opening hours must close after they open: {span!r}")
        out.append((start, end))
    return _normalise(out)


def _normalise(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if not 0 <= start < end <= DAY_SECONDS:
            raise ValueError(f"opening hours must lie within one day: {(start, end)!r}")
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def _to_us(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an aware datetime is required (it has no time zone)")
    return (moment - _EPOCH) // _ONE_US


def _from_us(value: int, tz: tzinfo) -> datetime:
    seconds, micro = divmod(value, US)
    result = datetime.fromtimestamp(seconds, tz)
    return result.replace(microsecond=micro) if micro else result


def _minutes_to_us(minutes: float) -> int:
    if minutes != minutes or minutes < 0:  # NaN or negative
        raise ValueError("minutes must be zero or more")
    return round(minutes * MINUTE_US)


class _Snapshot:
    """Immutable compiled state for local years [first, last]; replaced whole when extended."""

    __slots__ = ("first", "last", "lo", "hi", "starts", "ends", "cum_start", "cum_end")

    def __init__(self, first: int, last: int, lo: int, hi: int, spans: list[Interval]):
        self.first, self.last, self.lo, self.hi = first, last, lo, hi
        starts: list[int] = []
        ends: list[int] = []
        for start, end in spans:
            if ends and start <= ends[-1]:  # adjacent across midnight or a year boundary
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        cum_start: list[int] = []
        cum_end: list[int] = []
        total = 0
        for start, end in zip(starts, ends, strict=True):
            cum_start.append(total)
            total += end - start
            cum_end.append(total)
        self.starts, self.ends, self.cum_start, self.cum_end = starts, ends, cum_start, cum_end

    def served_before(self, t: int) -> int:
        """Service microseconds between the start of the compiled range and t."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        if t >= self.ends[i]:
            return self.cum_end[i]
        return self.cum_start[i] + t - self.starts[i]


class CompiledCalendar:
    """Open intervals of a business calendar, compiled per local year on demand and cached.

    Precedence for a local date: `day_hours` (explicit intervals) > `closed_days` > `open_days`
    (opened with `workday_hours`) > the holiday source, if it knows the year (holidays closed,
    make-up days opened with `workday_hours`) > `weekly` hours for the weekday (0 = Monday).
    """

    def __init__(
        self,
        *,
        code: str = "",
        tz: str | tzinfo = "Asia/Shanghai",
        weekly: Mapping[int, Sequence[Interval]],
        workday_hours: Sequence[Interval] | None = None,
        holidays: HolidaySource | None = None,
        closed_days: Iterable[date] = (),
        open_days: Iterable[date] = (),
        day_hours: Mapping[date, Sequence[Interval]] | None = None,
    ):
        self.code = code
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.weekly = {wd: _normalise(weekly.get(wd, ())) for wd in range(7)}
        if workday_hours is None:
            # 调休 make-up days work "a normal working day": the first Monday–Friday hours.
            workday_hours = next((self.weekly[wd] for wd in range(5) if self.weekly[wd]), ())
        self.workday_hours = _normalise(workday_hours)
        self.holidays = holidays
        closed, opened = set(closed_days), set(open_days)
        if closed & opened:
            raise ValueError(f"dates both closed and open: {sorted(closed & opened)}")
        self.days: dict[date, tuple[Interval, ...]] = dict.fromkeys(closed, ())
        self.days.update(dict.fromkeys(opened, self.workday_hours))
        self.days.update({d: _normalise(v) for d, v in (day_hours or {}).items()})
        full_day = ((0, DAY_SECONDS),)
        self.always_open = (
            all(self.weekly[wd] == full_day for wd in range(7))
            and holidays is None
            and all(v == full_day for v in self.days.values())
        )
        self._years: dict[int, list[Interval]] = {}
        self._lock = threading.Lock()
        self._snap: _Snapshot | None = None

    def __repr__(self) -> str:
        return f"<CompiledCalendar {self.code or '?'} {self.tz}>"

    # -- holiday coverage -------------------------------------------------------------------

    @property
    def known_years(self) -> range | None:
        """Years the holiday source knows; None when the calendar has no holiday source."""
        return self.holidays.years if self.holidays else None

    def knows_year(self, year: int) -> bool:
        return self.holidays is None or self.holidays.knows(year)

    def unknown_years_in(self, start: datetime, end: datetime) -> list[int]:
        """Local years touched by [start, end] whose holidays the source does not know."""
        if self.holidays is None:
            return []
        first, last = sorted((start.astimezone(self.tz).year, end.astimezone(self.tz).year))
        return [y for y in range(first, last + 1) if not self.holidays.knows(y)]

    # -- compilation ------------------------------------------------------------------------

    def day_intervals(self, day: date) -> tuple[Interval, ...]:
        """Opening hours of one local date, after holidays and overrides."""
        if day in self.days:
            return self.days[day]
        source = self.holidays
        if source is not None and source.knows(day.year):
            if day in source.open:
                return self.workday_hours
            if day in source.closed:
                return ()
        return self.weekly[day.weekday()]

    def _local_us(self, day: date, seconds: int) -> int:
        if seconds >= DAY_SECONDS:
            day, seconds = day + timedelta(days=1), seconds - DAY_SECONDS
        local = datetime.combine(day, time(seconds // 3600, seconds // 60 % 60, seconds % 60))
        return _to_us(local.replace(tzinfo=self.tz))

    def _compile_year(self, year: int) -> list[Interval]:
        spans = self._years.get(year)
        if spans is None:
            spans = []
            day, end = date(year, 1, 1), date(year + 1, 1, 1)
            one = timedelta(days=1)
            while day < end:
                for start, stop in self.day_intervals(day):
                    opens, closes = self._local_us(day, start), self._local_us(day, stop)
                    if closes > opens:  # hours wholly inside a skipped DST hour vanish
                        spans.append((opens, closes))
                day += one
            self._years[year] = spans
        return spans

    def _year_start(self, year: int) -> int:
        return self._local_us(date(year, 1, 1), 0)

    def _snapshot(self, first: int, last: int) -> _Snapshot:
        """A snapshot covering at least local years [first, last]."""
        snap = self._snap
        if snap is not None and snap.first <= first and last <= snap.last:
            return snap
        if first < MIN_YEAR or last > MAX_YEAR:
            raise CalendarRangeError(
                f"calendar {self.code or '?'} covers years {MIN_YEAR}–{MAX_YEAR} only"
            )
        with self._lock:
            snap = self._snap
            if snap is not None:
                first, last = min(first, snap.first), max(last, snap.last)
            spans: list[Interval] = []
            for year in range(first, last + 1):
                spans.extend(self._compile_year(year))
            snap = _Snapshot(
                first, last, self._year_start(first), self._year_start(last + 1), spans
            )
            self._snap = snap
            return snap

    def _covering(self, t: int, u: int | None = None) -> _Snapshot:
        """A snapshot whose local years contain t (and u)."""
        snap = self._snap
        if snap is not None and snap.lo <= t < snap.hi and (u is None or snap.lo <= u < snap.hi):
            return snap
        years = [self._year_of(t)] if u is None else [self._year_of(t), self._year_of(u)]
        return self._snapshot(min(years), min(max(years) + 1, MAX_YEAR))

    def _year_of(self, t: int) -> int:
        try:
            year = _from_us(t, self.tz).year
        except (OverflowError, ValueError, OSError) as exc:
            raise CalendarRangeError(f"moment outside {MIN_YEAR}–{MAX_YEAR}") from exc
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CalendarRangeError(f"moment outside {MIN_YEAR}–{MAX_YEAR}")
        return year

    def _extend_forward(self, snap: _Snapshot) -> _Snapshot:
        if snap.last >= MAX_YEAR:
            raise CalendarRangeError(
                f"the result lies beyond {MAX_YEAR}, the last year calendar "
                f"{self.code or '?'} computes"
            )
        # Double the span so a huge N costs a few recompiles, not one per year.
        return self._snapshot(snap.first, min(snap.last + snap.last - snap.first + 1, MAX_YEAR))

    # -- arithmetic on epoch microseconds (the hot path) -------------------------------------

    def add_us(self, t: int, amount: int) -> int:
        """The instant `amount` service microseconds after t (see the module docstring)."""
        if self.always_open:
            return t + amount
        if amount == 0:
            return self.next_open_us(t)
        snap = self._covering(t)
        while True:
            # Recomputed after each extension: another thread may have moved the baseline.
            target = snap.served_before(t) + amount
            cum_end = snap.cum_end
            if cum_end and target <= cum_end[-1]:
                j = bisect_left(cum_end, target)
                return snap.starts[j] + target - snap.cum_start[j]
            snap = self._extend_forward(snap)

    def next_open_us(self, t: int) -> int:
        if self.always_open:
            return t
        snap = self._covering(t)
        i = bisect_right(snap.starts, t) - 1
        if i >= 0 and t < snap.ends[i]:
            return t
        while True:
            if i + 1 < len(snap.starts):
                return snap.starts[i + 1]
            snap = self._extend_forward(snap)
            i = bisect_right(snap.starts, t) - 1

    def between_us(self, a: int, b: int) -> int:
        if b <= a:
            return 0
        if self.always_open:
            return b - a
        snap = self._covering(a, b)
        return snap.served_before(b) - snap.served_before(a)

    def is_open_us(self, t: int) -> bool:
        if self.always_open:
            return True
        snap = self._covering(t)
        i = bisect_right(snap.starts, t) - 1
        return i >= 0 and t < snap.ends[i]


# -- the public functions -------------------------------------------------------------------


def add_service_minutes(cal: CompiledCalendar, start: datetime, minutes: float) -> datetime:
    """The moment `minutes` of service time have elapsed after start, in start's tzinfo.

    0 minutes gives the next service moment (start itself when inside service time).
    """
    return _from_us(cal.add_us(_to_us(start), _minutes_to_us(minutes)), start.tzinfo)


def service_time_between(cal: CompiledCalendar, a: datetime, b: datetime) -> timedelta:
    """Exact service time in [a, b); zero when b <= a."""
    return timedelta(microseconds=cal.between_us(_to_us(a), _to_us(b)))


def service_minutes_between(cal: CompiledCalendar, a: datetime, b: datetime) -> float:
    """Service minutes in [a, b) as a float (exact for whole seconds); 0 when b <= a."""
    return cal.between_us(_to_us(a), _to_us(b)) / MINUTE_US


def next_service_moment(cal: CompiledCalendar, t: datetime) -> datetime:
    """t itself when inside service time, else the next opening, in t's tzinfo."""
    return _from_us(cal.next_open_us(_to_us(t)), t.tzinfo)


def is_service_time(cal: CompiledCalendar, t: datetime) -> bool:
    return cal.is_open_us(_to_us(t))


# -- built-in calendars -----------------------------------------------------------------------

BUILTIN_SPECS: dict[str, dict] = {
    "7x24": {
        "name": "7×24",
        "time_zone": "Asia/Shanghai",
        "holiday_source": "none",
        "weekly": {wd: ("00:00-24:00",) for wd in range(7)},
    },
    "5x8": {
        "name": "5×8 (Monday–Friday 09:00–17:00, PRC holidays)",
        "time_zone": "Asia/Shanghai",
        "holiday_source": "prc",
        "weekly": {wd: ("09:00-17:00",) for wd in range(5)},
    },
}


def holiday_source_for(name: str) -> HolidaySource | None:
    if name == "prc":
        return prc_holidays()
    if name in ("", "none"):
        return None
    raise ValueError(f"unknown holiday source {name!r}")


@cache
def builtin_calendar(code: str) -> CompiledCalendar:
    """`7x24` or `5x8` compiled from code, without any database; KeyError for other codes."""
    spec = BUILTIN_SPECS[code]
    return CompiledCalendar(
        code=code,
        tz=spec["time_zone"],
        weekly={wd: hours(*spans) for wd, spans in spec["weekly"].items()},
        holidays=holiday_source_for(spec["holiday_source"]),
    )
