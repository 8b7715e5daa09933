"""What every case write shares: messages, role groups, the row lock, the activity row.

Private to this package: other code imports these names from aftersales.cases.services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, customer_id_of, has_role, is_staff_member
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases import deadlines, workflow
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


def required_text(value: str, field: str = "text", limit: int = LONG_TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(TEXT_REQUIRED, field=field)
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


def lock_case(
    case: Case,
    *,
    version: int | None,
    action: str,
    guard: Callable[[Case], None] | None = None,
) -> Case:
    """Reload the case under a row lock and refuse stale versions and forbidden states.

    `guard` checks the user on the locked row first, so someone who may not act learns
    nothing of the case's state or version (403, not 409).
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if guard is not None:
        guard(locked)
    if version is not None and locked.version != version:
        raise Conflict(STALE, extra={"version": locked.version})
    if not workflow.is_allowed(action, locked.status):
        raise Conflict(
            NOT_IN_STATE % {"action": _t(action), "status": locked.get_status_display()},
            extra={"status": locked.status},
        )
    if locked.is_major and action not in workflow.ALLOWED_BEFORE_APPROVAL:
        decision = major_decision(locked)
        if decision == ApprovalDecision.REFUSED:
            raise Conflict(REFUSED_FOR_GOOD)
        if decision != ApprovalDecision.APPROVED:
            raise Conflict(NEEDS_APPROVAL)
    return locked


def major_decision(case: Case) -> str | None:
    """The binding decision on a major request: a refusal wins for good, else the latest."""
    # .all() so a list that prefetched "approvals" asks nothing more per case.
    decisions = [approval.decision for approval in case.approvals.all()]
    if ApprovalDecision.REFUSED in decisions:
        return ApprovalDecision.REFUSED
    return decisions[-1] if decisions else None


def is_customer_of(user: User, case: Case) -> bool:
    return customer_id_of(user) == case.customer_id and not is_staff_member(user)


def require_work_permission(case: Case, by: User) -> None:
    """The lock_case guard of the work actions: no permission, no word about the state."""
    if not can(by, "cases.work_case"):
        raise Forbidden(NOT_ALLOWED)


def require_worker(case: Case, by: User) -> None:
    """Working a case needs the permission and being on it (assignee or participant)."""
    require_work_permission(case, by)
    if has_role(by, Role.MANAGER, Role.ADMIN):
        return
    if case.assignee_id != by.pk and not case.participants.filter(pk=by.pk).exists():
        raise Forbidden(NOT_ASSIGNEE)


def require_customer_or(case: Case, by: User, permission: str) -> None:
    if not (is_customer_of(by, case) or can(by, permission)):
        raise Forbidden(NOT_ALLOWED)


# Shared by case_resume and by a customer's comment on a waiting case.
def resume_case(case: Case, *, by: User | None, now: dt.datetime, text: str) -> None:
    case.status = Status.IN_PROGRESS if case.diagnosed_at else Status.RESPONDED
    save_case(case, now, "status")
    deadlines.on_resume(case, now)
    record(case, by=by, kind=ActivityKind.RESUMED, now=now, text=text)
