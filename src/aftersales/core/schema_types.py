"""Bounded input types every API schema uses: dates in range, texts with a maximum, strict scalars.

Bad input must be a 422 naming the field, never a 500 deep in the database: a year-1 moment
underflows when converted to UTC, a 19 MB description fills every queue page, `0` is not a date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic import StrictBool as StrictBool  # re-exported: one import line for schemas
from pydantic import StrictInt as StrictInt
from pydantic_core import PydanticCustomError

from aftersales.core.errors import Invalid

# Years 1900..2999: every real contract, purchase and appointment, with room for "until
# further notice" end dates; far enough from year 1 and 9999 that UTC conversion and a
# day's arithmetic never overflow.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)

TEXT_TOO_LONG = _("Write at most %(limit)s characters.")
DATE_OUT_OF_RANGE = _("Enter a date between 1900-01-01 and 2999-12-31.")
NOT_AN_ISO_DATE = _("Enter a date as YYYY-MM-DD.")
NOT_AN_ISO_DATETIME = _("Enter a date and time in ISO 8601, e.g. 2026-03-02T10:00:00+08:00.")

# Text limits, in characters (docs/decisions.md): names and one-line fields, notes and
# reasons, free text (descriptions, comments, repair narratives).
SHORT_TEXT_MAX = 200
MEDIUM_TEXT_MAX = 2_000
LONG_TEXT_MAX = 10_000
# Long enough for any passphrase, short enough that hashing it costs nothing.
PASSWORD_MAX = 256

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.*)?")


def date_in_range(value: dt.date) -> bool:
    """Whether a date or datetime lies within MIN_DATE..MAX_DATE (by its own calendar day)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def _iso_only(pattern: re.Pattern[str], message: Any) -> Any:
    def check(value: Any) -> Any:
        # Numbers would be read as Unix timestamps (0 → 1970-01-01): refuse them.
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and pattern.fullmatch(value.strip()):
            return value.strip()
        raise PydanticCustomError("date_format", str(message))

    return check


def _in_range(value: dt.date) -> dt.date:
    if not date_in_range(value):
        raise PydanticCustomError("date_range", str(DATE_OUT_OF_RANGE))
    return value


# The same rules as patterns in the OpenAPI, so a client (or a fuzzer) knows them up front:
# years 1900..2999, real days of the month (29 February in leap years only), and times whose
# parts Python accepts (no leap second, offsets under 24 hours).
_YEAR = r"(?:19|2\d)\d\d"
_LEAP_YEAR = r"(?:(?:19|2\d)(?:0[48]|[2468][048]|[13579][26])|2000|2400|2800)"
_DAY = (
    rf"(?:{_YEAR}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])"
    r"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
    rf"|{_LEAP_YEAR}-02-29)"
)
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?"
_OFFSET = r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
DATE_PATTERN = rf"^{_DAY}$"
DATETIME_PATTERN = rf"^{_DAY}T{_TIME}{_OFFSET}?$"


class _Pattern:
    """Publish a pattern in the JSON schema of a type validated by code of its own."""

    def __init__(self, pattern: str):
        self.pattern = pattern

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler(core_schema)
        schema["pattern"] = self.pattern
        return schema


Date = Annotated[
    dt.date,
    BeforeValidator(_iso_only(_ISO_DATE, NOT_AN_ISO_DATE)),
    AfterValidator(_in_range),
    _Pattern(DATE_PATTERN),
]
DateTime = Annotated[
    dt.datetime,
    BeforeValidator(_iso_only(_ISO_DATETIME, NOT_AN_ISO_DATETIME)),
    AfterValidator(_in_range),
    _Pattern(DATETIME_PATTERN),
]

ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT_MAX)]
MediumText = Annotated[str, StringConstraints(max_length=MEDIUM_TEXT_MAX)]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX)]
# Search boxes take pasted text (the search itself reads only the first words), up to a bound.
SearchText = Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX)]


def choice_of(choices: type[TextChoices], *, blank: bool = False, exclude: Any = ()) -> Any:
    """A Literal of the choices' values (with "" when blank): validated, and shown as an
    `enum` in the OpenAPI."""
    values = [v for v in choices.values if v not in exclude]
    return Literal[tuple([""] * (blank and "" not in values) + values)]


def bounded_text(value: str, *, field: str, limit: int = LONG_TEXT_MAX) -> str:
    """Return the text, or raise Invalid naming the field when it is longer than the limit:
    for services that console views and jobs call without a schema in front."""
    if len(value or "") > limit:
        raise Invalid(TEXT_TOO_LONG % {"limit": limit}, field=field)
    return value


FIELD_REQUIRED = _("This field is required.")
TEXT_HAS_NUL = _("The text contains a character that cannot be stored (NUL).")


def checked_text(
    value: Any,
    *,
    field: str,
    limit: int = LONG_TEXT_MAX,
    required: bool = False,
    message: Any = FIELD_REQUIRED,
) -> str:
    """Typed text stripped and checked before anything is written: required (`message`),
    at most `limit` characters, no NUL (PostgreSQL refuses it); Invalid names the field."""
    if value is None:
        value = ""
    value = (value if isinstance(value, str) else str(value)).strip()
    if required and not value:
        raise Invalid(message, field=field)
    if "\x00" in value:
        raise Invalid(TEXT_HAS_NUL, field=field)
    return bounded_text(value, field=field, limit=limit)


def clip_text(value: str, limit: int = LONG_TEXT_MAX) -> str:
    """Cut text that nobody typed here (an e-mail body) to the limit instead of refusing it."""
    return value if len(value) <= limit else value[: limit - 1] + "…"
