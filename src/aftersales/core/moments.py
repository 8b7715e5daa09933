"""When a step happened, as a user recorded it afterwards (contract.md: every action's `at`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Invalid

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
