"""The keeper's part-sale pages and the RMA admin's returns queue on a 390 px phone: nothing
scrolls sideways, and a return takes a photo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.inventory import sales, services
from aftersales.rma import returns
from aftersales.rma.models import ReturnPhoto
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def desk(transactional_db, tmp_path):
    admin = factories.staff_user("rma_phone_s", role="rma_admin")
    customer = factories.CustomerFactory(code="KH-PHONE-S", name="华东电力集团有限责任公司")
    part = services.part_create(
        by=admin,
        part_number="02312QKN-LONG-PART-NUMBER",
        name="2288H V6 电源模块 900W 交流输入 高效铂金",
        sale_price=Decimal("1280.00"),
    )
    warehouse = services.warehouse_create(by=admin, code="WH-S", name="上海服务中心")
    services.stock_receive(by=admin, part=part, warehouse=warehouse, quantity=2)
    sale = sales.part_sale_create(
        by=admin,
        customer=customer.code,
        warehouse=warehouse.code,
        lines=[{"part_number": part.part_number, "quantity": 2}],
    )
    request = returns.return_request(
        by=admin,
        customer=customer.code,
        purchased_on=timezone.localdate() - dt.timedelta(days=2),
        reason="屏幕出现大量坏点，开机后闪烁",
        serial_number="SN-PHONE-RETURN-LONG-0001",
    )
    photo = tmp_path / "坏点.png"
    photo.write_bytes(PNG)
    return sale, request, photo


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_part_sale_pages_and_the_returns_queue_fit_a_phone(page, desk):
    sale, request, photo = desk
    page.set_viewport_size(PHONE)
    login(page, "rma_phone_s", factories.PASSWORD)
    for url in ("/inventory/part-sales/", f"/inventory/part-sales/{sale.number}/", "/returns/"):
        page.goto(url)
        assert _fits(page), url
    page.goto(f"/returns/{request.number}/")
    assert _fits(page)
    page.set_input_files(".return-photos input[type=file]", str(photo))
    with page.expect_navigation():
        page.click(".return-photos button[type=submit]")
    assert page.is_visible(".return-photos >> text=坏点.png")
    assert _fits(page)
    page.screenshot(path="/tmp/console-return-390.png", full_page=True)
    assert ReturnPhoto.objects.filter(request=request).count() == 1
