"""The engineer's visit to the site: departed, arrived (the onsite promise), finished.

A visit is recorded as case activities only: `departed` (optional), `arrived`, `finished`, in
that order; after `finished` a new visit may start. Each step may be back-dated with `at` (the
engineer had no signal onsite), never into the future nor before the case's previous step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases import access, deadlines, workflow
from aftersales.cases.models import Activity, ActivityKind, Case
from aftersales.cases.services.common import (
    NOT_ALLOWED,
    NOT_ASSIGNEE,
    lock_case,
    record,
    save_case,
)
from aftersales.core.errors import Conflict, Invalid
from aftersales.core.schema_types import LONG_TEXT_MAX, bounded_text

# The activity kinds of a visit, in ActivityKind with the other kinds of a case.
VISIT_KINDS = (ActivityKind.DEPARTED, ActivityKind.ARRIVED, ActivityKind.FINISHED)
DEPART, ARRIVE, FINISH = "depart", "arrive", "finish"
STEP_KIND = {
    DEPART: ActivityKind.DEPARTED,
    ARRIVE: ActivityKind.ARRIVED,
    FINISH: ActivityKind.FINISHED,
}
# The step a visit may take after its last recorded kind (None: no visit yet).
NEXT_STEPS: dict[str | None, frozenset[str]] = {
    None: frozenset({DEPART, ARRIVE}),
    ActivityKind.FINISHED: frozenset({DEPART, ARRIVE}),
    ActivityKind.DEPARTED: frozenset({ARRIVE}),
    ActivityKind.ARRIVED: frozenset({FINISH}),
}

AT_IN_FUTURE = _("This moment is still in the future.")
AT_BEFORE_CASE = _("This moment lies before the case was opened.")
AT_BEFORE_PREVIOUS = _("This moment lies before the case's previous step (%(previous)s).")
OUT_OF_ORDER = _("“%(step)s” does not follow the visit's last step (%(last)s).")


# --- when: who may is access.can_record_onsite -----------------------------------------------


def last_visit_step(case: Case) -> Activity | None:
    """The case's latest visit activity (departed, arrived or finished), or None."""
    return case.activities.filter(kind__in=VISIT_KINDS).order_by("-at", "-id").first()


def onsite_steps(user: Any, case: Case) -> dict[str, Any]:
    """The case page's visit panel: the last step recorded and the steps the user may take
    (access.can_record_onsite, the case's state and the visit's order)."""
    last = last_visit_step(case)
    allowed = []
    if access.can_record_onsite(user, case):
        following = NEXT_STEPS[last.kind if last is not None else None]
        allowed = [
            s
            for s in (DEPART, ARRIVE, FINISH)
            if workflow.is_allowed(s, case.status) and s in following
        ]
    return {"last": last, "steps": allowed}


# --- the steps ------------------------------------------------------------------------------


def _moment(
    at: dt.datetime | None, *, now: dt.datetime, case: Case, last: Activity | None
) -> dt.datetime:
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now:
        raise Invalid(AT_IN_FUTURE, field="at")
    if at < case.created_at:
        raise Invalid(AT_BEFORE_CASE, field="at")
    if last is not None and at < last.at:
        previous = timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M")
        raise Invalid(AT_BEFORE_PREVIOUS % {"previous": previous}, field="at")
    return at


def _record_step(
    *,
    case: Case,
    by: User,
    step: str,
    at: dt.datetime | None,
    text: str,
    version: int | None,
) -> Case:
    text = bounded_text((text or "").strip(), field="text", limit=LONG_TEXT_MAX)

    # An engineer who is not on the case hears to take it over first; anyone else, no.
    message = NOT_ASSIGNEE if access.records_visits(by) else NOT_ALLOWED
    case = lock_case(
        case, version=version, action=step, by=by, may=access.can_record_onsite, message=message
    )
    last = last_visit_step(case)
    if step not in NEXT_STEPS[last.kind if last is not None else None]:
        last_label = ActivityKind(last.kind).label if last is not None else "—"
        raise Conflict(OUT_OF_ORDER % {"step": STEP_KIND[step].label, "last": last_label})
    now = timezone.now()
    moment = _moment(at, now=now, case=case, last=last)
    save_case(case, now)
    if step == ARRIVE:
        # The onsite promise counts from the moment the engineer arrived, not from the record.
        deadlines.on_onsite_arrival(case, moment)
    data = {"recorded_at": now.isoformat()} if moment != now else {}
    record(case, by=by, kind=STEP_KIND[step], now=moment, text=text, data=data)
    return case


@transaction.atomic
def case_depart(
    *,
    case: Case,
    by: User,
    at: dt.datetime | None = None,
    text: str = "",
    version: int | None = None,
) -> Case:
    """The engineer set off for the site."""
    return _record_step(case=case, by=by, step=DEPART, at=at, text=text, version=version)


@transaction.atomic
def case_arrive(
    *,
    case: Case,
    by: User,
    at: dt.datetime | None = None,
    text: str = "",
    version: int | None = None,
) -> Case:
    """The engineer is onsite: completes the case's onsite promise (met if `at` ≤ due)."""
    return _record_step(case=case, by=by, step=ARRIVE, at=at, text=text, version=version)


@transaction.atomic
def case_finish(
    *,
    case: Case,
    by: User,
    at: dt.datetime | None = None,
    text: str = "",
    version: int | None = None,
) -> Case:
    """The engineer finished the work onsite and left."""
    return _record_step(case=case, by=by, step=FINISH, at=at, text=text, version=version)
