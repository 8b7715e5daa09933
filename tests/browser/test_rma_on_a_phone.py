"""The RMA admin on a 390 px phone: the queue and an RMA's steps fit, and a step works."""

from __future__ import annotations

import pytest

from aftersales.cases import services as case_services
from aftersales.inventory import services as inventory
from aftersales.rma import services
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/rma-390.png"


@pytest.fixture
def opened_rma(transactional_db):
    admin = factories.staff_user("rma_phone", role="rma_admin")
    seat = factories.staff_user("seat_phone", role="dispatcher")
    customer = factories.CustomerFactory(
        code="KH-PHONE-RMA", name="华东电力集团有限公司", region="华东"
    )
    part = inventory.part_create(by=admin, part_number="PWR-650-LONG-NUMBER", name="电源模块")
    warehouse = inventory.warehouse_create(
        by=admin, code="WH-EAST", name="华东备件库", region="华东"
    )
    inventory.stock_receive(by=admin, part=part, warehouse=warehouse, quantity=2)
    case = case_services.case_create(by=seat, customer=customer, title="电源模块故障，指示灯不亮")
    return services.rma_open(
        case=case, by=admin, part_number=part.part_number, fault="电源模块损坏，需提前更换备件"
    )


def _widest(page) -> float:
    """The page's width as laid out, the console's header and navigation included."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_rma_queue_and_page_fit_a_phone_and_a_spare_is_reserved(page, opened_rma):
    page.set_viewport_size(PHONE)
    login(page, "rma_phone", factories.PASSWORD)
    page.goto("/rmas/")
    assert page.is_visible(f"text={opened_rma.number}")
    assert _widest(page) <= PHONE["width"]
    # The navigation waits behind its toggler, so the queue comes first on the screen.
    assert not page.is_visible("#console-nav")
    page.click(".console-nav-toggle")
    page.wait_for_selector("#console-nav a[href='/rmas/']", state="visible")
    page.click(f"text={opened_rma.number}")
    page.wait_for_selector(".rma-steps")
    assert _widest(page) <= PHONE["width"]
    with page.expect_navigation():
        page.click(".rma-steps form:first-child button[type=submit]")
    page.screenshot(path=SHOT, full_page=True)
    opened_rma.refresh_from_db()
    assert opened_rma.status == "reserved" and opened_rma.warehouse_code == "WH-EAST"
