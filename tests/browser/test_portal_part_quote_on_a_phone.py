"""The customer answers a spare-parts quote on a 390 px phone: nothing overflows, Accept works."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.inventory import sales, services
from aftersales.inventory.models import PartSale, PartSaleStatus, StockLevel
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/portal-part-quote-390.png"


@pytest.fixture
def quote(transactional_db):
    keeper = factories.staff_user("keeper_q", role="warehouse")
    customer = factories.CustomerFactory(code="KH-PHONE-Q", name="华东电力集团有限责任公司")
    factories.ContactFactory(
        customer=customer, name="王五", user=factories.contact_user("contact_q")
    )
    part = services.part_create(
        by=keeper,
        part_number="02312QKN-LONG-PART-NUMBER",
        name="2288H V6 电源模块 900W 交流输入 高效铂金",
        sale_price=Decimal("1280.00"),
    )
    warehouse = services.warehouse_create(by=keeper, code="WH-Q", name="上海服务中心")
    services.stock_receive(by=keeper, part=part, warehouse=warehouse, quantity=2)
    sale = sales.part_sale_create(
        by=keeper,
        customer=customer.code,
        warehouse=warehouse.code,
        lines=[{"part_number": part.part_number, "quantity": 2}],
    )
    return sales.part_sale_quote(sale=sale, by=keeper)


def test_quote_page_fits_a_phone_and_accepts(page, quote):
    page.set_viewport_size(PHONE)
    login(page, "contact_q", factories.PASSWORD)
    page.goto(f"/portal/part-sales/{quote.number}/")
    assert page.is_visible("text=2560.00")
    page.screenshot(path=SHOT, full_page=True)
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('main, main *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"]
    page.click("button.btn-success")
    page.wait_for_url(f"**/portal/part-sales/{quote.number}/")
    assert PartSale.objects.get(pk=quote.pk).status == PartSaleStatus.ACCEPTED
    assert StockLevel.objects.get(warehouse__code="WH-Q").reserved == 2
