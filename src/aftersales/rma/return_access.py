"""Who may do what to a return request (退换货), and when: one predicate per action.

RMA administrators, managers and admins act (`rma.work_rma`); every staff role that sees RMAs
reads returns (`rma.view_rma`); a customer's contact requests returns for their own
organisation and reads its returns. The services enforce these predicates: `enforce_who`
first (403), then the state (409).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import customer_id_of, is_staff_member
from aftersales.accounts.predicates import Predicate, Refusal, is_customer_of, staff_with
from aftersales.core.errors import ApplicationError, Conflict
from aftersales.rma.models import ReturnKind, ReturnRequest, ReturnStatus

VIEW = "rma.view_rma"
WORK = "rma.work_rma"

NOT_IN_STATE = _("Not possible while the return is “%(status)s”.")
NOT_FOR_KIND = _("Not possible for a request of kind “%(kind)s”.")


def _viewer(user: Any, obj: ReturnRequest) -> bool:
    return staff_with(VIEW)(user, obj) or is_customer_of(user, obj)


def _requester(user: Any, customer: Any) -> bool:
    """RMA staff for any customer; a contact for their own organisation only."""
    if is_staff_member(user):
        return staff_with(WORK)(user, customer)
    return customer_id_of(user) == customer.pk


def _in(*statuses: str, kind: str = "") -> Refusal:
    def refusal(obj: ReturnRequest) -> ApplicationError | None:
        if kind and obj.kind != kind:
            return Conflict(
                NOT_FOR_KIND % {"kind": obj.get_kind_display()}, extra={"kind": obj.kind}
            )
        if obj.status in statuses:
            return None
        return Conflict(
            NOT_IN_STATE % {"status": obj.get_status_display()}, extra={"status": obj.status}
        )

    return refusal


# See a return: staff who may see RMAs, or a contact of its customer.
can_view = Predicate(_viewer)
# Request a return (obj: the customer it is for).
can_request = Predicate(_requester)
can_approve = Predicate(staff_with(WORK), _in(ReturnStatus.REQUESTED))
can_reject = Predicate(staff_with(WORK), _in(ReturnStatus.REQUESTED))
can_receive = Predicate(staff_with(WORK), _in(ReturnStatus.APPROVED))
can_inspect = Predicate(staff_with(WORK), _in(ReturnStatus.RECEIVED))
can_refund = Predicate(staff_with(WORK), _in(ReturnStatus.PASSED, kind=ReturnKind.RETURN))
# A serious quality problem is exchanged within 3 business days of the request: the new unit
# may go out as soon as the request is approved, before the faulty one is back or inspected.
can_exchange = Predicate(
    staff_with(WORK),
    _in(
        ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.PASSED, kind=ReturnKind.EXCHANGE
    ),
)
# Closed after the refund or the exchange, or after a failed inspection (goods sent back).
can_close = Predicate(
    staff_with(WORK), _in(ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED, ReturnStatus.FAILED)
)


def _worker_or_customer(user: Any, obj: ReturnRequest) -> bool:
    return staff_with(WORK)(user, obj) or is_customer_of(user, obj)


def _open(obj: ReturnRequest) -> ApplicationError | None:
    if obj.is_open:
        return None
    return Conflict(
        NOT_IN_STATE % {"status": obj.get_status_display()}, extra={"status": obj.status}
    )


# Add a photo while the request is open: the customer's evidence, or staff's (evidence or what
# the inspection found; the service keeps the inspection stage to staff).
can_add_photo = Predicate(_worker_or_customer, _open)

# The one table of the return's steps, in their order: forms and the API's hints read it.
ACTIONS: dict[str, Predicate] = {
    "approve": can_approve,
    "reject": can_reject,
    "receive": can_receive,
    "inspect": can_inspect,
    "refund": can_refund,
    "exchange": can_exchange,
    "close": can_close,
}


def available_actions(user: Any, obj: ReturnRequest) -> list[str]:
    """The steps `user` may take on the return now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, obj)]
