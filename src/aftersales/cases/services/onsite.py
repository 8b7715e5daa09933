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

from aftersales.accounts.access import can, has_role
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases import deadlines, workflow
from aftersales.cases.models import Activity, ActivityKind, Case
from aftersales.cases.services.common import (
    NOT_ALLOWED,
    NOT_ASSIGNEE,
    lock_case,
    record,
    save_case,
)
from aftersales.core.errors import Conflict, Forbidden, Invalid
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


# --- who and when (one predicate: the service, the API and the case page ask it) -----------


def _may_record_visits(user: Any) -> bool:
    # The seat records what the engineer phoned in; engineers record their own visits.
    return can(user, "cases.assign_case") or can(user, "cases.work_case")


def _is_on_case(user: Any, case: Case) -> bool:
    if can(user, "cases.assign_case") or has_role(user, Role.MANAGER, Role.ADMIN):
        return True
    # participants.all() reuses a prefetch when the caller made one.
    return case.assignee_id == user.pk or any(p.pk == user.pk for p in case.participants.all())


def last_visit_step(case: Case) -> Activity | None:
    """The case's latest visit activity (departed, arrived or finished), or None."""
    return case.activities.filter(kind__in=VISIT_KINDS).order_by("-at", "-id").first()


def can_record_onsite(user: Any, case: Case, step: str, last: Activity | None = None) -> bool:
    """Whether `user` may record `step` on `case` now: role, on the case, state and order."""
    if not (_may_record_visits(user) and _is_on_case(user, case)):
        return False
    if not workflow.is_allowed(step, case.status):
        return False
    return step in NEXT_STEPS[last.kind if last is not None else None]


def onsite_steps(user: Any, case: Case) -> dict[str, Any]:
    """The case page's visit panel: the last step recorded and the steps the user may take."""
    last = last_visit_step(case)
    allowed = [s for s in (DEPART, ARRIVE, FINISH) if can_record_onsite(user, case, s, last)]
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

    def guard(locked: Case) -> None:
        if not _may_record_visits(by):
            raise Forbidden(NOT_ALLOWED)
        if not _is_on_case(by, locked):
            raise Forbidden(NOT_ASSIGNEE)

    case = lock_case(case, version=version, action=step, guard=guard)
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
