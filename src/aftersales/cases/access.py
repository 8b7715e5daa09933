"""Who may do what to a case: one predicate per action (architecture.md rule 6).

Each `can_<action>(user, case)` answers for the person and the case only: their role and
permissions, whether they are on the case or a contact of its customer, and whether a major
request's approval lets the action happen. Which actions a case's status allows is the state
machine's business (`workflow`); `selectors.available_actions` combines the two, and the
services enforce these same predicates.

The predicates that a major request's approval can stop take `approval=False` to leave that part
out: the services answer a person who may not act with 403 before they look at the case's
state, and the missing approval with 409 after it (`services.common.lock_case`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aftersales.accounts.access import can, customer_id_of, has_role, is_staff_member
from aftersales.accounts.predicates import is_customer_of
from aftersales.accounts.roles import Role
from aftersales.cases import workflow
from aftersales.cases.models import ApprovalDecision, Case

VIEW = "cases.view_case"
ADD = "cases.add_case"
ASSIGN = "cases.assign_case"
TAKE_OVER = "cases.take_over_case"
WORK = "cases.work_case"
CHANGE = "cases.change_case"
CLOSE = "cases.close_case"
RECORD_APPROVAL = "cases.record_approval"

# A refused major request must not be processed: it may only be talked about or cancelled.
AFTER_REFUSAL = frozenset({"comment", "cancel"})


# --- building blocks ------------------------------------------------------------------------


def is_on_case(user: Any, case: Case) -> bool:
    """The case's assignee or one of its participants."""
    if user.pk is None:  # anonymous: nobody's assignee, not even an unassigned case's
        return False
    # participants.all() reuses a prefetch when the caller made one (available_actions does).
    return case.assignee_id == user.pk or any(p.pk == user.pk for p in case.participants.all())


def works_cases(user: Any) -> bool:
    """Whether the user works cases at all (on the cases they are on)."""
    return can(user, WORK)


def records_visits(user: Any) -> bool:
    """Engineers record their own visits; the seat records what an engineer phoned in."""
    return can(user, ASSIGN) or can(user, WORK)


def _on_case_or_manager(user: Any, case: Case) -> bool:
    return is_on_case(user, case) or has_role(user, Role.MANAGER, Role.ADMIN)


def major_decision(case: Case) -> str | None:
    """The binding decision on a major request: a refusal wins for good, else the latest."""
    # .all() so a list that prefetched "approvals" asks nothing more per case.
    decisions = [approval.decision for approval in case.approvals.all()]
    if ApprovalDecision.REFUSED in decisions:
        return ApprovalDecision.REFUSED
    return decisions[-1] if decisions else None


def approval_allows(case: Case, action: str) -> bool:
    """Whether a major request's approval lets `action` happen now (any action on other cases,
    except recording an approval: only a major request has one)."""
    if not case.is_major:
        return action != "approval"
    decision = major_decision(case)
    if decision == ApprovalDecision.APPROVED:
        return True
    if decision == ApprovalDecision.REFUSED:
        return action in AFTER_REFUSAL
    return action in workflow.ALLOWED_BEFORE_APPROVAL


def _gate(approval: bool, case: Case, action: str) -> bool:
    return not approval or approval_allows(case, action)


# --- one predicate per action ---------------------------------------------------------------


def can_view(user: Any, case: Case) -> bool:
    """Staff allowed to see cases see every case; a contact their own organisation's."""
    return (is_staff_member(user) and can(user, VIEW)) or is_customer_of(user, case)


def can_create_case(user: Any, customer_id: int | None = None) -> bool:
    """Staff with the permission open cases for anyone; a contact for its own organisation."""
    if can(user, ADD):
        return True
    return customer_id is not None and customer_id_of(user) == customer_id


def can_assign(user: Any, case: Case, *, approval: bool = True) -> bool:
    return can(user, ASSIGN) and _gate(approval, case, "assign")


