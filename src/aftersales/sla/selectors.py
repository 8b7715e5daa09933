"""Reads of business calendars, and the per-process cache of compiled calendars."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import OperationalError, ProgrammingError
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import is_staff_member
from aftersales.core.errors import ApplicationError, Conflict, Forbidden, NotFound
from aftersales.core.memo import ConfigMemo
from aftersales.sla.calendar import (
    BUILTIN_SPECS,
    CompiledCalendar,
    builtin_calendar,
    holiday_source_for,
    hours,
)
from aftersales.sla.models import BusinessCalendar, CalendarDay, EscalationAction
from aftersales.sla.subjects import kind_of

UNKNOWN_CALENDAR = _("No business calendar has the code %(code)s.")


class UnknownCalendar(NotFound):
    """No calendar with that code, neither in the database nor built in."""

    def __init__(self, code: str):
        super().__init__(UNKNOWN_CALENDAR % {"code": code}, field="calendar")
        self.code = code


# code -> (primary key, revision, compiled); a new revision or a new row recompiles.
_compiled: dict[str, tuple[int, uuid.UUID, CompiledCalendar]] = {}
_compiled_lock = threading.Lock()


# code -> (primary key, revision): every new case asks; calendar_touch forgets it at once.
_revisions = ConfigMemo("calendar_revisions", BusinessCalendar)


def _revision_of(code: str) -> tuple[int, uuid.UUID] | None:
    return BusinessCalendar.objects.filter(code=code).values_list("pk", "revision").first()


def forget_revisions() -> None:
    """A calendar's revision changed without a save signal (a queryset update)."""
    _revisions.forget()


def calendar_compile(*, calendar: BusinessCalendar) -> CompiledCalendar:
    """Compile a calendar's rows (uncached); see compiled_calendar() for the cached way."""
    weekly: dict[int, list] = defaultdict(list)
    for row in calendar.weekly_hours.all():
        weekly[row.weekday].append((row.starts_at, row.ends_at))
    closed: list[dt.date] = []
    opened: list[dt.date] = []
    day_hours: dict[dt.date, tuple] = {}
    for day in calendar.days.all():
        if day.kind == CalendarDay.Kind.CLOSED:
            closed.append(day.date)
        elif day.opens_at is not None and day.closes_at is not None:
            day_hours[day.date] = hours((day.opens_at, day.closes_at))
        else:
            opened.append(day.date)
    return CompiledCalendar(
        code=calendar.code,
        tz=calendar.time_zone,
        weekly={wd: hours(*spans) for wd, spans in weekly.items()},
        holidays=holiday_source_for(calendar.holiday_source),
        closed_days=closed,
        open_days=opened,
        day_hours=day_hours,
    )


def compiled_calendar(code: str) -> CompiledCalendar:
    """The compiled calendar for code: one cheap revision query, recompiled when it changed.

    Inactive calendars still compile (cases stored against them keep working). `7x24` and
    `5x8` fall back to their built-in definitions when the database has no row for them or
    cannot be read (no tables yet, database down). Raises UnknownCalendar otherwise.
    """
    try:
        row = _revisions.get(code, lambda: _revision_of(code))
    except (OperationalError, ProgrammingError):
        if code in BUILTIN_SPECS:
            return builtin_calendar(code)
        raise
    if row is None:
        if code in BUILTIN_SPECS:
            return builtin_calendar(code)
        raise UnknownCalendar(code)
    cached = _compiled.get(code)
    if cached is not None and cached[:2] == row:
        return cached[2]
    calendar = BusinessCalendar.objects.prefetch_related("weekly_hours", "days").get(pk=row[0])
    compiled = calendar_compile(calendar=calendar)
    with _compiled_lock:
        # Stored under the revision read before the rows: at worst a newer compile is redone.
        _compiled[code] = (row[0], row[1], compiled)
    return compiled


def calendar_get(*, code: str) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(code=code).first()
    if calendar is None:
        raise UnknownCalendar(code)
    return calendar


def calendar_list(*, active_only: bool = True) -> list[BusinessCalendar]:
    qs = BusinessCalendar.objects.all()
    return list(qs.filter(is_active=True) if active_only else qs)


def calendar_unpublished_years(
    *, calendar: BusinessCalendar, today: dt.date, ahead: int = 2
) -> list[tuple[int, int]]:
    """(year, days entered by hand) for this year and the next `ahead` whose holidays are unknown.

    Empty for calendars without a holiday source.
    """
    source = holiday_source_for(calendar.holiday_source)
    if source is None:
        return []
    years = [y for y in range(today.year, today.year + ahead + 1) if not source.knows(y)]
    if not years:
        return []
    by_hand = defaultdict(int)
    for day in calendar.days.filter(date__year__in=years).only("date"):
        by_hand[day.date.year] += 1
    return [(y, by_hand[y]) for y in years]


