"""An engineer on a 390 px phone answers a case with the "waiting for logs" macro: the picker
fills the comment box, "Apply macro" sends it, the case waits; nothing scrolls sideways."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from aftersales.cases.models import Status
from tests import factories
from tests.browser.helpers import login
from tests.cases import factories_daily as daily

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_case(transactional_db):
    seat = factories.staff_user("seat_mac", role="dispatcher")
    engineer = factories.staff_user("engineer_mac", role="engineer")
    manager = factories.staff_user("manager_mac", role="manager")
    customer = factories.CustomerFactory(code="KH-PHONE-MAC", name="华东电力集团有限责任公司")
    contact = factories.ContactFactory(customer=customer, name="王工")
    daily.macro(manager, name="请提供日志", team="engineer", set_status="waiting")
    case = services.case_create(
        by=seat, customer=customer, contact=contact, title="存储控制器告警", priority="P2"
    )
    case = services.case_assign(case=case, engineer=engineer, by=seat)
    return services.case_respond(case=case, by=engineer, text="已电话联系客户")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_engineer_waits_for_logs_with_a_macro_on_a_phone(page, phone_case):
    page.set_viewport_size(PHONE)
    login(page, "engineer_mac", factories.PASSWORD)
    page.goto(f"/cases/{phone_case.number}/")
    assert _fits(page)
    page.select_option("#macro-select", label="请提供日志")
    text = page.input_value("#comment-text")
    assert f"请提供 {phone_case.number} 的日志" in text and text.startswith("王工")
    page.fill("#comment-text", text + " 谢谢！")
    page.click(".macro-apply")
    page.wait_for_selector(".case-notice")
    assert page.locator(".activity-comment .activity-text").last.inner_text().endswith("谢谢！")
    phone_case.refresh_from_db()
    assert phone_case.status == Status.WAITING
    assert str(Status.WAITING.label) in page.inner_text("#case-header")
    assert _fits(page)
    page.screenshot(path="/tmp/console-macro-390.png", full_page=True)
