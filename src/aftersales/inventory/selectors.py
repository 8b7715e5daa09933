"""Reads on parts, warehouses, stock levels and the ledger: staff who may see stock only."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from aftersales.core.errors import NotFound
from aftersales.inventory import access
from aftersales.inventory.models import (
    Part,
    Reservation,
    StockLevel,
    StockMove,
    Stocktake,
    Warehouse,
)


def _gate(user: Any) -> None:
    access.enforce(access.can_view_stock(user), user)


def part_by_number(number: str) -> Part | None:
    """The part with this part number (case as stored), or None; no access check (services)."""
    return Part.objects.filter(part_number=(number or "").strip()).first()


def warehouse_by_code(code: str) -> Warehouse | None:
    return Warehouse.objects.filter(code=(code or "").strip()).first()


def part_search(*, user: Any, q: str = "", inactive: bool = False) -> QuerySet[Part]:
    """Parts by part-number prefix or name fragment, active ones unless `inactive`."""
    _gate(user)
    qs = Part.objects.all()
    if not inactive:
        qs = qs.filter(is_active=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(part_number__istartswith=q) | Q(name__icontains=q))
    return qs.order_by("part_number")


def part_get_for_user(*, user: Any, pk: int) -> Part:
    _gate(user)
    part = Part.objects.filter(pk=pk).first()
    if part is None:
        raise NotFound(access.NOT_FOUND)
    return part


def warehouse_search(*, user: Any, q: str = "", inactive: bool = False) -> QuerySet[Warehouse]:
    _gate(user)
    qs = Warehouse.objects.all()
    if not inactive:
        qs = qs.filter(is_active=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__istartswith=q) | Q(name__icontains=q) | Q(region=q))
    return qs.order_by("code")


def warehouse_get_for_user(*, user: Any, pk: int) -> Warehouse:
    _gate(user)
    warehouse = Warehouse.objects.filter(pk=pk).first()
    if warehouse is None:
        raise NotFound(access.NOT_FOUND)
    return warehouse


def stock_levels(
    *, user: Any, part_number: str = "", warehouse: str = "", part: Part | None = None
) -> QuerySet[StockLevel]:
    """Stock rows (part × warehouse) with `available` annotated; filters are exact codes."""
    _gate(user)
    qs = StockLevel.objects.select_related("part", "warehouse").annotate(
        available_count=F("on_hand") - F("reserved")
    )
    if part is not None:
        qs = qs.filter(part=part)
    if part_number:
        qs = qs.filter(part__part_number=part_number.strip())
    if warehouse:
        qs = qs.filter(warehouse__code=warehouse.strip())
    return qs.order_by("part__part_number", "warehouse__code")


def stock_moves(
    *,
    user: Any,
    part_number: str = "",
    warehouse: str = "",
    kind: str = "",
    part: Part | None = None,
    warehouse_obj: Warehouse | None = None,
) -> QuerySet[StockMove]:
    """The ledger, newest first."""
    _gate(user)
    qs = StockMove.objects.select_related("part", "warehouse", "by")
    if part is not None:
        qs = qs.filter(part=part)
    if warehouse_obj is not None:
        qs = qs.filter(warehouse=warehouse_obj)
    if part_number:
        qs = qs.filter(part__part_number=part_number.strip())
    if warehouse:
        qs = qs.filter(warehouse__code=warehouse.strip())
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-id")


def open_reservations(*, ref_kind: str, ref_id: int) -> QuerySet[Reservation]:
    """The open reservations made for one record (an RMA, a repair order)."""
    return Reservation.objects.filter(ref_kind=ref_kind, ref_id=ref_id, state="open")


def stocktakes_of(*, user: Any, warehouse: Warehouse) -> QuerySet[Stocktake]:
    _gate(user)
    return Stocktake.objects.filter(warehouse=warehouse).order_by("-opened_at", "-id")


def stocktake_get_for_user(*, user: Any, pk: int) -> Stocktake:
    _gate(user)
    stocktake = Stocktake.objects.select_related("warehouse").filter(pk=pk).first()
    if stocktake is None:
        raise NotFound(access.NOT_FOUND)
    return stocktake
