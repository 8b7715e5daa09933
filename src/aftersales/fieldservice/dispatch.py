"""The dispatch board (派工) and who to send: engineers by region with skills, load and the
day's schedule; the nearest qualified free engineer for a case; regional representatives.

Load is the number of open cases assigned (cases.pickers, the console's own count). "Nearest"
is by region (the table has no distances): the case's region first, then the others.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models.functions import ExtractHour, ExtractMinute
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import is_staff_member
from aftersales.accounts.models import User
from aftersales.cases.models import Case
from aftersales.cases.pickers import engineers_for_picker
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.fieldservice import appointment_access as access
from aftersales.fieldservice import travel
from aftersales.fieldservice.appointment_selectors import day_bounds
from aftersales.fieldservice.appointments import (
    booked_near,
    check_times,
    resolve_refs,
    slot_refusal,
)
from aftersales.fieldservice.models import (
    Appointment,
    AppointmentStatus,
    RegionalRepresentative,
)
from aftersales.registry.models import Engineer, Region, Skill

UNKNOWN_REGION = _("No such region.")
UNKNOWN_SKILL = _("No such skill.")
NOT_STAFF = _("Only a staff member can represent a region.")
REQUIRED = _("This field is required.")


@dataclass(frozen=True)
class BoardSlot:
    """One appointment on the board: the times as the board shows them (local HH:MM)."""

    pk: int
    starts: str
    ends: str
    status: str


@dataclass
class BoardRow:
    user: User
    name: str
    region: str
    skills: list[str]
    load: int
    appointments: list[BoardSlot] = field(default_factory=list)


def board(*, user: Any, day: dt.date, region: str = "") -> list[tuple[str, list[BoardRow]]]:
    """The board of `day`: engineers grouped by region (the user's regions only for a
    representative), each with skills, open-case load and the day's appointments in order."""
    regions = access.board_regions(user)
    engineers = engineers_for_picker().filter(engineer__is_active=True)
    if regions is not None:
        engineers = engineers.filter(engineer__region__in=regions)
    if region:
        engineers = engineers.filter(engineer__region=region)
    users = list(
        engineers.only(
            "username", "display_name", "engineer__name", "engineer__region", "engineer__user"
        )
    )
    ids = [u.pk for u in users]
    skills: dict[int, list[str]] = defaultdict(list)
    for user_id, name in (
        Engineer.skills.through.objects.filter(engineer__user_id__in=ids)
        .order_by("skill__code")
        .values_list("engineer__user_id", "skill__name")
    ):
        skills[user_id].append(name)
    start, end = day_bounds(day)
    zone = timezone.get_current_timezone()
    by_engineer: dict[int, list[BoardSlot]] = defaultdict(list)
    # Local hours and minutes from the database, not datetimes: parsing 4,000 timestamps and
    # converting them to the zone was most of the board's time.
    rows = (
        Appointment.objects.filter(engineer_id__in=ids, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=AppointmentStatus.CANCELLED)
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "engineer_id",
            ExtractHour("starts_at", tzinfo=zone),
            ExtractMinute("starts_at", tzinfo=zone),
            ExtractHour("ends_at", tzinfo=zone),
            ExtractMinute("ends_at", tzinfo=zone),
            "status",
        )
    )
    for pk, engineer_id, sh, sm, eh, em, status in rows:
        by_engineer[engineer_id].append(
            BoardSlot(pk, f"{sh:02d}:{sm:02d}", f"{eh:02d}:{em:02d}", status)
        )
    grouped: dict[str, list[BoardRow]] = defaultdict(list)
    for u in users:
        profile = u.engineer
        grouped[profile.region].append(
            BoardRow(
                user=u,
                name=profile.name or str(u),
                region=profile.region,
                skills=skills.get(u.pk, []),
                load=u.open_case_count,
                appointments=by_engineer.get(u.pk, []),
            )
        )
    order = {value: n for n, value in enumerate(Region.values)}
    return sorted(grouped.items(), key=lambda item: (order.get(item[0], 99), item[0]))


@dataclass
class Suggestion:
    user: User
    name: str
    region: str
    load: int
    same_region: bool


