"""Who may do what with spare parts and stock: one predicate per action (architecture rule 6).

Stock belongs to no customer: customer contacts never see it (selectors answer 404), staff
without the permission get 403. The services enforce the same predicates.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.core.errors import Forbidden, NotFound

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
