"""Who may do what to a complaint (投诉), and when: one predicate per action.

Complaints belong to the complaint officers, a unit apart from service (roles.py, "Customer
voice"): officers receive, send, verify and close (`feedback.handle_complaint`); officers and
managers record a department's answer and result (`feedback.answer_complaint`); dispatchers,
engineers and experts hold no complaint permission at all (403 everywhere). A customer's
contact files complaints for their own organisation and follows their status. Only holders
of `feedback.see_complainant` see who complained anonymously.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import customer_id_of, is_staff_member
from aftersales.accounts.predicates import Predicate, in_states, is_customer_of, staff_with
from aftersales.core.errors import ApplicationError, Conflict
from aftersales.feedback.models import Complaint, ComplaintStatus

VIEW = "feedback.view_complaint"
ADD = "feedback.add_complaint"
HANDLE = "feedback.handle_complaint"
ANSWER = "feedback.answer_complaint"
SEE_COMPLAINANT = "feedback.see_complainant"

NOT_IN_STATE = _("Not possible while the complaint is “%(status)s”.")
NOT_VERIFIED = _("A complaint is closed only when the customer is verified satisfied.")


def _viewer(user: Any, obj: Complaint) -> bool:
    return staff_with(VIEW)(user, obj) or is_customer_of(user, obj)


def _receiver(user: Any, customer: Any) -> bool:
    """Officers for any customer; a contact for their own organisation only."""
    if is_staff_member(user):
        return staff_with(ADD)(user, customer)
    return customer_id_of(user) == customer.pk


def _verified_satisfied(obj: Complaint) -> ApplicationError | None:
    if obj.status == ComplaintStatus.VERIFIED and obj.satisfied:
        return None
    return Conflict(NOT_VERIFIED, extra={"status": obj.status})


def _open(obj: Complaint) -> ApplicationError | None:
    if obj.is_open:
        return None
    return Conflict(
        NOT_IN_STATE % {"status": obj.get_status_display()}, extra={"status": obj.status}
    )


# See a complaint: staff holding view_complaint, or a contact of its customer.
can_view = Predicate(_viewer)
# File a complaint (obj: the customer it is about).
can_receive = Predicate(_receiver)
# The department's answer to the tracking sheet (again after a re-send).
can_answer = Predicate(staff_with(ANSWER), in_states(NOT_IN_STATE, ComplaintStatus.SENT))
# The officer told the customer the answer (or the result) and heard whether they accept it.
can_inform = Predicate(
    staff_with(HANDLE),
    in_states(NOT_IN_STATE, ComplaintStatus.ANSWERED, ComplaintStatus.RESOLVED),
)
# The department's result, corrective actions and the accountable person.
can_resolve = Predicate(staff_with(ANSWER), in_states(NOT_IN_STATE, ComplaintStatus.ANSWERED))
# The officer verifies with the customer: satisfied, or the sheet is re-sent.
can_verify = Predicate(
    staff_with(HANDLE),
    in_states(NOT_IN_STATE, ComplaintStatus.ANSWERED, ComplaintStatus.RESOLVED),
)
can_close = Predicate(staff_with(HANDLE), _verified_satisfied)
# Link or unlink the customer's cases while the complaint is open.
can_link = Predicate(staff_with(HANDLE), _open)
# Print the tracking sheet: it goes to the department, not to the customer.
can_print_sheet = Predicate(staff_with(VIEW))


def can_see_complainant(user: Any, obj: Complaint) -> bool:
    """Who complained: shown unless anonymous, then to complaint officers only."""
    return not obj.anonymous or staff_with(SEE_COMPLAINANT)(user, obj)


def can_see_internal(user: Any, obj: Complaint) -> bool:
    """The department's answer, result and internal timeline rows: staff only, never the
    customer's portal (they hear the outcome from the officer)."""
    return staff_with(VIEW)(user, obj)


# The one table of the complaint's steps, in their order: forms and the API's hints read it.
ACTIONS: dict[str, Predicate] = {
    "answer": can_answer,
    "inform": can_inform,
    "resolve": can_resolve,
    "verify": can_verify,
    "close": can_close,
}


def available_actions(user: Any, obj: Complaint) -> list[str]:
    """The steps `user` may take on the complaint now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, obj)]
