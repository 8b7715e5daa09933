"""Issue 11's day, all on 390 px phones: a customer reports a fault on the portal, the seat
assigns it, the engineer finds it on the home page, answers it with a macro that solves it, and
the customer confirms from the portal's home. Nothing scrolls sideways on the way."""

from __future__ import annotations

import re

import pytest

from aftersales.cases import services
from aftersales.cases.models import Case, Status
from tests import factories
from tests.browser.helpers import login
from tests.cases import factories_daily as daily

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def desk(transactional_db):
    seat = factories.staff_user("seat_day", role="dispatcher")
    engineer = factories.staff_user("engineer_day", role="engineer")
    manager = factories.staff_user("manager_day", role="manager")
    customer = factories.CustomerFactory(code="KH-DAY", name="华东电力集团有限责任公司")
    factories.ContactFactory(
        customer=customer, name="王工", user=factories.contact_user("contact_day")
    )
    daily.macro(
        manager,
        name="已远程解决",
        team="engineer",
        set_status="resolved",
        body="{contact}您好，{case_number} 的故障已通过远程方式处理完毕。——{engineer}",
    )
    return {"seat": seat, "engineer": engineer}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def _sign_in(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, username, factories.PASSWORD)
    return page


def test_a_fault_reported_on_a_phone_is_solved_with_a_macro_and_confirmed(
    browser, live_server, desk
):
    customer = _sign_in(browser, live_server, "contact_day")
    customer.goto("/portal/cases/new/")
    _fits(customer)
    customer.fill("#id_title", "核心交换机端口频繁闪断")
    customer.fill("#id_description", "3号楼汇聚交换机 Gi0/1 端口每小时闪断数次。")
    with customer.expect_navigation():
        customer.click("#portal-case-new button[type=submit]")
    # The test reads the pages, not the database: the live server may be writing meanwhile.
    number = re.search(r"/portal/cases/([^/]+)/", customer.url).group(1)
    case = Case.objects.get(number=number)

    services.case_assign(case=case, engineer=desk["engineer"], by=desk["seat"])

    engineer = _sign_in(browser, live_server, "engineer_day")
    engineer.goto("/")
    engineer.wait_for_selector(f"#my-queue a:has-text('{case.number}')")
    _fits(engineer)
    with engineer.expect_navigation():
        engineer.click(f"#my-queue a:has-text('{case.number}')")
    engineer.click(".action-respond summary")
    engineer.fill(".action-respond textarea", "已电话联系王工")
    engineer.click(".action-respond button[type=submit]")
    # HTMX swaps the page in: respond is no longer offered once it is done.
    engineer.wait_for_selector(".action-respond", state="detached")
    # The picker's script binds once HTMX has settled the swapped page: pick until it fills.
    engineer.wait_for_load_state("networkidle")
    for _attempt in range(5):
        engineer.select_option("#macro-select", index=0)
        engineer.select_option("#macro-select", label="已远程解决")
        if "王工您好" in engineer.input_value("#comment-text"):
            break
        engineer.wait_for_timeout(300)
    assert "王工您好" in engineer.input_value("#comment-text")
    engineer.click(".macro-apply")
    # The macro's answer swaps the page in with the case resolved.
    engineer.wait_for_selector(f"#case-header :text('{Status.RESOLVED.label}')")
    _fits(engineer)
    engineer.close()

    customer.goto("/portal/")
    card = customer.locator(f".case-to-confirm[data-number='{case.number}']")
    assert "远程方式处理完毕" in card.inner_text()
    _fits(customer)
    with customer.expect_navigation():
        card.locator(".confirm-solved").click()
    assert str(Status.CLOSED.label) in customer.inner_text("main")
    customer.screenshot(path="/tmp/portal-confirmed-390.png", full_page=True)
