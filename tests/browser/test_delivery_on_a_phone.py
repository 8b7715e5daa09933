"""A delivery walked through acceptance on a 390×844 phone: recorded, failed at the
professional inspection, exchanged, passed, finally accepted; the asset's warranty starts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.contracts.entitlement import add_months
from tests import factories
from tests.browser.helpers import login
from tests.browser.test_every_page_on_a_phone import OVERFLOW_JS
from tests.fieldservice.factories_deliveries import contract_for

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/delivery-390.png"


@pytest.fixture
def world(transactional_db):
    customer = factories.CustomerFactory(code="KH-PHONE-DL", name="华东电力集团")
    contract = contract_for(customer, number="HT-PHONE-DL")
    model = factories.ProductModelFactory(name="OceanStor 5300", warranty_months=36)
    factories.staff_user("mgr_dl", role="manager")
    return contract, model


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{selector} button[type=submit]")
    assert page.evaluate(OVERFLOW_JS) is None, page.evaluate(OVERFLOW_JS)


def test_a_delivery_fails_professional_is_fixed_and_accepted_on_a_phone(page, world):
    contract, model = world
    page.set_viewport_size(PHONE)
    login(page, "mgr_dl", factories.PASSWORD)
    page.goto("/deliveries/new/")
    page.fill("#id_contract", contract.number)
    page.select_option("select[name=item-0-model]", str(model.pk))
    page.fill("input[name=item-0-serial]", "SN-PHONE-DL-0001")
    submit(page, "form.delivery-new")
    assert page.inner_text("#delivery-stage").strip() != ""  # waits for its initial inspection

    submit(page, "form.inspect-form")  # initial: every check passed, all received
    page.select_option("form.inspect-form select[name=passed]", "0")
    page.fill("form.inspect-form input[name=notes]", "电源模块耐压测试不合格")
    submit(page, "form.inspect-form")
    assert page.is_visible("form.fix-form")

    page.fill("form.fix-form input[name=reference]", "RMA-PHONE-1")
    submit(page, "form.fix-form")
    submit(page, "form.fixed-form")
    submit(page, "form.inspect-form")  # professional again: passed
    submit(page, "form.inspect-form")  # final: the final acceptance

    today = timezone.localdate()
    ends = add_months(today, 36) - dt.timedelta(days=1)
    assert page.inner_text("#delivery-items .warranty-ends").strip() == f"{ends:%Y-%m-%d}"
    assert "SN-PHONE-DL-0001" in page.inner_text("#delivery-items")

    # The customer's person signs the final form on the phone.
    page.fill("#signed-by", "王工")
    locator = page.locator("#delivery-signature-pad")
    locator.scroll_into_view_if_needed()
    pad = locator.bounding_box()
    page.mouse.move(pad["x"] + 20, pad["y"] + 30)
    page.mouse.down()
    page.mouse.move(pad["x"] + 150, pad["y"] + 90, steps=8)
    page.mouse.move(pad["x"] + 250, pad["y"] + 40, steps=8)
    page.mouse.up()
    submit(page, "form.sign-form")
    assert "王工" in page.inner_text(".delivery-steps"), page.inner_text("main")[:600]
    page.screenshot(path=SHOT, full_page=True)
