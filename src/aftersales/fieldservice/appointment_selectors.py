"""Every read of appointments that pages and the API share, scoped to what the user sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import is_staff_member
from aftersales.core import timeline
from aftersales.core.errors import NotFound
from aftersales.fieldservice.appointment_access import appointments_for_user
from aftersales.fieldservice.models import (
    OPEN_VISIT_STATUSES,
    Appointment,
    AppointmentStatus,
    InspectionVisit,
    RegionalRepresentative,
)

NOT_FOUND = _("Not found.")
RELATED = ("engineer", "customer", "site", "case")


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day [00:00, next 00:00) in the active time zone, as aware moments."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def appointment_get_for_user(*, user: Any, pk: int) -> Appointment:
    """The appointment, or 404 for whoever may not see it."""
    try:
        return appointments_for_user(user).select_related(*RELATED).get(pk=pk)
    except Appointment.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


@dataclass(frozen=True)
class AppointmentFilters:
    engineer: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    case: str = ""
    status: str = ""
    customer: str = ""


def appointment_list(*, user: Any, filters: AppointmentFilters) -> QuerySet[Appointment]:
    """Appointments in time order; `date_to` is inclusive (the whole local day)."""
    qs = appointments_for_user(user).select_related(*RELATED)
    if filters.engineer:
        qs = qs.filter(engineer__username=filters.engineer)
    if filters.date_from:
        qs = qs.filter(ends_at__gt=day_bounds(filters.date_from)[0])
    if filters.date_to:
        qs = qs.filter(starts_at__lt=day_bounds(filters.date_to)[1])
    if filters.case:
        qs = qs.filter(case__number=filters.case)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.customer:
        qs = qs.filter(customer__code=filters.customer)
    return qs.order_by("starts_at", "pk")


def my_day(*, user: Any, day: dt.date) -> list[Appointment]:
    """The engineer's own jobs of the day in order (cancelled ones left out)."""
    start, end = day_bounds(day)
    return list(
        Appointment.objects.filter(engineer=user, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("customer", "site", "case")
        .order_by("starts_at", "pk")
    )


@dataclass
class Commitment:
    """One line of an engineer's calendar: an appointment or an inspection visit."""

    day: dt.date
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    title: str
    customer: str
    kind: str
    status: str
    appointment: Appointment | None = None


def week(*, user: Any, engineer: Any, first_day: dt.date) -> list[tuple[dt.date, list]]:
    """The engineer's commitments of seven days from `first_day`: appointments (as `user` may
    see them) and the inspection visits planned for them, day by day."""
    start, _end = day_bounds(first_day)
    end = start + dt.timedelta(days=7)
    days: dict[dt.date, list[Commitment]] = {first_day + dt.timedelta(days=n): [] for n in range(7)}
    appointments = (
        appointments_for_user(user)
        .filter(engineer=engineer, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("customer", "case")
        .order_by("starts_at", "pk")
    )
    for a in appointments:
        day = timezone.localdate(a.starts_at)
        days.setdefault(day, []).append(
            Commitment(
                day=day,
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                title=a.case.number if a.case_id else a.get_kind_display(),
                customer=a.customer.name if a.customer_id else a.address,
                kind="appointment",
                status=a.get_status_display(),
                appointment=a,
            )
        )
    visits = InspectionVisit.objects.filter(
        engineer=engineer,
        planned_on__gte=first_day,
        planned_on__lt=first_day + dt.timedelta(days=7),
        status__in=OPEN_VISIT_STATUSES,
    ).select_related("customer")
    for v in visits:
        days.setdefault(v.planned_on, []).append(
            Commitment(
                day=v.planned_on,
                starts_at=None,
                ends_at=None,
                title=str(_("Inspection visit")),
                customer=v.customer.name,
                kind="visit",
                status=v.get_status_display(),
            )
        )
    return sorted(days.items())


def activities_for_user(*, user: Any, appointment: Appointment) -> QuerySet:
    """The appointment's timeline as the user may see it (contacts: no internal rows)."""
    return timeline.for_subject(
        "appointment", appointment.pk, include_internal=is_staff_member(user)
    )


def representatives() -> QuerySet[RegionalRepresentative]:
    """The active representative of each region."""
    return RegionalRepresentative.objects.filter(is_active=True).select_related("user")
