"""Parts a repair draws from stock (备件), through the inventory's public services.

Drawing reserves and issues the units in one transaction (ledger rows ref_kind "repair",
ref_id the order), fixes the unit price from the part's sale price at that moment and records
the serial, which then follows the customer's asset. No unit → 409 and nothing written.
An unverified part goes back to stock as a receipt on the ledger.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Conflict, Invalid, NotFound
from aftersales.inventory import selectors as inventory_selectors
from aftersales.inventory import services as inventory_services
from aftersales.repairs import access
from aftersales.repairs.models import RepairEventKind, RepairOrder, RepairPart
from aftersales.repairs.services.common import BAD_QUANTITY, lock_order, record_event
from aftersales.repairs.services.orders import price_changed
from aftersales.repairs.services.pricing import reprice, set_chargeable

REF_KIND = "repair"
MAX_DRAW = 100
UNKNOWN_PART = _("Unknown part number.")
UNKNOWN_WAREHOUSE = _("Unknown warehouse.")
SERIAL_ONE_UNIT = _("A serialised part is drawn one unit (one serial) at a time.")
SERIAL_REQUIRED = _("A serialised part names its serial number.")
NO_SERIAL_HERE = _("This part is not serialised: give no serial number.")
PART_NOT_ON_ORDER = _("This part is not on this repair order.")
NOT_FROM_STOCK = _("This part was not drawn from stock: edit the parts list instead.")
RETURNED_REASON = _("Returned unused from repair order %(number)s")


def _quantity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DRAW:
        raise Invalid(BAD_QUANTITY, field="quantity")
    return value


@transaction.atomic
def repair_part_draw(
    *,
    by: Any,
    order: RepairOrder,
    warehouse: str,
    part_number: str,
    quantity: int = 1,
    serial: str = "",
) -> RepairPart:
    """Take `quantity` units of `part_number` from `warehouse` for the order (409: none left)."""
    access.can_draw_part.enforce_who(by, order)
    part = inventory_selectors.part_by_number((part_number or "").strip())
    if part is None or not part.is_active:
        raise Invalid(UNKNOWN_PART, field="part_number")
    store = inventory_selectors.warehouse_by_code((warehouse or "").strip())
    if store is None or not store.is_active:
        raise Invalid(UNKNOWN_WAREHOUSE, field="warehouse")
    quantity = _quantity(quantity)
    serial = (serial or "").strip()
    if part.serialised:
        if not serial:
            raise Invalid(SERIAL_REQUIRED, field="serial")
        if quantity != 1:
            raise Invalid(SERIAL_ONE_UNIT, field="quantity")
    elif serial:
        raise Invalid(NO_SERIAL_HERE, field="serial")
    order = lock_order(order, by, access.can_draw_part)
    now = timezone.now()
    before = order.customer_amount
    reservation = inventory_services.stock_reserve(
        part=part,
        by=by,
        ref_kind=REF_KIND,
        ref_id=order.pk,
        warehouse=store,
        quantity=quantity,
        authorised=True,  # can_draw_part allowed it
    )
    move = inventory_services.reservation_issue(
        reservation=reservation, by=by, serial=serial, asset=order.asset, authorised=True
    )
    line = RepairPart.objects.create(
        order=order,
        name=part.name[:200],
        part_number=part.part_number,
        quantity=quantity,
        # The price at this moment; in warranty the customer pays nothing (set_chargeable) and
        # the internal cost stays recorded, as for every part.
        unit_price=part.sale_price,
        stock_part=part,
        warehouse=store,
        serial=serial,
        stock_move=move,
    )
    _reprice(order, by, before, now)
    record_event(
        order,
        by=by,
        kind=RepairEventKind.PART_DRAWN,
        now=now,
        text=f"{part.part_number} × {quantity} ({store.code})" + (f" {serial}" if serial else ""),
        part_number=part.part_number,
        warehouse=store.code,
        serial=serial,
        move=move.pk,
    )
    return line


@transaction.atomic
def repair_part_return(*, by: Any, order: RepairOrder, part_id: int) -> RepairOrder:
    """Put an unverified part drawn from stock back on the shelf it came from (a ledger
    receipt); the line leaves the order, the ledger and the timeline keep its history."""
    access.can_draw_part.enforce_who(by, order)
    order = lock_order(order, by, access.can_draw_part)
    line = (
        # Only the line's row: its part and warehouse are nullable joins (PostgreSQL refuses).
        RepairPart.objects.select_for_update(of=("self",))
        .select_related("stock_part", "warehouse")
        .filter(order=order, pk=part_id)
        .first()
    )
    if line is None:
        raise NotFound(PART_NOT_ON_ORDER)
    if not line.from_stock:
        raise Conflict(NOT_FROM_STOCK)
    now = timezone.now()
    before = order.customer_amount
    move = inventory_services.stock_receive(
        by=by,
        part=line.stock_part,
        warehouse=line.warehouse,
        quantity=line.quantity,
        serials=[line.serial] if line.serial else None,
        reason=_t(RETURNED_REASON) % {"number": order.number},
        authorised=True,
    )
    text = f"{line.part_number} × {line.quantity} ({line.warehouse.code})"
    serial = line.serial
    line.delete()
    _reprice(order, by, before, now)
    record_event(
        order,
        by=by,
        kind=RepairEventKind.PART_RETURNED,
        now=now,
        text=text + (f" {serial}" if serial else ""),
        part_number=move.part.part_number,
        warehouse=move.warehouse.code,
        serial=serial,
        move=move.pk,
    )
    return order


def _reprice(order: RepairOrder, by: Any, before: Decimal, now: Any) -> None:
    set_chargeable(order)
    reprice(order)
    note = price_changed(order, before)
    order.updated_at = now
    order.save()
    if note:
        record_event(order, by=by, kind=RepairEventKind.UPDATED, now=now, text=note)