# --- clocks on a case ------------------------------------------------------------------------

# Below this share of the promised service time left, a running clock turns amber.
AMBER_BELOW = 0.25
CLOCK_LABELS = {
    "response": _("Response"),
    "diagnosis": _("Diagnosis"),
    "resolution": _("Resolution"),
    "onsite": _("Onsite arrival"),
}
COLOUR_CSS = {"green": "success", "amber": "warning", "red": "danger", "grey": "secondary"}


@dataclass(frozen=True)
class ClockView:
    """One promise as the case page shows it; minutes are service minutes."""

    target: str
    label: str
    minutes: int
    due: dt.datetime | None
    state: str  # running, paused, met, breached (done late or still overdue), stopped
    done_at: dt.datetime | None
    met: bool | None
    breached: bool
    service_left: float | None  # negative when overdue
    wall_left: dt.timedelta | None  # negative when overdue
    colour: str  # green, amber, red, grey

    @property
    def css(self) -> str:
        return COLOUR_CSS[self.colour]

    @property
    def overdue(self) -> bool:
        return self.service_left is not None and self.service_left < 0

    @property
    def service_text(self) -> str:
        return "" if self.service_left is None else minutes_text(abs(self.service_left))

    @property
    def wall_text(self) -> str:
        if self.wall_left is None:
            return ""
        return minutes_text(abs(self.wall_left.total_seconds()) / 60)


def minutes_text(minutes: float) -> str:
    """A duration for people: '3 d 4 h', '2 h 05 min', '7 min'."""
    whole = int(minutes)
    days, rest = divmod(whole, 24 * 60)
    hours_, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours_}
    if hours_:
        return _("%(h)d h %(m)02d min") % {"h": hours_, "m": mins}
    return _("%(m)d min") % {"m": mins}


def _clock_view(clock, cal: CompiledCalendar, now: dt.datetime) -> ClockView:
    from aftersales.sla.calendar import service_minutes_between

    label = CLOCK_LABELS.get(clock.target) or kind_of(clock.subject_kind).target_label(clock.target)
    breached = clock.breached_at is not None
    common = {"target": clock.target, "label": label, "minutes": clock.minutes}
    if clock.completed_at is not None:
        due = clock.breached_at or clock.due_at
        return ClockView(
            **common,
            due=due,
            state="breached" if breached else "met",
            done_at=clock.completed_at,
            met=clock.met,
            breached=breached,
            service_left=None,
            wall_left=None,
            colour="red" if breached else "green",
        )
    if clock.paused_at is not None:
        left = clock.remaining.total_seconds() / 60
        return ClockView(
            **common,
            due=None,
            state="paused",
            done_at=None,
            met=None,
            breached=breached,
            service_left=left,
            wall_left=None,
            colour="grey",
        )
    if clock.stopped_at is not None or clock.due_at is None:
        return ClockView(
            **common,
            due=clock.breached_at or clock.due_at,
            state="breached" if breached else "stopped",
            done_at=None,
            met=None,
            breached=breached,
            service_left=None,
            wall_left=None,
            colour="red" if breached else "grey",
        )
    due = clock.due_at
    if now >= due:
        left = -service_minutes_between(cal, due, now)
    else:
        left = service_minutes_between(cal, now, due)
    if now >= due or breached:
        colour = "red"
    elif clock.minutes and left / clock.minutes < AMBER_BELOW:
        colour = "amber"
    else:
        colour = "green"
    return ClockView(
        **common,
        due=due,
        state="breached" if (breached or now >= due) else "running",
        done_at=None,
        met=None,
        breached=breached or now >= due,
        service_left=left,
        wall_left=due - now,
        colour=colour,
    )


def promise_views(kind: str, subject_id: int, now: dt.datetime) -> list[ClockView]:
    """Each promise of a subject against now: due, met/breached, time left, colour."""
    from aftersales.sla.models import Promise

    order = list(CLOCK_LABELS)
    clocks = sorted(
        Promise.objects.filter(subject_kind=kind, subject_id=subject_id),
        key=lambda c: (order.index(c.target) if c.target in order else len(order), c.target),
    )
    return [_clock_view(clock, compiled_calendar(clock.calendar or "5x8"), now) for clock in clocks]


def promise_views_for(
    kind: str, subject_ids: list[int], now: dt.datetime
) -> dict[int, list[ClockView]]:
    """promise_views() of many subjects in one query (a list page): subject id -> views."""
    from aftersales.sla.models import Promise

    order = list(CLOCK_LABELS)
    rows = sorted(
        Promise.objects.filter(subject_kind=kind, subject_id__in=subject_ids),
        key=lambda c: (order.index(c.target) if c.target in order else len(order), c.target),
    )
    views: dict[int, list[ClockView]] = {}
    for row in rows:
        cal = compiled_calendar(row.calendar or "5x8")
        views.setdefault(row.subject_id, []).append(_clock_view(row, cal, now))
    return views


