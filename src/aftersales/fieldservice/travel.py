"""How long an engineer needs between two places: a small rule table, no maps.

The table is configuration (settings.APPOINTMENT_TRAVEL_MINUTES overrides any of its keys):
the same site needs no travel, another site in the same region an hour, another region four
hours (a train or a flight). A place whose region is unknown counts as in the same region,
and a place not known at all (no site, region or address) needs no travel: the seat knows
better than a guess, and refusing would block every booking made without a place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

SAME_SITE = "same_site"
SAME_REGION = "same_region"
OTHER_REGION = "other_region"

DEFAULT_MINUTES: dict[str, int] = {SAME_SITE: 0, SAME_REGION: 60, OTHER_REGION: 240}


@dataclass(frozen=True)
class Place:
    """Where an appointment happens: its site (id), region and address, any of them unknown."""

    site_id: int | None = None
    region: str = ""
    address: str = ""
    customer_id: int | None = None

    @property
    def known(self) -> bool:
        return bool(self.site_id or self.region or self.address)


def minutes_table() -> dict[str, int]:
    """The rule table in force: the defaults with the settings' overrides."""
    return {**DEFAULT_MINUTES, **getattr(settings, "APPOINTMENT_TRAVEL_MINUTES", {})}


def relation(a: Place, b: Place) -> str:
    """Which rule of the table applies between two places."""
    if not a.known or not b.known:
        return SAME_SITE
    if a.site_id is not None and a.site_id == b.site_id:
        return SAME_SITE
    # No site on either: the same written address of the same customer is the same place.
    no_sites = a.site_id is None and b.site_id is None
    if no_sites and a.address and a.address == b.address and a.customer_id == b.customer_id:
        return SAME_SITE
    if a.region and b.region and a.region != b.region:
        return OTHER_REGION
    return SAME_REGION


def travel_time(a: Place, b: Place) -> dt.timedelta:
    """The time an engineer needs from `a` to `b` (symmetric)."""
    return dt.timedelta(minutes=minutes_table()[relation(a, b)])
