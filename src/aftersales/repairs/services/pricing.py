"""What a repair costs: amounts in yuan, part lines, the price and who pays it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from aftersales.contracts.entitlement import OUT_OF_WARRANTY
from aftersales.core.errors import Invalid
from aftersales.repairs.models import ZERO, RepairOrder, RepairPart, TravelMode
from aftersales.repairs.services.common import (
    BAD_AMOUNT,
    BAD_QUANTITY,
    NOT_NEGATIVE,
    PART_NAME_REQUIRED,
)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
PRICE_FIELDS = ("parts_cost", "labour_cost", "travel_cost", "total_cost", "customer_amount")


def money(value: Any, field: str) -> Decimal:
    """Parse an amount in yuan, rounded to the cent; refuse negative and absurd ones."""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise Invalid(BAD_AMOUNT, field=field) from exc
    if not amount.is_finite() or amount > MAX_AMOUNT:
        raise Invalid(BAD_AMOUNT, field=field)
    if amount < 0:
        raise Invalid(NOT_NEGATIVE, field=field)
    return amount


def part_lines(lines: Iterable[dict]) -> list[RepairPart]:
    """Validate part lines (name, part_number, quantity, unit_price) into unsaved parts."""
    parts = []
    for line in lines:
        name = str(line.get("name") or "").strip()
        if not name:
            raise Invalid(PART_NAME_REQUIRED, field="parts")
        try:
            quantity = int(line.get("quantity", 1))
        except (TypeError, ValueError) as exc:
            raise Invalid(BAD_QUANTITY, field="parts") from exc
        if not 1 <= quantity <= 100000:
            raise Invalid(BAD_QUANTITY, field="parts")
        parts.append(
            RepairPart(
                name=name[:200],
                part_number=str(line.get("part_number") or "").strip()[:80],
                quantity=quantity,
                unit_price=money(line.get("unit_price", 0), "parts"),
            )
        )
    return parts


def reprice(order: RepairOrder) -> None:
    """parts + labour + travel, in Decimal, rounded to the cent; free orders cost 0 to the
    customer while the internal cost stays recorded."""
    parts = sum((p.unit_price * p.quantity for p in order.parts.all()), ZERO)
    labour = (order.labour_per_hour * order.labour_minutes / 60).quantize(CENT, ROUND_HALF_UP)
    if order.travel_mode == TravelMode.KM:
        travel = (order.travel_per_km * order.travel_km).quantize(CENT, ROUND_HALF_UP)
    elif order.travel_mode == TravelMode.FIXED:
        travel = order.travel_fixed_fee
    else:
        travel = ZERO
    order.parts_cost = parts.quantize(CENT)
    order.labour_cost, order.travel_cost = labour, travel
    order.total_cost = order.parts_cost + labour + travel
    order.customer_amount = order.total_cost if order.chargeable else ZERO


def set_chargeable(order: RepairOrder) -> None:
    """The customer pays out of warranty, or in warranty when an exclusion applies."""
    order.chargeable = order.entitlement_status == OUT_OF_WARRANTY or bool(order.exclusion)