def sla_clocks(case, now: dt.datetime) -> list[ClockView]:
    """The case's promises (subject kind "case") for templates/sla/_clocks.html."""
    return promise_views("case", case.pk, now)


def escalations_for_subject(kind: str, subject_id: int) -> list:
    """Escalation steps fired on a subject's promises, oldest first, with the answer due."""
    from aftersales.sla.models import EscalationFiring

    return list(
        EscalationFiring.objects.filter(promise__subject_kind=kind, promise__subject_id=subject_id)
        .select_related("rule", "acknowledged_by")
        .order_by("fired_at", "id")
    )


def escalations_for_case(case) -> list:
    return escalations_for_subject("case", case.pk)


# --- managers answering escalations ------------------------------------------------------------

FIRING_NOT_FOUND = _("No such escalation.")
NOT_YOUR_ESCALATION = _("Only a manager of the escalated level can answer this escalation.")
ALREADY_ACKNOWLEDGED = _("This escalation was already answered.")
NOT_A_MANAGER_STEP = _("Only an escalation to managers is answered.")
ESCALATION_KINDS = {
    "remind": _("Reminder"),
    "reassign": _("Reassignment"),
    "notify_managers": _("Manager escalation"),
}


def escalation_answer_check(*, user, firing) -> None:
    """Raise what services.escalation_acknowledge refuses this user for this firing.

    In the service's order: NotFound for anyone but staff, Conflict for a reminder or a
    reassignment (nobody answers those), Forbidden for a manager of another level (admins
    answer every level), Conflict once the firing was answered.
    """
    from aftersales.sla.escalation import has_manager_level  # escalation imports this module

    if not is_staff_member(user):
        raise NotFound(FIRING_NOT_FOUND)
    if firing.rule.action != EscalationAction.NOTIFY_MANAGERS:
        raise Conflict(NOT_A_MANAGER_STEP)
    if not has_manager_level(user, firing.rule):
        raise Forbidden(NOT_YOUR_ESCALATION)
    if firing.acknowledged_at is not None:
        raise Conflict(ALREADY_ACKNOWLEDGED)


def escalation_answerable(*, user, firing) -> bool:
    """Whether escalation_acknowledge would accept this user's answer to this firing now."""
    try:
        escalation_answer_check(user=user, firing=firing)
    except ApplicationError:
        return False
    return True


def escalation_get_for_case(*, case, firing_id: int):
    """The firing if it belongs to this case; NotFound for any other id."""
    from aftersales.sla.models import EscalationFiring

    firing = EscalationFiring.objects.filter(
        promise__subject_kind="case", promise__subject_id=case.pk, pk=firing_id
    ).first()
    if firing is None:
        raise NotFound(FIRING_NOT_FOUND)
    return firing


@dataclass(frozen=True)
class EscalationView:
    """One fired step as the case page shows it, with the managers' answer if one is owed."""

    firing: object  # EscalationFiring, its rule and acknowledged_by loaded
    kind: str
    levels: list[str]
    state: str  # "" (no answer owed), waiting, overdue, answered, answered_late
    can_acknowledge: bool

    @property
    def asks_managers(self) -> bool:
        return self.state != ""

    @property
    def action_key(self) -> str:
        return f"escalation_{self.firing.pk}"  # matches the failed action of its form


def _answer_state(firing, now: dt.datetime) -> str:
    due = firing.ack_due_at
    if firing.acknowledged_at is not None:
        # The same in-time rule as the service's activity row: answered by the due moment.
        return "answered" if due is None or firing.acknowledged_at <= due else "answered_late"
    return "overdue" if due is not None and now > due else "waiting"


def escalations_for_case_page(*, case, user, now: dt.datetime) -> list[EscalationView]:
    """The case's fired steps, oldest first (one query): what fired, the managers' answer due,
    answered or overdue, and whether this user may answer (the service's own check).

    Only manager steps (notify_managers) ask for an answer; reminders and reassignments
    are shown as what happened.
    """
    from aftersales.accounts.models import ManagerLevel
    from aftersales.sla.models import EscalationAction

    level_labels = dict(ManagerLevel.choices)
    views = []
    for firing in escalations_for_case(case):
        rule = firing.rule
        managers = rule.action == EscalationAction.NOTIFY_MANAGERS
        views.append(
            EscalationView(
                firing=firing,
                kind=ESCALATION_KINDS.get(rule.action, rule.action),
                levels=[level_labels.get(level, level) for level in rule.levels]
                if managers
                else [],
                state=_answer_state(firing, now) if managers else "",
                can_acknowledge=managers and escalation_answerable(user=user, firing=firing),
            )
        )
    return views
