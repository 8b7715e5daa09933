"""When a step happened, as a user recorded it afterwards (contract.md: every action's `at`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Invalid
from aftersales.core.schema_types import DATE_OUT_OF_RANGE, NOT_AN_ISO_DATETIME, date_in_range

IN_FUTURE = _("This moment is in the future.")
BEFORE_PREVIOUS = _("This moment is before the previous step (%(previous)s).")


def recorded_moment(
    at: dt.datetime | None,
    *,
    now: dt.datetime,
    previous: dt.datetime | None = None,
    field: str = "at",
) -> dt.datetime:
    """The step's moment: now when not given, a naive one read in the active time zone; never
    in the future nor before the `previous` step (422 naming `field`)."""
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now:
        raise Invalid(IN_FUTURE, field=field)
    if previous is not None and at < previous:
        when = timezone.localtime(previous).strftime("%Y-%m-%d %H:%M")
        raise Invalid(BEFORE_PREVIOUS % {"previous": when}, field=field)
    return at


def typed_moment(value: str, *, field: str = "at") -> dt.datetime | None:
    """A form's moment as typed (a phone's datetime-local: naive, in the user's zone); None
    when left empty, 422 naming `field` when unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(NOT_AN_ISO_DATETIME, field=field) from exc
    if not date_in_range(at):
        raise Invalid(DATE_OUT_OF_RANGE, field=field)
    return at
