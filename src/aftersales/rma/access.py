"""Who may do what to an RMA, and when: one predicate per action (architecture rule 6).

RMA administrators, managers and admins act (`rma.work_rma`); every staff role reads
(`rma.view_rma`); a customer's contact reads their own organisation's RMAs. The services
enforce these predicates: `enforce_who` first (403), then the state (409).
"""

from __future__ import annotations

from collections.abc import Callable
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
from aftersales.rma.models import OPEN_STATUSES, Rma, RmaMode, RmaStatus

VIEW = "rma.view_rma"
WORK = "rma.work_rma"

CASE_NOT_OPEN = _("RMAs are opened from open cases only.")
NOT_IN_STATE = _("Not possible while the RMA is “%(status)s”.")
NOT_AT_VENDOR = _("Only a received faulty part not yet repaired goes to the vendor and back.")
NOT_REPAIRABLE = _("The faulty part must have arrived, be back from the vendor and not repaired.")
NOT_CLOSABLE = _("An RMA closes once the spare is delivered and the faulty part repaired.")


def _viewer(user: Any, rma: Rma) -> bool:
    return staff_with(VIEW)(user, rma) or is_customer_of(user, rma)


def _in(*statuses: str) -> Refusal:
    return in_states(NOT_IN_STATE, *statuses)


def _by_mode(advance: Refusal, after_return: Refusal) -> Refusal:
    """The spare's path differs by mode: after return, it starts once the faulty part is in."""

    def refusal(rma: Rma) -> ApplicationError | None:
        return (advance if rma.mode == RmaMode.ADVANCE else after_return)(rma)

    return refusal


def _when(message: Any, test: Callable[[Rma], bool]) -> Refusal:
    """The repair track runs beside the spare's: its steps ask the moments, not the status."""

    def refusal(rma: Rma) -> ApplicationError | None:
        if rma.status in OPEN_STATUSES and test(rma):
            return None
        return Conflict(message, extra={"status": rma.status})

    return refusal


def _case_open(case: Any) -> ApplicationError | None:
    return None if case.is_open else Conflict(CASE_NOT_OPEN)


def _at_vendor(rma: Rma) -> bool:
    return rma.vendor_sent_at is not None and rma.vendor_back_at is None


# See an RMA: staff who may see RMAs, or a contact of its customer.
can_view = Predicate(_viewer)
# Open an RMA on a case (obj: the case) whose hardware fault is confirmed: an open case.
can_open = Predicate(staff_with(WORK), _case_open)
can_reserve = Predicate(
    staff_with(WORK), _by_mode(_in(RmaStatus.OPENED), _in(RmaStatus.FAULTY_RECEIVED))
)
can_ship = Predicate(staff_with(WORK), _in(RmaStatus.RESERVED))
can_deliver = Predicate(staff_with(WORK), _in(RmaStatus.SHIPPED))
can_faulty_ship = Predicate(
    staff_with(WORK), _by_mode(_in(RmaStatus.DELIVERED), _in(RmaStatus.OPENED))
)
can_faulty_receive = Predicate(staff_with(WORK), _in(RmaStatus.FAULTY_SHIPPED))
can_vendor_send = Predicate(
    staff_with(WORK),
    _when(
        NOT_AT_VENDOR,
        lambda r: (
            r.faulty_received_at is not None and r.repaired_at is None and r.vendor_sent_at is None
        ),
    ),
)
can_vendor_back = Predicate(staff_with(WORK), _when(NOT_AT_VENDOR, _at_vendor))
can_repair = Predicate(
    staff_with(WORK),
    _when(
        NOT_REPAIRABLE,
        lambda r: r.faulty_received_at is not None and r.repaired_at is None and not _at_vendor(r),
    ),
)
can_close = Predicate(
    staff_with(WORK),
    _when(NOT_CLOSABLE, lambda r: r.repaired_at is not None and r.delivered_at is not None),
)
can_cancel = Predicate(
    staff_with(WORK),
    _by_mode(
        _in(RmaStatus.OPENED, RmaStatus.RESERVED),
        _in(RmaStatus.OPENED, RmaStatus.FAULTY_SHIPPED),
    ),
)

# The one table of the RMA's steps, in their order: buttons and the API's hints read it.
ACTIONS: dict[str, Predicate] = {
    "reserve": can_reserve,
    "ship": can_ship,
    "delivered": can_deliver,
    "faulty_shipped": can_faulty_ship,
    "faulty_received": can_faulty_receive,
    "vendor_sent": can_vendor_send,
    "vendor_back": can_vendor_back,
    "repaired": can_repair,
    "close": can_close,
    "cancel": can_cancel,
}


def available_actions(user: Any, rma: Rma) -> list[str]:
    """The steps `user` may take on `rma` now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, rma)]
