from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from aftersales.cases import services as case_services
from aftersales.inventory import services as inventory
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JSON = "application/json"


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def rma_admin(db):
    return factories.staff_user("rma_admin", role="rma_admin")


@pytest.fixture
def part(admin_user):
    return inventory.part_create(by=admin_user, part_number="PWR-650", name="电源模块")


@pytest.fixture
def stocked(admin_user, part):
    """One good unit of the part in the East region's service centre."""
    with time_machine.travel(at(2026, 9, 1, 9, 0), tick=False):
        warehouse = inventory.warehouse_create(
            by=admin_user, code="WH-EAST", name="华东备件库", region="华东"
        )
        inventory.stock_receive(by=admin_user, part=part, warehouse=warehouse, quantity=1)
    return warehouse


@pytest.fixture
def case(seat, customer_a, contact_a):
    """A P3 fault case opened at 09:00 on the last business day before National Day 2026."""
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False):
        return case_services.case_create(
            by=seat,
            customer=customer_a,
            title="电源模块故障",
            description="电源指示灯不亮",
            priority="P3",
            case_type="fault",
            channel="phone",
            contact=contact_a,
        )


def post(client, url: str, when: dt.datetime, **body):
    with time_machine.travel(when, tick=False):
        return client.post(url, body, content_type=JSON)


def open_rma(client, case, when: dt.datetime, **body):
    data = {"case": case.number, "part_number": "PWR-650", "fault": "电源模块损坏", **body}
    return post(client, "/api/v1/rmas", when, **data)
