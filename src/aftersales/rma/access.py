"""Who may do what to an RMA, and when: one predicate per action (architecture rule 6).

RMA administrators, managers and admins act (`rma.work_rma`); every staff role reads
(`rma.view_rma`); a customer's contact reads their own organisation's RMAs. The services
enforce these predicates: `enforce_who` first (403), then the state (409).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.predicates import (
    Predicate,
    Refusal,
    in_states,
    is_customer_of,
    staff_with,
)
from aftersales.core.errors import ApplicationError, Conflict
from aftersales.rma.models import Rma, RmaStatus

VIEW = "rma.view_rma"
WORK = "rma.work_rma"

CASE_NOT_OPEN = _("RMAs are opened from open cases only.")
NOT_IN_STATE = _("Not possible while the RMA is “%(status)s”.")


def _viewer(user: Any, rma: Rma) -> bool:
    return staff_with(VIEW)(user, rma) or is_customer_of(user, rma)


def _in(*statuses: str) -> Refusal:
    return in_states(NOT_IN_STATE, *statuses)


def _case_open(case: Any) -> ApplicationError | None:
    return None if case.is_open else Conflict(CASE_NOT_OPEN)


# See an RMA: staff who may see RMAs, or a contact of its customer.
can_view = Predicate(_viewer)
# Open an RMA on a case (obj: the case) whose hardware fault is confirmed: an open case.
can_open = Predicate(staff_with(WORK), _case_open)
can_reserve = Predicate(staff_with(WORK), _in(RmaStatus.OPENED))
can_ship = Predicate(staff_with(WORK), _in(RmaStatus.RESERVED))
can_deliver = Predicate(staff_with(WORK), _in(RmaStatus.SHIPPED))
can_faulty_ship = Predicate(staff_with(WORK), _in(RmaStatus.DELIVERED))
can_faulty_receive = Predicate(staff_with(WORK), _in(RmaStatus.FAULTY_SHIPPED))
can_repair = Predicate(staff_with(WORK), _in(RmaStatus.FAULTY_RECEIVED))
can_close = Predicate(staff_with(WORK), _in(RmaStatus.REPAIRED))
can_cancel = Predicate(staff_with(WORK), _in(RmaStatus.OPENED, RmaStatus.RESERVED))

# The one table of the RMA's steps, in their order: buttons and the API's hints read it.
ACTIONS: dict[str, Predicate] = {
    "reserve": can_reserve,
    "ship": can_ship,
    "delivered": can_deliver,
    "faulty_shipped": can_faulty_ship,
    "faulty_received": can_faulty_receive,
    "repaired": can_repair,
    "close": can_close,
    "cancel": can_cancel,
}


def available_actions(user: Any, rma: Rma) -> list[str]:
    """The steps `user` may take on `rma` now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, rma)]
