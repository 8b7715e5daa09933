"""Demo appointments: each of a few engineers has jobs today and this week (done, confirmed,
proposed to the customer), one on an open case; every region with engineers has its
representative. Runs after the registry and cases sections (engineers, customers, cases)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.cases.models import OPEN_STATUSES, Case
from aftersales.core.errors import ApplicationError
from aftersales.fieldservice import appointments, dispatch
from aftersales.fieldservice.models import Appointment, RegionalRepresentative
from aftersales.notify.services import outbox_demo_delivered, outbox_last_id
from aftersales.registry.demo import demo_staff
from aftersales.registry.models import Customer, Engineer, Site

# (days from today, hour, hours long, what happens)
PLAN = [
    (-2, 9, 2, "done"),
    (-1, 14, 2, "done"),
    (0, 9, 2, "confirmed"),
    (0, 14, 2, "confirmed"),
    (1, 10, 2, "proposed"),
    (3, 9, 3, "confirmed"),
]


def _moment(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _book(seat: Any, engineer: Any, customer: Customer, site: Site | None, n: int) -> int:
    made = 0
    for days, hour, hours, what in PLAN:
        starts_at = _moment(days, hour)
        ends_at = starts_at + dt.timedelta(hours=hours)
        where = {"customer": customer, "site": site}
        if what == "proposed":
            appointments.appointment_propose_new(
                by=seat,
                engineer=engineer,
                slots=[
                    (starts_at, ends_at),
                    (starts_at + dt.timedelta(days=1), ends_at + dt.timedelta(days=1)),
                ],
                **where,
            )
            made += 1
            continue
        obj, _created = appointments.appointment_book(
            by=seat,
            engineer=engineer,
            starts_at=starts_at,
            ends_at=ends_at,
            client_key=f"demo-{n}-{days}-{hour}",
            **where,
        )
        made += 1
        if what == "done" and ends_at < timezone.now():
            for step, at in (
                (appointments.DEPART, starts_at - dt.timedelta(minutes=40)),
                (appointments.ARRIVE, starts_at),
                (appointments.FINISH, ends_at),
            ):
                appointments.appointment_step(appointment=obj, by=engineer, step=step, at=at)
    return made


def load(demo: Any) -> None:
    """Add the week's appointments and the regions' representatives (skipped when present)."""
    if Appointment.objects.exists():
        return
    seat = demo_staff(Role.DISPATCHER).first()
    engineers = list(
        Engineer.objects.filter(is_active=True, user__in=demo_staff(Role.ENGINEER))
        .select_related("user")
        .order_by("pk")[:4]
    )
    if seat is None or not engineers:
        demo.notes.append("No demo appointments: they need a dispatcher and engineers.")
        return
    first_outbox = outbox_last_id()
    made = 0
    for n, profile in enumerate(engineers):
        customer = (
            Customer.objects.filter(is_active=True, region=profile.region).order_by("pk").first()
            or Customer.objects.filter(is_active=True).order_by("pk")[n : n + 1].first()
        )
        if customer is None:
            break
        site = Site.objects.filter(customer=customer).order_by("pk").first()
        try:
            made += _book(seat, profile.user, customer, site, n)
        except ApplicationError as exc:
            demo.notes.append(f"Demo appointments for {profile.user} stopped: {exc.message}")
    case = (
        Case.objects.filter(status__in=OPEN_STATUSES, assignee__engineer__isnull=False)
        .select_related("assignee")
        .order_by("pk")
        .first()
    )
    if case is not None:
        try:
            appointments.appointment_book(
                by=seat,
                engineer=case.assignee,
                starts_at=_moment(2, 14),
                ends_at=_moment(2, 16),
                case=case,
                client_key="demo-case",
            )
            made += 1
        except ApplicationError as exc:
            demo.notes.append(f"Demo case appointment stopped: {exc.message}")
    for region in sorted({p.region for p in Engineer.objects.filter(is_active=True)} - {""}):
        if RegionalRepresentative.objects.filter(region=region, is_active=True).exists():
            continue
        rep = (
            Engineer.objects.filter(is_active=True, region=region, user__in=demo_staff())
            .order_by("pk")
            .first()
        )
        if rep is None:
            continue
        try:
            dispatch.representative_set(by=seat, region=region, user=rep.user)
        except ApplicationError as exc:
            demo.notes.append(f"Demo representative of {region} stopped: {exc.message}")
    # The customers' pick links went out by SMS and e-mail, as far as a demo goes.
    outbox_demo_delivered(first_outbox)
    demo.add("appointments", made)
