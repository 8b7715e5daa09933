"""Helpers for the appointment and dispatch tests: engineers with profiles, cases, bookings."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine

from aftersales.cases import services as case_services
from aftersales.fieldservice import appointments
from aftersales.registry.models import Skill
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JSON = "application/json"
# Monday 7 December 2026, an ordinary working day; the tests book on Tuesday the 8th.
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of December 2026 in Shanghai."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def field_engineer(username: str, *, region: str = "华东", skills: tuple[str, ...] = ()):
    """An engineer login with its registry profile (region, skills)."""
    profile = factories.EngineerFactory(username=username, region=region, name=username.title())
    for code in skills:
        profile.skills.add(Skill.objects.get_or_create(code=code, defaults={"name": code})[0])
    return profile.user


def site_of(customer, *, region: str = "华东", address: str = "上海市浦东新区张江路1号"):
    return factories.SiteFactory(customer=customer, region=region, address=address)


def open_case(seat, customer, contact=None, *, asset=None, priority: str = "P3"):
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        return case_services.case_create(
            by=seat,
            customer=customer,
            title="存储控制器故障",
            description="需上门更换控制器",
            priority=priority,
            case_type="fault",
            channel="phone",
            service_mode="onsite",
            contact=contact,
            serial_number=asset.serial_number if asset is not None else "",
        )


def book(by, engineer, starts_at, ends_at, **more):
    """Book through the service, at NOW; returns the appointment."""
    with time_machine.travel(NOW, tick=False):
        obj, _created = appointments.appointment_book(
            by=by, engineer=engineer, starts_at=starts_at, ends_at=ends_at, **more
        )
    return obj


def api_book(client, **body):
    with time_machine.travel(NOW, tick=False):
        return client.post("/api/v1/appointments", body, content_type=JSON)


def appointment_fillers(customer) -> dict:
    """The isolation sweep's path values: a proposed appointment of customer A and its link."""
    seat = factories.staff_user("swp_apt_seat", role="dispatcher")
    engineer = field_engineer("swp_apt_engineer")
    start = dt.datetime(2030, 1, 8, 9, 0, tzinfo=SHANGHAI)
    obj = appointments.appointment_propose_new(
        by=seat,
        engineer=engineer,
        customer=customer,
        slots=[
            (start, start + dt.timedelta(hours=2)),
            (start + dt.timedelta(days=1), start + dt.timedelta(days=1, hours=2)),
        ],
    )
    token = appointments.link_url(obj).rstrip("/").rsplit("/", 1)[-1]
    return {
        "appointments/pk": obj.pk,  # console, portal and /api/v1/appointments/{pk}
        "pick/token": token,  # appointments/pick/<token>/ (no login)
        "appointment-links/token": token,  # /api/v1/appointment-links/{token}
    }
