"""Console form fields with the API's bounds: dates in range (core.schema_types), texts capped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from aftersales.core.schema_types import (
    DATE_OUT_OF_RANGE,
    LONG_TEXT_MAX,
    MEDIUM_TEXT_MAX,
    PASSWORD_MAX,
    SHORT_TEXT_MAX,
    date_in_range,
)

__all__ = [
    "LONG_TEXT_MAX",
    "MEDIUM_TEXT_MAX",
    "PASSWORD_MAX",
    "SHORT_TEXT_MAX",
    "BoundedDateField",
    "BoundedDateTimeField",
    "validate_date_range",
]


def validate_date_range(value: dt.date | None) -> None:
    """Refuse a date or moment outside 1900..2999 (year 1 underflows when made UTC)."""
    if value is not None and not date_in_range(value):
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_range")


class BoundedDateField(forms.DateField):
    default_validators = [validate_date_range]


class BoundedDateTimeField(forms.DateTimeField):
    default_validators = [validate_date_range]

    def to_python(self, value: Any) -> dt.datetime | None:
        # Making a year-1 or year-9999 moment aware can overflow before validators run.
        try:
            return super().to_python(value)
        except OverflowError as exc:
            raise ValidationError(DATE_OUT_OF_RANGE, code="date_range") from exc
