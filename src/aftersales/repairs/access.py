"""Who may do what to a repair order, and when: one predicate per action (architecture rule 6).

`can_<action>(user, obj)` answers pages, templates and the API; the services enforce the same
predicate: `enforce_who` before validating input (403 for who the user is), `enforce` on the
locked row (409 naming the state that rules the action out). Nothing else decides.
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
from aftersales.contracts.entitlement import reason_text
from aftersales.core.errors import ApplicationError, Conflict
from aftersales.repairs.models import RepairOrder, RepairStatus, ServiceMode

CASE_NOT_OPEN = _("Repair orders are opened from open cases only.")
NOT_IN_STATE = _("Not possible while the repair order is “%(status)s”.")
FREE_NO_QUOTE = _("This repair is free for the customer (%(reason)s): no quote is needed.")
QUOTE_NOT_APPROVED = _("Out of warranty: the customer must approve the quote before work starts.")
NOT_CARRY_IN = _("Only carry-in repairs are received at and returned from the service centre.")
ALREADY_RECEIVED = _("The product was already received.")
NOT_RECEIVED = _("The product was never received at the service centre.")
ALREADY_RETURNED = _("The device was already returned to the customer.")
STOCK_PARTS_HELD = _("Return the parts drawn from stock before cancelling.")

VIEW = "repairs.view_repairorder"
ADD = "repairs.add_repairorder"
WORK = "repairs.change_repairorder"
RECORD_APPROVAL = "repairs.record_quote_approval"
# Drawing a part books a stock move: the stock keeper's permission as well as the repair's.

# Diagnosis, parts and time may change until the repair is tested (then it is the customer's).
EDITABLE = (RepairStatus.NEW, RepairStatus.QUOTED, RepairStatus.APPROVED, RepairStatus.IN_PROGRESS)
CANCELLABLE = (RepairStatus.NEW, RepairStatus.QUOTED, RepairStatus.APPROVED)


# --- who ---


def _viewer(user: Any, order: RepairOrder) -> bool:
    return staff_with(VIEW)(user, order) or is_customer_of(user, order)


# --- when: the states in which each action exists ---


def _in(*statuses: str) -> Refusal:
    return in_states(NOT_IN_STATE, *statuses)


def _case_open(case: Any) -> ApplicationError | None:
    return None if case.is_open else Conflict(CASE_NOT_OPEN)


def _quotable(order: RepairOrder) -> ApplicationError | None:
    error = _in(RepairStatus.NEW)(order)
    if error is None and not order.chargeable:
        error = Conflict(FREE_NO_QUOTE % {"reason": reason_text(order.entitlement_reason)})
    return error


def _startable(order: RepairOrder) -> ApplicationError | None:
    # A paid order still waiting for its quote gets the specific message, not "not possible".
    if order.chargeable and order.status in (RepairStatus.NEW, RepairStatus.QUOTED):
        return Conflict(QUOTE_NOT_APPROVED, extra={"status": order.status})
    return _in(RepairStatus.APPROVED if order.chargeable else RepairStatus.NEW)(order)


def _receivable(order: RepairOrder) -> ApplicationError | None:
    if order.service_mode != ServiceMode.CARRY_IN:
        return Conflict(NOT_CARRY_IN)
    if order.received_at is not None:
        return Conflict(ALREADY_RECEIVED)
    return _in(*EDITABLE)(order)


def _returnable(order: RepairOrder) -> ApplicationError | None:
    if order.service_mode != ServiceMode.CARRY_IN:
        return Conflict(NOT_CARRY_IN)
    if order.received_at is None:
        return Conflict(NOT_RECEIVED)
    if order.device_returned_at is not None:
        return Conflict(ALREADY_RETURNED)
    return _in(RepairStatus.VERIFIED, RepairStatus.SIGNED_OFF)(order)


def _cancellable(order: RepairOrder) -> ApplicationError | None:
    error = _in(*CANCELLABLE)(order)
    if error is None and order.parts.filter(stock_move__isnull=False).exists():
        error = Conflict(STOCK_PARTS_HELD)
    return error


# --- the predicates ---

# See an order: staff who may see repairs, or a contact of the order's customer.
can_view = Predicate(_viewer)
# Open an order on a case (obj: the case): staff who add repairs, on an open case.
can_open = Predicate(staff_with(ADD), _case_open)
# Record diagnosis, decision, parts, labour and travel: until the repair is verified.
can_record_work = Predicate(staff_with(WORK), _in(*EDITABLE))
# Send the quote of a paid order while it is being diagnosed.
can_quote = Predicate(staff_with(WORK), _quotable)
# Start the work: a free order at once, a paid one once its quote is approved.
can_start = Predicate(staff_with(WORK), _startable)
# Cancel before work starts.
can_cancel = Predicate(staff_with(WORK), _cancellable)
# Staff record the customer's answer to a quote (by phone).
can_record_approval = Predicate(staff_with(RECORD_APPROVAL), _in(RepairStatus.QUOTED))
# The customer's contact approves or refuses the quote on the portal.
can_approve_quote = Predicate(is_customer_of, _in(RepairStatus.QUOTED))
# Record the test results: the repair is verified.
can_verify = Predicate(staff_with(WORK), _in(RepairStatus.IN_PROGRESS))
# The customer signs off on the engineer's screen (staff hold the tablet).
can_sign_off = Predicate(staff_with(WORK), _in(RepairStatus.VERIFIED))
# The customer's contact confirms the verified repair on the portal.
can_confirm = Predicate(is_customer_of, _in(RepairStatus.VERIFIED))

# Carry-in: the service centre received the product (the 72-hour return promise starts).
can_receive = Predicate(staff_with(WORK), _receivable)
# Carry-in: the repaired device goes back to the customer (the promise is met or missed).
can_return_device = Predicate(staff_with(WORK), _returnable)
# Draw a part from stock, or put an unverified one back: whoever works the repair (the
# engineer at the bench takes the part; the ledger names them), not only the stock keepers.
can_draw_part = Predicate(staff_with(WORK), _in(*EDITABLE))

# The one table of what may be done to an order: buttons, the API's hints and the tests read it.
ACTIONS: dict[str, Predicate] = {
    "record_work": can_record_work,
    "quote": can_quote,
    "start": can_start,
    "cancel": can_cancel,
    "record_approval": can_record_approval,
    "approve_quote": can_approve_quote,
    "verify": can_verify,
    "sign_off": can_sign_off,
    "confirm": can_confirm,
    "receive": can_receive,
    "return_device": can_return_device,
    "draw_part": can_draw_part,
}


def available_actions(user: Any, order: RepairOrder) -> list[str]:
    """The actions `user` may take on `order` now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, order)]
