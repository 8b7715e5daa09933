"""Every write on business calendars; each bumps the calendar's version so caches recompile."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core import timeline
from aftersales.core.errors import Invalid, NotFound
from aftersales.sla import escalation
from aftersales.sla.calendar import hours
from aftersales.sla.models import (
    BusinessCalendar,
    CalendarDay,
    EscalationFiring,
    HolidaySource,
    WeeklyHours,
)
from aftersales.sla.selectors import FIRING_NOT_FOUND, escalation_answer_check, forget_revisions

CODE_TAKEN = _("A business calendar with this code already exists.")
BAD_HOURS = _("Enter opening hours as HH:MM-HH:MM, closing after opening.")
BAD_WEEKDAY = _("Weekday is 0 (Monday) to 6 (Sunday).")

Spans = Sequence[str | tuple[dt.time, dt.time]]


def _full_clean(obj, *, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise Invalid(messages[0], field=None if field == "__all__" else field) from exc


def _as_times(spans: Spans) -> list[tuple[dt.time, dt.time]]:
    """Validated (opens, closes) pairs; 24:00 becomes 00:00 as the models store it."""
    try:
        parsed = hours(*spans)
    except (TypeError, ValueError) as exc:
        raise Invalid(BAD_HOURS, field="hours") from exc

    def as_time(seconds: int) -> dt.time:
        seconds %= 86_400
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)

    return [(as_time(start), as_time(end)) for start, end in parsed]


def calendar_touch(*, calendar: BusinessCalendar) -> BusinessCalendar:
    """Bump the version so every process recompiles this calendar on its next use."""
    BusinessCalendar.objects.filter(pk=calendar.pk).update(
        version=F("version") + 1, revision=uuid.uuid4(), updated_at=timezone.now()
    )
    calendar.refresh_from_db(fields=["version", "revision", "updated_at"])
    forget_revisions()
    return calendar


@transaction.atomic
def calendar_create(
    *,
    code: str,
    name: str,
    time_zone: str = "Asia/Shanghai",
    holiday_source: str = HolidaySource.NONE,
    weekly: Mapping[int, Spans] | None = None,
) -> BusinessCalendar:
    """Create a calendar with weekly hours, e.g. weekly={0: ["09:00-12:00", "13:30-17:00"]}."""
    calendar = BusinessCalendar(
        code=(code or "").strip(),
        name=(name or "").strip(),
        time_zone=time_zone,
        holiday_source=holiday_source,
    )
    if calendar.code and BusinessCalendar.objects.filter(code=calendar.code).exists():
        raise Invalid(CODE_TAKEN, field="code")
    _full_clean(calendar)
    rows = []
    for weekday, spans in (weekly or {}).items():
        if weekday not in range(7):
            raise Invalid(BAD_WEEKDAY, field="weekday")
        rows += [(weekday, start, end) for start, end in _as_times(spans)]
    calendar.save()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(calendar=calendar, weekday=wd, starts_at=start, ends_at=end)
        for wd, start, end in rows
    )
    return calendar


@transaction.atomic
def calendar_weekly_hours_set(
    *, calendar: BusinessCalendar, weekday: int, spans: Spans
) -> list[WeeklyHours]:
    """Replace one weekday's opening hours; no spans closes that weekday."""
    if weekday not in range(7):
        raise Invalid(BAD_WEEKDAY, field="weekday")
    pairs = _as_times(spans)
    calendar.weekly_hours.filter(weekday=weekday).delete()
    rows = WeeklyHours.objects.bulk_create(
        WeeklyHours(calendar=calendar, weekday=weekday, starts_at=start, ends_at=end)
        for start, end in pairs
    )
    calendar_touch(calendar=calendar)
    return rows


@transaction.atomic
def calendar_day_set(
    *,
    calendar: BusinessCalendar,
    date: dt.date,
    kind: str,
    note: str = "",
    opens_at: dt.time | None = None,
    closes_at: dt.time | None = None,
) -> CalendarDay:
    """Mark a date closed (company day off) or open (special working day); replaces any earlier."""
    day = CalendarDay.objects.filter(calendar=calendar, date=date).first() or CalendarDay(
        calendar=calendar, date=date
    )
    day.kind, day.note = kind, (note or "").strip()
    day.opens_at, day.closes_at = opens_at, closes_at
    _full_clean(day)
    day.save()
    calendar_touch(calendar=calendar)
    return day


@transaction.atomic
def calendar_day_clear(*, calendar: BusinessCalendar, date: dt.date) -> bool:
    """Drop a date's override so the weekly hours and holidays apply again; False if none."""
    removed, _by_model = CalendarDay.objects.filter(calendar=calendar, date=date).delete()
    if removed:
        calendar_touch(calendar=calendar)
    return bool(removed)


# --- the promise engine ------------------------------------------------------------------------
# The promise arithmetic lives in sla.clockwork, the sweep in sla.escalation; subject kinds
# (sla.subjects) say what a step does to their subjects. Penalties are the contracts' business.

sla_sweep = escalation.sla_sweep


@transaction.atomic
def escalation_acknowledge(*, firing_id: int, by: User, text: str = "") -> EscalationFiring:
    """A manager answers an escalation: the promised manager response time is met or not."""
    firing = (
        EscalationFiring.objects.select_for_update(of=("self",))
        .select_related("rule", "promise")
        .filter(pk=firing_id)
        .first()
    )
    if firing is None:
        raise NotFound(FIRING_NOT_FOUND)
    # The case page offers the answer form only where this same check passes.
    escalation_answer_check(user=by, firing=firing)
    now = timezone.now()
    firing.acknowledged_at, firing.acknowledged_by = now, by
    firing.save(update_fields=["acknowledged_at", "acknowledged_by"])
    promise = firing.promise
    timeline.record(
        subject_kind=promise.subject_kind,
        subject_id=promise.subject_id,
        customer_id=promise.customer_id,
        at=now,
        actor=by,
        kind="notice",
        internal=True,
        text=(text or "").strip()
        or gettext("Escalation answered: %(rule)s") % {"rule": firing.rule.name},
        data={
            "sla_rule": firing.rule_id,
            "in_time": firing.ack_due_at is None or now <= firing.ack_due_at,
        },
    )
    return firing
