"""Amounts in yuan (CNY) as users and API clients type them: one parser for every module."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Invalid

CENT = Decimal("0.01")
# The largest amount a 12-digit, 2-decimal column holds.
MAX_AMOUNT = Decimal("9999999999.99")
BAD_AMOUNT = _("Enter an amount from 0 to 9,999,999,999.99.")


def parse_amount(value: Any, *, field: str) -> Decimal:
    """`value` in yuan rounded to the cent; 422 naming `field` for a negative, absurd or
    unreadable amount (booleans included)."""
    if isinstance(value, bool):
        raise Invalid(BAD_AMOUNT, field=field)
    try:
        amount = Decimal(str(value).strip()).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise Invalid(BAD_AMOUNT, field=field) from None
    if not amount.is_finite() or not Decimal(0) <= amount <= MAX_AMOUNT:
        raise Invalid(BAD_AMOUNT, field=field)
    return amount
