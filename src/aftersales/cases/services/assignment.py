"""Who works a case and how urgent it is: assign, take over, change the priority."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import has_role
from aftersales.accounts.models import User
from aftersales.cases import access, deadlines, notifications
from aftersales.cases.models import ActivityKind, Case, Priority, Status
from aftersales.cases.services.common import (
    ALREADY_YOURS,
    ENGINEER_ROLES,
    NOT_AN_ENGINEER,
    lock_case,
    record,
    save_case,
)
from aftersales.core.errors import Conflict, Invalid

TAKEN_OVER_MEANWHILE = _(
    "Someone else took this case over in the meantime; reload it and try again."
)


def _give(case: Case, engineer: User, now: dt.datetime) -> User | None:
    """Make `engineer` the assignee of the locked case (a new case becomes assigned); returns
    the previous assignee."""
    previous = case.assignee
    case.assignee, case.assigned_at = engineer, now
    if case.status == Status.NEW:
        case.status = Status.ASSIGNED
    save_case(case, now, "assignee", "assigned_at", "status")
    return previous


@transaction.atomic
def case_assign(*, case: Case, engineer: User, by: User, version: int | None = None) -> Case:
    """Give the case to an active engineer or expert; a new case becomes assigned."""
    if not (engineer.is_active and has_role(engineer, *ENGINEER_ROLES)):
        raise Invalid(NOT_AN_ENGINEER, field="engineer")
    case = lock_case(case, version=version, action="assign", by=by, may=access.can_assign)
    now = timezone.now()
    previous = _give(case, engineer, now)
    record(
        case,
        by=by,
        kind=ActivityKind.ASSIGNED,
        now=now,
        text=str(engineer),
        data={"to": engineer.username, "from": previous.username if previous else None},
        changes={"assignee": [str(previous) if previous else None, str(engineer)]},
    )
    notifications.assigned(case, engineer=engineer, previous=previous, by=by)
    return case


@transaction.atomic
def case_reassign_overdue(
    *, case: Case, engineer: User, now: dt.datetime, rule_id: int, late: bool
) -> tuple[Case, User | None]:
    """The escalation ladder gives a case nobody answered to the next engineer.

    Called by the SLA sweep (cases.promises): locks the case, bumps its version and records
    the assignment; the sweep queues the messages. Returns the case and its previous assignee.
    """
    case = lock_case(case, version=None, action="assign")
    previous = _give(case, engineer, now)
    record(
        case,
        by=None,
        kind=ActivityKind.ASSIGNED,
        now=now,
        text=str(engineer),
        data={
            "to": engineer.username,
            "from": previous.username if previous else None,
            "sla_rule": rule_id,
            "late": late,
        },
    )
    return case, previous


@transaction.atomic
def case_take_over(*, case: Case, by: User, version: int | None = None) -> Case:
    """Any engineer or expert may take over any open case (Case自动跟踪系统).

    Without `version`, the owner the caller saw (`case` as read) stands in for it: of several
    engineers pressing take-over at once, one wins and the others hear 409, not "done"."""
    seen_assignee_id = case.assignee_id
    case = lock_case(case, version=version, action="take_over", by=by, may=_may_take_over)
    if case.assignee_id == by.pk:
        raise Conflict(ALREADY_YOURS)
    if version is None and case.assignee_id != seen_assignee_id:
        raise Conflict(TAKEN_OVER_MEANWHILE, extra={"version": case.version})
    now = timezone.now()
    previous = _give(case, by, now)
    record(
        case,
        by=by,
        kind=ActivityKind.TAKEN_OVER,
        now=now,
        text=str(by),
        data={"from": previous.username if previous else None},
        changes={"assignee": [str(previous) if previous else None, str(by)]},
    )
    if previous is not None:
        notifications.taken_over(case, previous=previous, by=by)
    return case


def _may_take_over(user: User, case: Case, *, approval: bool = True) -> bool:
    # access.can_take_over; the assignee pressing again is a double click, answered with
    # ALREADY_YOURS (409) after the version and state checks, not refused as an intruder.
    if user.pk is not None and case.assignee_id == user.pk:
        return True
    return access.can_take_over(user, case, approval=approval)


@transaction.atomic
def case_change_priority(
    *, case: Case, by: User, priority: str, version: int | None = None
) -> Case:
    """Change the priority (故障级别); the unfinished SLA promises are recomputed for it."""
    if priority not in Priority.values:
        raise Invalid(_("Choose P1, P2, P3 or P4."), field="priority")
    case = lock_case(case, version=version, action="update", by=by, may=access.can_update)
    if case.priority == priority:
        return case
    now = timezone.now()
    previous = case.priority
    case.priority = priority
    save_case(case, now, "priority")
    deadlines.on_priority_change(case, now)
    record(
        case,
        by=by,
        kind=ActivityKind.UPDATED,
        now=now,
        text=_t("Priority %(old)s → %(new)s") % {"old": previous, "new": priority},
        data={"priority": {"from": previous, "to": priority}},
        changes={"priority": [previous, priority]},
    )
    return case
