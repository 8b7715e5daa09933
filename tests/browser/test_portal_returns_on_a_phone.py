"""The customer's returns list on a 390 px phone: each request a card, nothing overflows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.rma import returns
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/portal-returns-390.png"


@pytest.fixture
def rejected_return(transactional_db):
    admin = factories.staff_user("rma_admin_rt", role="rma_admin")
    customer = factories.CustomerFactory(code="KH-PHONE-RT", name="华东电力集团")
    factories.ContactFactory(customer=customer, user=factories.contact_user("contact_rt"))
    obj = returns.return_request(
        by=admin,
        customer=customer.code,
        purchased_on=timezone.localdate() - dt.timedelta(days=2),
        reason="开箱后电源模块无法上电，指示灯不亮，已按说明书排查电源线与插座",
        serial_number="SN-PHONE-RETURN-LONG-0001",
    )
    return returns.return_reject(request=obj, by=admin, reason="外观划伤属人为损坏，不属于质量问题")


def test_return_list_fits_a_phone(page, rejected_return):
    page.set_viewport_size(PHONE)
    login(page, "contact_rt", factories.PASSWORD)
    page.goto("/portal/returns/")
    assert page.is_visible(f"text={rejected_return.number}")
    assert page.is_visible("text=不属于质量问题", strict=False)
    page.screenshot(path=SHOT, full_page=True)
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#rows, #rows *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"]
