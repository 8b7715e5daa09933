"""The RMA's calls into the spare-parts inventory (its public services and selectors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Conflict
from aftersales.inventory import selectors as inventory_selectors
from aftersales.inventory import services as inventory_services
from aftersales.inventory.models import Reservation

NO_STOCK = _("No unit of this part is available.")
REF_KIND = "rma"


def part_by_number(number: str) -> Any | None:
    return inventory_selectors.part_by_number(number)


def warehouse_by_code(code: str) -> Any | None:
    return inventory_selectors.warehouse_by_code(code)


def reserve(
    *, part_number: str, by: Any, rma_id: int, region: str, warehouse: Any, at: dt.datetime
) -> Any:
    """Reserve one good unit (the nearest warehouse holding it unless one is named); 409."""
    part = part_by_number(part_number)
    if part is None:
        raise Conflict(NO_STOCK, extra={"part_number": part_number})
    return inventory_services.stock_reserve(
        part=part,
        by=by,
        ref_kind=REF_KIND,
        ref_id=rma_id,
        warehouse=warehouse,
        region=region,
        at=at,
    )


def _reservation(reservation_id: int | None) -> Any | None:
    if reservation_id is None:
        return None
    return Reservation.objects.filter(pk=reservation_id).first()


def issue(
    *, reservation_id: int | None, by: Any, at: dt.datetime, serial: str = "", asset: Any = None
) -> None:
    """The reserved good unit leaves stock for the customer (a serialised one by its serial,
    which then follows the customer's asset)."""
    reservation = _reservation(reservation_id)
    if reservation is not None:
        inventory_services.reservation_issue(
            reservation=reservation, by=by, at=at, serial=serial, asset=asset
        )


def release(*, reservation_id: int | None, by: Any, reason: str) -> None:
    reservation = _reservation(reservation_id)
    if reservation is not None:
        inventory_services.reservation_release(reservation=reservation, by=by, reason=reason)


def faulty_receive(
    *, part_number: str, warehouse_code: str, serial: str, by: Any, rma_id: int, at: dt.datetime
) -> None:
    """Book the customer's faulty unit into the warehouse the spare came from, as faulty."""
    part, warehouse = part_by_number(part_number), warehouse_by_code(warehouse_code)
    if part is None or warehouse is None:
        return
    inventory_services.faulty_receive(
        part=part,
        warehouse=warehouse,
        by=by,
        serial=serial,
        ref_kind=REF_KIND,
        ref_id=rma_id,
        at=at,
    )
