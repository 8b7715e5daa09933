"""A seat works the call list on a 390 px phone: the queue, a callback with its script and the
attempt form, a problem raised, the coverage table; nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.feedback.callback_generation import callbacks_generate, parse_period
from aftersales.feedback.models import Callback, CallbackItem
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def call_list(transactional_db):
    factories.staff_user("seat_phone_cb", role="dispatcher")
    customer = factories.CustomerFactory(
        code="KH-PHONE-CB", name="华东电力集团有限责任公司信息中心"
    )
    factories.AssetFactory(customer=customer, accepted_on=dt.date(2026, 12, 2))
    callbacks_generate(period=parse_period("2026-12"))
    return Callback.objects.get(rule__code="commissioned-monthly")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_seat_works_a_callback_on_a_phone(page, call_list):
    page.set_viewport_size(PHONE)
    login(page, "seat_phone_cb", factories.PASSWORD)
    page.goto("/callbacks/?status=")
    assert _fits(page)
    page.goto(f"/callbacks/{call_list.pk}/")
    assert _fits(page)
    assert page.is_visible(".callback-script")
    page.fill(".callback-raise [name=text]", "客户反映告警灯偶尔闪烁，希望远程检查")
    with page.expect_navigation():
        page.click(".callback-raise button[type=submit]")
    assert _fits(page)
    item = CallbackItem.objects.get()
    page.goto(f"/callbacks/{call_list.pk}/")
    page.select_option(".callback-attempt [name=rating]", "5")
    with page.expect_navigation():
        page.click(".callback-attempt button[type=submit]")
    call_list.refresh_from_db()
    assert call_list.status == "done"
    assert _fits(page)
    page.goto("/callbacks/items/")
    assert _fits(page) and page.is_visible(f"text={item.number}")
    page.goto("/callbacks/coverage/?period=2026-12")
    assert _fits(page)
    page.screenshot(path="/tmp/console-callbacks-390.png", full_page=True)
