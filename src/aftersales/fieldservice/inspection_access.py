"""Who may do what to inspection plans and visits (巡检), and when: one predicate per action.

The seat, service managers and managers plan and move visits (`add_inspectionplan`,
`change_inspectionvisit`); engineers and experts carry them out (`work_visit`); every field
service role reads them (`view_inspectionvisit`); a customer's contact reads their own
organisation's visits and reports on the portal. Services enforce these: 403 first, then 409.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.predicates import Predicate, in_states, is_customer_of, staff_with
from aftersales.fieldservice.models import OPEN_VISIT_STATUSES, VisitStatus

VIEW_PLAN = "fieldservice.view_inspectionplan"
ADD_PLAN = "fieldservice.add_inspectionplan"
VIEW = "fieldservice.view_inspectionvisit"
CHANGE = "fieldservice.change_inspectionvisit"
WORK = "fieldservice.work_visit"

NOT_IN_STATE = _("Not possible while the visit is “%(status)s”.")


def _viewer(user: Any, obj: Any) -> bool:
    return staff_with(VIEW)(user, obj) or is_customer_of(user, obj)


_open = in_states(NOT_IN_STATE, *OPEN_VISIT_STATUSES)

# See a visit (and its report): field service staff, or a contact of its customer.
can_view = Predicate(_viewer)
# Generate a contract year's plan (obj: the contract).
can_plan = Predicate(staff_with(ADD_PLAN))
# Move an open visit to another day, with a reason.
can_move = Predicate(staff_with(CHANGE), _open)
# On site: the checklist, findings, configuration changes, the signature, completion.
can_work = Predicate(staff_with(WORK), _open)
can_complete = Predicate(staff_with(WORK), _open)
# Open a case from a finding: the engineer on site (the case service checks its own rule too).
can_open_case = Predicate(
    staff_with(WORK), in_states(NOT_IN_STATE, *OPEN_VISIT_STATUSES, VisitStatus.DONE)
)

ACTIONS: dict[str, Predicate] = {
    "move": can_move,
    "checks": can_work,
    "findings": can_work,
    "changes": can_work,
    "sign": can_work,
    "complete": can_complete,
}


def available_actions(user: Any, obj: Any) -> list[str]:
    """The steps `user` may take on the visit now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, obj)]
