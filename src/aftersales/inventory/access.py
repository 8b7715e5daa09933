"""Who may do what with spare parts and stock: one predicate per action (architecture rule 6).

Stock belongs to no customer: customer contacts never see it (selectors answer 404), staff
without the permission get 403. The services enforce the same predicates.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.accounts.predicates import Predicate, is_customer_of, staff_with
from aftersales.core.errors import ApplicationError, Conflict, Forbidden, NotFound

NOT_FOUND = _("Not found.")

VIEW = "inventory.view_stockmove"
VIEW_PARTS = "inventory.view_part"
VIEW_WAREHOUSES = "inventory.view_warehouse"
ADD_PART = "inventory.add_part"
CHANGE_PART = "inventory.change_part"
ADD_WAREHOUSE = "inventory.add_warehouse"
MOVE = "inventory.move_stock"
TAKE_STOCK = "inventory.take_stock"


def _staff_with(user: Any, permission: str) -> bool:
    return is_staff_member(user) and can(user, permission)


def can_view_stock(user: Any) -> bool:
    """Read parts, warehouses, levels and moves: staff who may (keepers, seats, managers)."""
    return _staff_with(user, VIEW)


def can_create_part(user: Any) -> bool:
    return _staff_with(user, ADD_PART)


def can_change_part(user: Any) -> bool:
    return _staff_with(user, CHANGE_PART)


def can_create_warehouse(user: Any) -> bool:
    return _staff_with(user, ADD_WAREHOUSE)


def can_move_stock(user: Any) -> bool:
    """Receive, reserve, release, issue, transfer, book faulty returns and scrap."""
    return _staff_with(user, MOVE)


def can_take_stock(user: Any) -> bool:
    """Open, count and close a stocktake."""
    return _staff_with(user, TAKE_STOCK)


def enforce(allowed: bool, user: Any) -> None:
    """Refuse: 404 for whoever is no staff member (stock's existence leaks nothing), else 403."""
    if allowed:
        return
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)
    raise Forbidden(NOT_ALLOWED)


# --- loaners (备用机): keepers and RMA admins lend and take back; a customer reads their own ---

LOAN_RETURNED = _("This loan is already returned.")


def _loan_viewer(user: Any, loan: Any) -> bool:
    return staff_with(VIEW)(user, loan) or is_customer_of(user, loan)


def _loan_open(loan: Any) -> ApplicationError | None:
    return None if loan.returned_at is None else Conflict(LOAN_RETURNED)


# See a loan: staff who may see stock, or a contact of the borrowing customer.
can_view_loan = Predicate(_loan_viewer)
# Lend a loaner unit (obj: the unit; its state is checked under the row lock).
can_lend = Predicate(staff_with(MOVE))
# Take a loaner back: an open loan only.
can_return_loan = Predicate(staff_with(MOVE), _loan_open)
