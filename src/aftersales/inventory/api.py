"""Spare-parts endpoints (contract.md "Spare parts and RMA"): thin, the rules live in services."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.core.errors import Invalid
from aftersales.core.pagination import page
from aftersales.inventory import access as rules
from aftersales.inventory import selectors, services
from aftersales.inventory.models import Part, StockMove, Warehouse
from aftersales.inventory.schemas import (
    InventoryListParams,
    SparePartIn,
    SparePartOut,
    SparePartPage,
    StockMoveOut,
    StockMovePage,
    StockMoveParams,
    StockOut,
    StockPage,
    StockParams,
    StockReceiveIn,
    WarehouseIn,
    WarehouseOut,
    WarehousePage,
)

router = Router(tags=["inventory"])

UNKNOWN_PART = _("Unknown part number.")
UNKNOWN_WAREHOUSE = _("Unknown warehouse code.")


def part_out(part: Part) -> dict:
    return {
        "part_number": part.part_number,
        "name": part.name,
        "serialised": part.serialised,
        "unit_cost": f"{part.unit_cost:.2f}",
        "sale_price": f"{part.sale_price:.2f}",
        "warranty_months": part.warranty_months,
        "is_active": part.is_active,
    }


def warehouse_out(warehouse: Warehouse) -> dict:
    return {
        "code": warehouse.code,
        "name": warehouse.name,
        "kind": warehouse.kind,
        "region": warehouse.region,
        "is_active": warehouse.is_active,
    }


def move_out(move: StockMove) -> dict:
    return {
        "id": move.pk,
        "kind": move.kind,
        "warehouse": move.warehouse.code,
        "part_number": move.part.part_number,
        "on_hand_delta": move.on_hand_delta,
        "reserved_delta": move.reserved_delta,
        "faulty_delta": move.faulty_delta,
        "serial": move.serial,
        "reason": move.reason,
        "ref_kind": move.ref_kind,
        "ref_id": move.ref_id,
        "at": move.at.isoformat(),
    }


@router.post("/parts", response={201: SparePartOut})
@access(staff_perm(rules.ADD_PART))
def part_create(request: HttpRequest, payload: SparePartIn):
    part = services.part_create(by=request.auth, **payload.dict())
    return Status(201, part_out(part))


@router.get("/parts", response=SparePartPage)
@access(staff_perm(rules.VIEW))
def part_list(request: HttpRequest, params: Query[InventoryListParams]):
    qs = selectors.part_search(user=request.auth, q=params.q)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [part_out(p) for p in result["items"]]
    return result


@router.post("/warehouses", response={201: WarehouseOut})
@access(staff_perm(rules.ADD_WAREHOUSE))
def warehouse_create(request: HttpRequest, payload: WarehouseIn):
    warehouse = services.warehouse_create(by=request.auth, **payload.dict())
    return Status(201, warehouse_out(warehouse))


@router.get("/warehouses", response=WarehousePage)
@access(staff_perm(rules.VIEW))
def warehouse_list(request: HttpRequest, params: Query[InventoryListParams]):
    qs = selectors.warehouse_search(user=request.auth, q=params.q)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [warehouse_out(w) for w in result["items"]]
    return result


@router.post("/stock/receive", response={201: StockMoveOut})
@access(staff_perm(rules.MOVE))
def stock_receive(request: HttpRequest, payload: StockReceiveIn):
    # The role is refused before codes are looked up: a wrong user learns nothing from a 422.
    rules.enforce(rules.can_move_stock(request.auth), request.auth)
    part = selectors.part_by_number(payload.part_number)
    if part is None:
        raise Invalid(UNKNOWN_PART, field="part_number")
    warehouse = selectors.warehouse_by_code(payload.warehouse)
    if warehouse is None:
        raise Invalid(UNKNOWN_WAREHOUSE, field="warehouse")
    move = services.stock_receive(
        by=request.auth,
        part=part,
        warehouse=warehouse,
        quantity=payload.quantity,
        serials=payload.serials,
        reason=payload.reason,
        at=payload.at,
    )
    return Status(201, move_out(move))


@router.get("/stock", response=StockPage)
@access(staff_perm(rules.VIEW))
def stock_list(request: HttpRequest, params: Query[StockParams]):
    qs = selectors.stock_levels(
        user=request.auth, part_number=params.part_number, warehouse=params.warehouse
    )
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [
        StockOut(
            warehouse=level.warehouse.code,
            part_number=level.part.part_number,
            on_hand=level.on_hand,
            reserved=level.reserved,
            available=level.available,
        )
        for level in result["items"]
    ]
    return result


@router.get("/stock/moves", response=StockMovePage)
@access(staff_perm(rules.VIEW))
def move_list(request: HttpRequest, params: Query[StockMoveParams]):
    qs = selectors.stock_moves(
        user=request.auth,
        part_number=params.part_number,
        warehouse=params.warehouse,
        kind=params.kind,
    )
    result = page(request, qs, limit=params.limit, offset=params.offset, count_cap=10_000)
    result.pop("count_capped", None)
    result["items"] = [move_out(m) for m in result["items"]]
    return result
