"""Console and portal pages of a carry-in repair: the due moment, the late flag, and the
form that draws a part from stock (it works on a phone: plain stacked fields)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from aftersales.inventory import services as inventory
from aftersales.inventory.models import StockLevel
from aftersales.repairs import services
from tests import factories
from tests.repairs.conftest import open_case

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rma_admin(db):
    return factories.staff_user("rma_admin", role="rma_admin")


@pytest.fixture
def received(rma_admin, seat, engineer, customer_a, contact_a, new_asset):
    """A carry-in order received at 15:00 on Friday 4 December 2026."""
    with time_machine.travel(dt.datetime(2026, 12, 4, 14, 0, tzinfo=SHANGHAI), tick=False):
        case = open_case(seat, engineer, customer_a, contact_a, "SN-NEW-1")
        order = services.repair_create(
            by=rma_admin,
            case=case,
            service_mode="carry_in",
            fault_category="power",
            fault_text="坏",
        )
    with time_machine.travel(dt.datetime(2026, 12, 4, 15, 0, tzinfo=SHANGHAI), tick=False):
        return services.repair_receive(by=rma_admin, order=order)


@pytest.fixture
def stock(admin_user):
    store = inventory.warehouse_create(by=admin_user, code="WH-SH", name="上海服务中心")
    part = inventory.part_create(
        by=admin_user, part_number="PSU-900", name="电源模块", sale_price=Decimal("1280")
    )
    inventory.stock_receive(by=admin_user, part=part, warehouse=store, quantity=1)
    return part, store


def test_console_page_and_list_show_the_due_moment(rma_admin, received):
    client = client_for(rma_admin)
    page = client.get(f"/repairs/{received.pk}/").content.decode()
    assert "2026-12-07 15:00" in page and 'id="return-due"' in page
    assert "2026-12-07 15:00" in client.get("/repairs/").content.decode()


def test_list_flags_an_overdue_carry_in_order_late(rma_admin, received):
    from aftersales.repairs.promises import promises_of

    for promise in promises_of(received):  # what the engine's sweep records at the due moment
        promise.breached_at = promise.due_at
        promise.save(update_fields=["breached_at"])
    assert "Late" in client_for(rma_admin).get("/repairs/").content.decode()


def test_portal_page_shows_the_customer_the_due_moment(contact_a, received):
    page = client_for(contact_a.user).get(f"/portal/repairs/{received.pk}/").content.decode()
    assert "2026-12-07 15:00" in page


def test_console_form_draws_a_part_from_stock(rma_admin, received, stock):
    part, store = stock
    client = client_for(rma_admin)
    page = client.get(f"/repairs/{received.pk}/").content.decode()
    assert 'id="stock-parts"' in page and "PSU-900" in page
    response = client.post(
        f"/repairs/{received.pk}/draw-part/",
        {"warehouse": "WH-SH", "part_number": "PSU-900", "quantity": 1, "serial": ""},
    )
    assert response.status_code == 302
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == 0
    again = client.post(
        f"/repairs/{received.pk}/draw-part/",
        {"warehouse": "WH-SH", "part_number": "PSU-900", "quantity": 1, "serial": ""},
    )
    assert again.status_code == 409
    assert "No unit of this part is available." in again.content.decode()


def test_a_seat_who_does_not_work_repairs_sees_no_stock_form(seat, received, stock):
    page = client_for(seat).get(f"/repairs/{received.pk}/").content.decode()
    assert 'id="stock-parts"' not in page
