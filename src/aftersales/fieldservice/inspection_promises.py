"""The inspection visit as a subject of the promise engine (subject kind "inspection_visit").

One promise per visit, target "visit", on the operations calendar "5x8": the engine's
NTH_BUSINESS_DAY rule (17:00 of the 1st business day after its start) started on the eve of
the planned day, so it is due at the end of the planned day's business hours. Moving the visit
starts it again from the new eve (a breach already recorded stays: penalties read it);
completing the visit meets it, or records it missed when late. The visit keeps a copy of the
due moment (`due_at`) for the overdue list; the engine owns it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_noop

from aftersales.fieldservice.models import OPEN_VISIT_STATUSES, InspectionVisit, VisitEventKind
from aftersales.sla import clockwork
from aftersales.sla.calendar import CompiledCalendar
from aftersales.sla.models import DueRule, Promise
from aftersales.sla.numbered import NumberedSubject

KIND = "inspection_visit"
VISIT = "visit"
CALENDAR = "5x8"


@dataclass(frozen=True)
class VisitSubject(NumberedSubject):
    """A visit has no number of its own: it is named by its contract and sequence."""

    def labels(self, ids: Sequence[int]) -> dict[int, str]:
        rows = InspectionVisit.objects.filter(pk__in=ids).select_related("contract")
        return {v.pk: str(v) for v in rows}


VISITS = VisitSubject(
    kind=KIND,
    model=InspectionVisit,
    calendar_code=CALENDAR,
    notice_kind=VisitEventKind.NOTICE,
    url_name="inspections:visit",
    target_labels={VISIT: gettext_noop("inspection visit")},
    breach_text=gettext_noop("Inspection visit: %(target)s missed (due %(due)s)."),
    is_active=lambda visit: visit.status in OPEN_VISIT_STATUSES,
    view_perm="fieldservice.view_inspectionvisit",
    by_pk=True,
    tracks_next_due=False,
)
promise_rows = VISITS.promise_rows


def calendar() -> CompiledCalendar:
    return VISITS.calendar()


def eve(day: dt.date) -> dt.datetime:
    """The promise's start: the local midnight before the planned day."""
    return dt.datetime.combine(
        day - dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_default_timezone()
    )


def new_visit_promise(
    visit: InspectionVisit, cal: CompiledCalendar, *, planned_on: dt.date
) -> Promise:
    """The visit's unsaved promise (subject id set when the visit has one), due at the end of
    the planned day's business hours; the bulk generator stores many at once."""
    promise = clockwork.new_promise(
        kind=KIND,
        target=VISIT,
        minutes=1,
        now=eve(planned_on),
        cal=cal,
        rule=DueRule.NTH_BUSINESS_DAY,
        customer_id=visit.customer_id,
        contract_id=visit.contract_id,
    )
    promise.subject_id = visit.pk
    return promise


def store(promises: list[Promise], cal: CompiledCalendar) -> list[Promise]:
    """Save new promises of saved visits in one INSERT, their sweep checks planned."""
    clockwork.plan_checks(promises, cal=cal, fired={})
    return Promise.objects.bulk_create(promises)


def move(visit: InspectionVisit, planned_on: dt.date) -> dt.datetime | None:
    """Start the visit's promise again from the new day's eve; returns the new due moment."""
    cal = calendar()
    promises = [p for p in VISITS.promises_of(visit) if p.target == VISIT]
    if not promises:
        promise = new_visit_promise(visit, cal, planned_on=planned_on)
        store([promise], cal)
        return promise.due_at
    promise = promises[0]
    promise.started_at = promise.running_since = eve(planned_on)
    promise.due_at = clockwork.due(cal, promise)
    clockwork.plan_checks([promise], cal=cal)
    Promise.objects.filter(pk=promise.pk).update(
        started_at=promise.started_at,
        running_since=promise.running_since,
        due_at=promise.due_at,
        next_check_at=promise.next_check_at,
    )
    return promise.due_at


def complete(visit: InspectionVisit, at: dt.datetime) -> Promise | None:
    """The visit was done at `at`: its promise is met, or missed when late."""
    return VISITS.complete(visit, VISIT, at)


def stop(visit: InspectionVisit, at: dt.datetime) -> None:
    VISITS.stop(visit, at)


def register() -> None:
    VISITS.register()
