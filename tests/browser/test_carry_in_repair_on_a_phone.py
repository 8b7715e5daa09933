"""The engineer at the service centre's bench on a 390 px phone: a carry-in order's due moment
shows, a part is drawn from stock, and nothing scrolls sideways."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.inventory import services as inventory
from aftersales.inventory.models import StockLevel
from aftersales.repairs import services
from tests import factories
from tests.browser.helpers import login
from tests.repairs.conftest import open_case

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/carry-in-390.png"


@pytest.fixture
def received_order(transactional_db):
    seat = factories.staff_user("seat_ci", role="dispatcher")
    engineer = factories.staff_user("engineer_ci", role="engineer")
    keeper = factories.staff_user("keeper_ci", role="warehouse")
    customer = factories.CustomerFactory(code="KH-PHONE-CI", name="华东电力集团有限公司")
    contact = factories.ContactFactory(customer=customer)
    factories.AssetFactory(customer=customer, serial_number="SN-PHONE-CI-0001")
    store = inventory.warehouse_create(by=keeper, code="WH-SH", name="上海服务中心")
    part = inventory.part_create(
        by=keeper, part_number="PSU-900-LONG", name="电源模块", sale_price=Decimal("1280")
    )
    inventory.stock_receive(by=keeper, part=part, warehouse=store, quantity=2)
    case = open_case(seat, engineer, customer, contact, "SN-PHONE-CI-0001")
    order = services.repair_create(
        by=engineer, case=case, service_mode="carry_in", fault_category="power", fault_text="坏"
    )
    return services.repair_receive(by=engineer, order=order), part, store


def test_a_carry_in_order_fits_a_phone_and_the_engineer_draws_a_part(page, received_order):
    order, part, store = received_order
    page.set_viewport_size(PHONE)
    login(page, "engineer_ci", factories.PASSWORD)
    page.goto(f"/repairs/{order.pk}/")
    assert page.is_visible("#return-due")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.select_option("#stock-parts select[name=warehouse]", store.code)
    page.select_option("#stock-parts select[name=part_number]", part.part_number)
    with page.expect_navigation():
        page.click("#stock-parts button:has-text('Take from stock')")
    page.screenshot(path=SHOT, full_page=True)
    assert page.is_visible(f"#stock-parts >> text={part.part_number} × 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == 1
