"""Parts used on an onsite job, booked from the engineer's car stock (车载备件).

The engineer's car is an inventory warehouse of kind "car" kept by them; a part used is
reserved and issued there in one step through inventory's services, so the ledger row names
the appointment (ref_kind "appointment") and stock never goes below zero.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.core import timeline
from aftersales.core.errors import Conflict, Invalid
from aftersales.core.schema_types import checked_text
from aftersales.fieldservice import appointment_access as access
from aftersales.fieldservice.models import Appointment, AppointmentEventKind
from aftersales.inventory import selectors as inventory_selectors
from aftersales.inventory import services as inventory_services
from aftersales.inventory.models import MoveKind, StockMove, Warehouse, WarehouseKind

REF_KIND = "appointment"
MAX_QUANTITY = 99

UNKNOWN_PART = _("No active part has this part number.")
BAD_QUANTITY = _("Enter a quantity from 1 to %(max)s.")
NO_CAR_STOCK = _("The engineer has no car stock: a keeper sets one up under Inventory.")
SERIAL_REQUIRED = _("This part is tracked by serial number: enter the unit's serial.")
SERIAL_ONE_UNIT = _("A serialised part is used one unit at a time.")
NO_SERIAL_HERE = _("This part has no serial numbers.")


def car_stock_of(engineer: Any) -> Warehouse | None:
    """The active car-stock warehouse the engineer keeps (the first by code), or None."""
    return (
        Warehouse.objects.filter(kind=WarehouseKind.CAR, is_active=True, keepers=engineer)
        .order_by("code")
        .first()
    )


def parts_used(appointment: Appointment) -> QuerySet[StockMove]:
    """The ledger's issues booked for this appointment, oldest first, with `quantity`."""
    return (
        StockMove.objects.filter(ref_kind=REF_KIND, ref_id=appointment.pk, kind=MoveKind.ISSUE)
        .annotate(quantity=F("on_hand_delta") * -1)
        .select_related("part", "warehouse")
        .order_by("id")
    )


def _quantity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise Invalid(BAD_QUANTITY % {"max": MAX_QUANTITY}, field="quantity")
    return value


@transaction.atomic
def appointment_use_part(
    *, by: Any, appointment: Appointment, part_number: str, quantity: int = 1, serial: str = ""
) -> StockMove:
    """Book `quantity` of `part_number` from the engineer's car stock for the job (409 when
    the car holds none); the engineer on it, or the seat for them, once confirmed or done."""
    access.can_use_part.enforce_who(by, appointment)
    part = inventory_selectors.part_by_number(checked_text(part_number, field="part_number"))
    if part is None or not part.is_active:
        raise Invalid(UNKNOWN_PART, field="part_number")
    quantity = _quantity(quantity)
    serial = checked_text(serial, field="serial", limit=80)
    if part.serialised and not serial:
        raise Invalid(SERIAL_REQUIRED, field="serial")
    if part.serialised and quantity != 1:
        raise Invalid(SERIAL_ONE_UNIT, field="quantity")
    if serial and not part.serialised:
        raise Invalid(NO_SERIAL_HERE, field="serial")
    appointment = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
    access.can_use_part.enforce(by, appointment)
    store = car_stock_of(appointment.engineer)
    if store is None:
        raise Conflict(NO_CAR_STOCK)
    reservation = inventory_services.stock_reserve(
        part=part,
        by=by,
        ref_kind=REF_KIND,
        ref_id=appointment.pk,
        warehouse=store,
        quantity=quantity,
        authorised=True,  # can_use_part allowed it: the engineer's own car
    )
    move = inventory_services.reservation_issue(
        reservation=reservation, by=by, serial=serial, authorised=True
    )
    text = f"{part.part_number} {part.name} × {quantity} ({store.code})"
    timeline.record(
        subject=appointment,
        actor=by,
        kind=AppointmentEventKind.PART_USED,
        text=text + (f" {serial}" if serial else ""),
        internal=True,
        data={"part_number": part.part_number, "quantity": quantity, "warehouse": store.code},
    )
    return move
