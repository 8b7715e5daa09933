"""Who may do what in the callback programme (电话询检 / 回访): one predicate per action.

Seats, managers and admins work the call list (`feedback.work_callback`); managers and admins
build it (`feedback.generate_callbacks`) and record a department's solution to a problem
(`feedback.solve_callback_item`). Engineers, experts and customers get none of it: callbacks
are the service's check on its own work. The services enforce these predicates: `enforce_who`
first (403), then the state (409).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member
from aftersales.accounts.predicates import Predicate, in_states, staff_with
from aftersales.feedback.models import CallbackItemStatus, CallbackStatus

VIEW = "feedback.view_callback"
WORK = "feedback.work_callback"
GENERATE = "feedback.generate_callbacks"
SOLVE = "feedback.solve_callback_item"

CALLBACK_NOT_OPEN = _("Not possible while the callback is “%(status)s”.")
ITEM_NOT_IN_STATE = _("Not possible while the problem is “%(status)s”.")


def sees_callbacks(user: Any) -> bool:
    return is_staff_member(user) and can(user, VIEW)


can_view = Predicate(staff_with(VIEW))
# Build the call list (obj: unused, the period).
can_generate = Predicate(staff_with(GENERATE))
# Record a call: only while the callback is due or waiting for its retry.
can_attempt = Predicate(
    staff_with(WORK), in_states(CALLBACK_NOT_OPEN, CallbackStatus.DUE, CallbackStatus.RETRY)
)
# Raise a problem heard on the call: during the call (still open) or after it was done.
can_raise = Predicate(
    staff_with(WORK),
    in_states(CALLBACK_NOT_OPEN, CallbackStatus.DUE, CallbackStatus.RETRY, CallbackStatus.DONE),
)
can_solve = Predicate(staff_with(SOLVE), in_states(ITEM_NOT_IN_STATE, CallbackItemStatus.OPEN))
can_tell = Predicate(staff_with(WORK), in_states(ITEM_NOT_IN_STATE, CallbackItemStatus.SOLVED))
can_confirm = Predicate(staff_with(WORK), in_states(ITEM_NOT_IN_STATE, CallbackItemStatus.TOLD))

# The problem's steps, in their order: forms and the API's hints read it.
ITEM_ACTIONS: dict[str, Predicate] = {
    "solve": can_solve,
    "tell": can_tell,
    "confirm": can_confirm,
}


def available_item_actions(user: Any, item: Any) -> list[str]:
    """The steps `user` may take on the problem now, in the table's order."""
    return [name for name, allowed in ITEM_ACTIONS.items() if allowed(user, item)]
