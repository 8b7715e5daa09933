"""What every case write shares: messages, role groups, the row lock, the activity row.

Private to this package: other code imports these names from aftersales.cases.services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases import access, deadlines, workflow
from aftersales.cases.access import major_decision
from aftersales.cases.models import Activity, ActivityKind, ApprovalDecision, Case, Status
from aftersales.core import timeline
from aftersales.core.errors import Conflict, Forbidden, Invalid
from aftersales.core.schema_types import LONG_TEXT_MAX, bounded_text

NOT_ALLOWED = _("You are not allowed to do this.")
STALE = _("This case was changed by someone else in the meantime; reload it and try again.")
NOT_IN_STATE = _("“%(action)s” is not possible while the case is %(status)s.")
NEEDS_APPROVAL = _(
    "This is a major request: nothing can be done before its approval form says yes."
)
REFUSED_FOR_GOOD = _("This major request was refused; it must not be processed.")
NOT_MAJOR = _("Only a major request takes an approval form.")
TEXT_REQUIRED = _("Please write a text.")
NOT_AN_ENGINEER = _("Choose an active engineer or expert.")
UNKNOWN_CASE_TYPE = _("Unknown case type.")
UNKNOWN_CONTACT = _("This contact does not belong to the customer.")
UNKNOWN_SERIAL = _("This serial number is not registered for the customer.")
ALREADY_YOURS = _("The case is already assigned to you.")
NOT_ASSIGNEE = _(
    "Only the assigned engineer or a participant can do this; take the case over first."
)
CUSTOMERS_NO_INTERNAL = _("Customers cannot write internal notes.")
EXPERT_REQUIRED = _("Choose an expert.")
VENDOR_REQUIRED = _("Name the vendor.")

ENGINEER_ROLES = (Role.ENGINEER, Role.EXPERT)


def required_text(
    value: str, field: str = "text", limit: int = LONG_TEXT_MAX, message: Any = TEXT_REQUIRED
) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(message, field=field)
    return bounded_text(value, field=field, limit=limit)


def record(
    case: Case,
    *,
    by: User | None,
    kind: str,
    now: dt.datetime,
    text: str = "",
    internal: bool = False,
    data: dict | None = None,
    changes: dict | None = None,
) -> Activity:
    return timeline.record(
        subject=case,
        at=now,
        actor=by,
        kind=kind,
        text=text,
        internal=internal,
        data=data,
        changes=changes,
        customer_id=case.customer_id,
    )


def save_case(case: Case, now: dt.datetime, *fields: str) -> None:
    case.version += 1
    case.updated_at = now
    case.save(update_fields=[*fields, "version", "updated_at"])


def require(
    predicate: Callable[[Any, Case], bool], user: User, case: Case, *, message: Any = NOT_ALLOWED
) -> None:
    """Refuse (403, `message`) unless `predicate(user, case)`: one of cases.access's."""
    if not predicate(user, case):
        raise Forbidden(message)


def lock_case(
    case: Case,
    *,
    version: int | None,
    action: str,
    by: User | None = None,
    may: Callable[..., bool] | None = None,
    message: Any = NOT_ALLOWED,
    first: Callable[[Any], bool] | None = None,
) -> Case:
    """Reload the case under a row lock; refuse who may not, stale versions, forbidden states.

    `may` is the action's predicate (cases.access) for `by`. Someone who may not act learns
    nothing of the case's state or version: `first` (a check of the user alone, 403), or else
    `may` without the major request's approval (403 `message`), comes before them. `may` in full
    comes after them: 403 `message` for the person, 409 for a missing or refused approval.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if first is not None and not first(by):
        raise Forbidden(NOT_ALLOWED)
    if first is None and may is not None and not may(by, locked, approval=False):
        raise Forbidden(message)
    if version is not None and locked.version != version:
        raise Conflict(STALE, extra={"version": locked.version})
    if not workflow.is_allowed(action, locked.status):
        raise Conflict(
            NOT_IN_STATE % {"action": _t(action), "status": locked.get_status_display()},
            extra={"status": locked.status},
        )
    if may is not None and not may(by, locked):
        if not may(by, locked, approval=False):
            raise Forbidden(message)
        raise Conflict(approval_refusal(locked))
    return locked


def lock_for_work(case: Case, *, by: User, version: int | None, action: str) -> Case:
    """Lock the case for one of the work actions: access.can_work, the version and the state.

    Who may not work cases at all hears no before the state; a worker who is not on the case
    hears after it to take the case over first (NOT_ASSIGNEE)."""
    return lock_case(
        case,
        version=version,
        action=action,
        by=by,
        may=access.can_work,
        message=NOT_ASSIGNEE,
        first=access.works_cases,
    )


def approval_refusal(case: Case) -> Any:
    """Why a major request's approval stops an action: none yet, refused, or not major."""
    if not case.is_major:
        return NOT_MAJOR
    if major_decision(case) == ApprovalDecision.REFUSED:
        return REFUSED_FOR_GOOD
    return NEEDS_APPROVAL


# Shared by case_resume and by a customer's comment on a waiting case.
def resume_case(case: Case, *, by: User | None, now: dt.datetime, text: str) -> None:
    case.status = Status.IN_PROGRESS if case.diagnosed_at else Status.RESPONDED
    save_case(case, now, "status")
    deadlines.on_resume(case, now)
    record(case, by=by, kind=ActivityKind.RESUMED, now=now, text=text)