def can_take_over(user: Any, case: Case, *, approval: bool = True) -> bool:
    """Any engineer or expert may take over a case that is not already theirs."""
    return (
        can(user, TAKE_OVER) and case.assignee_id != user.pk and _gate(approval, case, "take_over")
    )


def can_work(user: Any, case: Case, *, approval: bool = True) -> bool:
    """Respond, diagnose, wait, resume, escalate, hand to RMA, resolve: the permission and being
    on the case (managers and admins: any case), once a major request is approved."""
    return works_cases(user) and _on_case_or_manager(user, case) and _gate(approval, case, "work")


def can_update_vendor_case(user: Any, case: Case) -> bool:
    """The vendor case (原厂) is the work of the engineers on the case."""
    return works_cases(user) and _on_case_or_manager(user, case)


def can_confirm(user: Any, case: Case, *, approval: bool = True) -> bool:
    """The customer accepts the resolution; staff who work cases record a phone confirmation."""
    return (is_customer_of(user, case) or works_cases(user)) and _gate(approval, case, "confirm")


def can_reject(user: Any, case: Case, *, approval: bool = True) -> bool:
    return (is_customer_of(user, case) or works_cases(user)) and _gate(approval, case, "reject")


def can_reopen(user: Any, case: Case, *, approval: bool = True) -> bool:
    return (is_customer_of(user, case) or works_cases(user)) and _gate(approval, case, "reopen")


def can_close(user: Any, case: Case, *, approval: bool = True) -> bool:
    """Close a resolved case: closers and those who work cases."""
    return (can(user, CLOSE) or works_cases(user)) and _gate(approval, case, "close")


def can_cancel(user: Any, case: Case) -> bool:
    """Cancel an open case (duplicate, withdrawn): closers only, even a refused major request."""
    return can(user, CLOSE)


def can_comment(user: Any, case: Case) -> bool:
    """Staff and the case's customer's contacts, whatever the case's state or approval."""
    return is_customer_of(user, case) or is_staff_member(user)


def can_comment_internal(user: Any, case: Case) -> bool:
    """Internal notes and files are the staff's: customers never write nor see them."""
    return is_staff_member(user)


def can_add_attachment(user: Any, case: Case) -> bool:
    """A file goes with a comment: whoever may comment may attach one."""
    return can_comment(user, case)


def can_update(user: Any, case: Case, *, approval: bool = True) -> bool:
    """Change the case's priority: editors and the seat that assigns."""
    return (can(user, CHANGE) or can(user, ASSIGN)) and _gate(approval, case, "update")


def can_record_approval(user: Any, case: Case, *, approval: bool = True) -> bool:
    """Record the signed 《重大请求审批表》 of a major request not refused yet."""
    return can(user, RECORD_APPROVAL) and _gate(approval, case, "approval")


def can_record_onsite(user: Any, case: Case, *, approval: bool = True) -> bool:
    """Record a visit step (departed, arrived, finished): the engineers on the case, or the
    seat for any case; once a major request is approved."""
    if not records_visits(user):
        return False
    if not (can(user, ASSIGN) or _on_case_or_manager(user, case)):
        return False
    return _gate(approval, case, "onsite")


Predicate = Callable[[Any, Case], bool]

# Every action of the state machine and the one predicate that says who may take it.
ACTION_PREDICATES: dict[str, Predicate] = {
    "assign": can_assign,
    "take_over": can_take_over,
    "respond": can_work,
    "diagnose": can_work,
    "wait": can_work,
    "resume": can_work,
    "escalate": can_work,
    "rma": can_work,
    "resolve": can_work,
    "confirm": can_confirm,
    "reject": can_reject,
    "close": can_close,
    "cancel": can_cancel,
    "reopen": can_reopen,
    "comment": can_comment,
    "update": can_update,
    "approval": can_record_approval,
    "depart": can_record_onsite,
    "arrive": can_record_onsite,
    "finish": can_record_onsite,
}
