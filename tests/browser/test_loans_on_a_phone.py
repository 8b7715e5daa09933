"""Loaners on a 390 px phone: the customer's loaners page and the keeper's loans page fit."""

from __future__ import annotations

import pytest

from aftersales.inventory import loans, services
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/portal-loaners-390.png"
CONSOLE_SHOT = "/tmp/console-loans-390.png"
WIDEST = (
    "Math.max(...[...document.querySelectorAll('#rows, #rows *, main form, main form *')]"
    ".map(e => e.getBoundingClientRect().right))"
)


@pytest.fixture
def open_loan(transactional_db):
    keeper = factories.staff_user("keeper_l", role="warehouse")
    customer = factories.CustomerFactory(code="KH-PHONE-L", name="华东电力集团有限责任公司")
    factories.ContactFactory(customer=customer, user=factories.contact_user("contact_l"))
    asset = factories.AssetFactory(customer=customer, serial_number="SN-PHONE-LOANER-ASSET-0001")
    part = services.part_create(
        by=keeper, part_number="BYJ-2288H-V6", name="FusionServer 2288H V6 备用机", serialised=True
    )
    warehouse = services.warehouse_create(by=keeper, code="WH-SH", name="上海服务中心")
    serial = "BYJ2288-SH-LONG-SERIAL-0001"
    services.stock_receive(by=keeper, part=part, warehouse=warehouse, quantity=1, serials=[serial])
    loans.loaner_pool_set(by=keeper, part=part, serial=serial)
    return loans.loan_lend(
        by=keeper,
        serial=serial,
        customer=customer,
        asset=asset,
        ref_kind="rma",
        ref="RMA-20261207-0001",
    )


def test_the_customers_loaners_page_fits_a_phone(page, open_loan):
    page.set_viewport_size(PHONE)
    login(page, "contact_l", factories.PASSWORD)
    page.goto("/portal/loaners/")
    assert page.is_visible("text=BYJ2288-SH-LONG-SERIAL-0001")
    assert page.is_visible("text=RMA-20261207-0001")
    page.screenshot(path=SHOT, full_page=True)
    assert page.evaluate(WIDEST) <= PHONE["width"]


def test_the_keepers_loans_page_fits_a_phone(page, open_loan):
    page.set_viewport_size(PHONE)
    login(page, "keeper_l", factories.PASSWORD)
    page.goto("/inventory/loans/")
    assert page.is_visible("text=BYJ2288-SH-LONG-SERIAL-0001")
    page.screenshot(path=CONSOLE_SHOT, full_page=True)
    assert page.evaluate(WIDEST) <= PHONE["width"]
