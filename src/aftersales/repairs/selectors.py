"""Reads on repair orders, scoped like their cases: contacts see their own organisation's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, scope_to_customer
from aftersales.core.errors import ApplicationError, Forbidden, NotFound
from aftersales.inventory import selectors as inventory_selectors
from aftersales.repairs import promises
from aftersales.repairs.models import CLOSED_STATUSES, FaultCategory, RepairOrder, RepairStatus
from aftersales.sla.models import Promise
from aftersales.sla.numbered import is_late

NOT_FOUND = _("Not found.")


def repairs_for_user(user: Any) -> QuerySet[RepairOrder]:
    """Every order for staff who may see repairs, a contact's own customer's; none otherwise."""
    try:
        return scope_to_customer(
            RepairOrder.objects.all(), user, staff_sees_all=can(user, "repairs.view_repairorder")
        )
    except Forbidden:  # staff without the permission, or no login: an empty list, not an error
        return RepairOrder.objects.none()


def repair_search(*, user: Any, status: str = "", q: str = "") -> QuerySet[RepairOrder]:
    """The user's orders, newest first; `status` is "open", "closed" or one status (anything
    else: all), `q` part of an order number or a whole serial number."""
    qs = repairs_for_user(user).select_related(
        "customer", "case", "asset__product_model", "fault_category"
    )
    if status == "open":
        qs = qs.filter(closed_at__isnull=True)
    elif status == "closed":
        qs = qs.filter(status__in=CLOSED_STATUSES)
    elif status in RepairStatus.values:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(asset__serial_number__iexact=q))
    return qs.order_by("-created_at", "-id")


def repair_pk_by_number(*, user: Any, number: str) -> int:
    """The order of `number` among those `user` may see (notices link by number)."""
    pk = repairs_for_user(user).filter(number=number).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(NOT_FOUND)
    return pk


def repair_get_for_user(*, user: Any, pk: int) -> RepairOrder:
    order = (
        repairs_for_user(user)
        .select_related(
            "case__contact",
            "customer",
            "asset__product_model__vendor",
            "fault_category",
            "verified_by",
            "report",
        )
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise NotFound(NOT_FOUND)
    return order


def repairs_of_case(*, user: Any, case) -> QuerySet[RepairOrder]:
    return repairs_for_user(user).filter(case=case).select_related("fault_category", "asset")


def repairs_of_customer(*, user: Any, customer) -> QuerySet[RepairOrder]:
    return (
        repairs_for_user(user)
        .filter(customer=customer)
        .select_related("case", "asset", "fault_category", "report")
        .order_by("-created_at")
    )


def fault_categories() -> QuerySet[FaultCategory]:
    return FaultCategory.objects.filter(is_active=True)


def return_promise(order: RepairOrder) -> Promise | None:
    """A carry-in order's return promise (due moment, late), None before the receipt."""
    return promises.return_promise(order)


def return_promises(orders: Iterable[RepairOrder]) -> dict[int, Promise]:
    """{order id: its return promise} for a page of orders, in one query."""
    return promises.return_promises(orders)


def stock_parts_choices(*, user: Any) -> tuple[list, list]:
    """Active warehouses and parts for the "add a part from stock" form (staff who see stock)."""
    try:
        warehouses = list(inventory_selectors.warehouse_search(user=user).order_by("code"))
        parts = list(inventory_selectors.part_search(user=user)[:500])
    except ApplicationError:
        return [], []
    return warehouses, parts


def return_view(promise: Promise | None) -> dict | None:
    """What pages show of a carry-in return promise: the due moment, late, returned or not."""
    if promise is None:
        return None
    return {
        "due_at": promise.due_at,
        "late": bool(is_late(promise)),
        "done": promise.completed_at is not None,
        "stopped": promise.stopped_at is not None,
    }


def with_return_views(orders: list[RepairOrder]) -> list[RepairOrder]:
    """Attach `return_view` to each order of a page (one query for all)."""
    found = return_promises(orders)
    for order in orders:
        order.return_view = return_view(found.get(order.pk))
    return orders