def case_region(case: Case) -> str:
    """The region a case happens in: its asset's site, else its customer's."""
    if case.asset_id and case.asset.site_id and case.asset.site.region:
        return case.asset.site.region
    return case.customer.region


def suggest(
    *,
    user: Any,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    region: str = "",
    skill: str = "",
    place: travel.Place | None = None,
    limit: int = 5,
) -> list[Suggestion]:
    """Qualified engineers free at the slot, nearest first: the region's own before the
    others, then the lowest load. `skill` (a skill code) must be among their skills."""
    access.board_regions(user)  # the seat and representatives only
    if region and region not in Region.values:
        raise Invalid(UNKNOWN_REGION, field="region")
    engineers = engineers_for_picker().filter(engineer__is_active=True)
    if skill:
        if not Skill.objects.filter(code=skill).exists():
            raise Invalid(UNKNOWN_SKILL, field="skill")
        engineers = engineers.filter(engineer__skills__code=skill)
    users = list(engineers.select_related("engineer"))
    place = place or travel.Place(region=region)
    near: dict[int, list[Appointment]] = defaultdict(list)
    for a in booked_near([u.pk for u in users], starts_at, ends_at, None):
        near[a.engineer_id].append(a)
    free = [
        u
        for u in users
        if slot_refusal(
            engineer_name=str(u),
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            neighbours=near.get(u.pk, []),
        )
        is None
    ]
    free.sort(key=lambda u: (u.engineer.region != region, u.open_case_count, u.username))
    return [
        Suggestion(
            user=u,
            name=u.engineer.name or str(u),
            region=u.engineer.region,
            load=u.open_case_count,
            same_region=u.engineer.region == region,
        )
        for u in free[:limit]
    ]


def suggest_for_case(
    *, user: Any, case: Case, starts_at: dt.datetime, ends_at: dt.datetime, skill: str = ""
) -> list[Suggestion]:
    """Suggestions for a case's visit: the case's region and place."""
    site = case.asset.site if case.asset_id and case.asset.site_id else None
    region = case_region(case)
    place = travel.Place(
        site.pk if site else None, region, site.address if site else "", case.customer_id
    )
    return suggest(
        user=user, starts_at=starts_at, ends_at=ends_at, region=region, skill=skill, place=place
    )


def suggest_for(
    *,
    user: Any,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    case: str = "",
    region: str = "",
    skill: str = "",
) -> list[Suggestion]:
    """Suggestions for a case (by number) or a region, the slot checked after the access."""
    access.board_regions(user)  # before any input is judged: 403, never 422
    if starts_at is None:
        raise Invalid(REQUIRED, field="starts_at", loc="query")
    if ends_at is None:
        raise Invalid(REQUIRED, field="ends_at", loc="query")
    starts_at, ends_at = check_times(starts_at, ends_at)
    found, _customer, _site = resolve_refs(by=user, case=case)
    if found is not None:
        return suggest_for_case(
            user=user, case=found, starts_at=starts_at, ends_at=ends_at, skill=skill
        )
    return suggest(user=user, starts_at=starts_at, ends_at=ends_at, region=region, skill=skill)


# --- regional representatives (区域代表) --------------------------------------------------------


def representative_set(
    *, by: User, region: str, user: User | None
) -> RegionalRepresentative | None:
    """Make `user` the region's one active representative (None: the region has none now);
    the previous one is retired, not deleted."""
    access.can_set_representative.enforce(by, None)
    if region not in Region.values:
        raise Invalid(UNKNOWN_REGION, field="region")
    if user is not None and not is_staff_member(user):
        raise Invalid(NOT_STAFF, field="user")
    with transaction.atomic():
        current = (
            RegionalRepresentative.objects.select_for_update()
            .filter(region=region, is_active=True)
            .first()
        )
        if current is not None and user is not None and current.user_id == user.pk:
            return current
        if current is not None:
            current.is_active = False
            current.save(update_fields=["is_active"])
            timeline.record(subject=current, kind="retired", actor=by, text=str(current.user))
        rep = None
        if user is not None:
            rep = RegionalRepresentative.objects.create(
                region=region, user=user, is_active=True, since=timezone.localdate()
            )
            timeline.record(subject=rep, kind="appointed", actor=by, text=str(user))
    return rep
