"""The customer's repair list on a 390 px phone: each order a card, nothing overflows."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.repairs import services
from tests import factories
from tests.browser.helpers import login
from tests.repairs.conftest import open_case

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/portal-repairs-390.png"


@pytest.fixture
def quoted_repair(transactional_db):
    seat = factories.staff_user("seat_r", role="dispatcher")
    engineer = factories.staff_user("engineer_r", role="engineer")
    customer = factories.CustomerFactory(code="KH-PHONE-R", name="华东电力集团")
    contact = factories.ContactFactory(customer=customer, user=factories.contact_user("contact_r"))
    factories.AssetFactory(
        customer=customer, serial_number="SN-PHONE-LONG-0001", accepted_on=dt.date(2020, 1, 1)
    )
    case = open_case(seat, engineer, customer, contact, "SN-PHONE-LONG-0001")
    order = services.repair_create(
        by=engineer, case=case, service_mode="carry_in", fault_category="power", fault_text="坏"
    )
    order = services.repair_update(
        by=engineer,
        order=order,
        diagnosis="电源模块损坏",
        parts=[{"name": "电源模块", "unit_price": "800"}],
    )
    return services.repair_quote(by=engineer, order=order)


def test_repair_list_fits_a_phone(page, quoted_repair):
    page.set_viewport_size(PHONE)
    login(page, "contact_r", factories.PASSWORD)
    page.goto("/portal/repairs/")
    assert page.is_visible(f"text={quoted_repair.number}")
    page.screenshot(path=SHOT, full_page=True)
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#rows, #rows *, form[role=search]')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"]
