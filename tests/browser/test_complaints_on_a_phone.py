"""The complaint officer files a complaint and takes it to closed on a 390 px phone, and a
customer files one on the portal: nothing scrolls sideways."""

from __future__ import annotations

import pytest

from aftersales.feedback.models import Complaint
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def desk(transactional_db):
    factories.staff_user("officer_phone", role="complaint_officer")
    customer = factories.CustomerFactory(code="KH-PHONE-C", name="华东电力集团有限责任公司")
    factories.ContactFactory(customer=customer, user=factories.contact_user("contact_phone_c"))
    return customer


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _step(page, action: str, fill: dict[str, str] | None = None) -> None:
    form = f".complaint-step-{action}"
    for name, value in (fill or {}).items():
        page.fill(f"{form} [name={name}]", value)
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    assert _fits(page), action


def test_the_officer_files_and_closes_a_complaint_on_a_phone(page, desk):
    page.set_viewport_size(PHONE)
    login(page, "officer_phone", factories.PASSWORD)
    page.goto("/complaints/new/")
    assert _fits(page)
    page.fill("#id_customer", "KH-PHONE-C")
    page.select_option("#id_department", "field")
    page.fill("#id_text", "工程师上门迟到两个小时，且未提前通知客户，影响了机房的正常维护窗口安排")
    page.fill("#id_complainant_name", "李女士")
    with page.expect_navigation():
        page.click("form.complaint-new button[type=submit]")
    complaint = Complaint.objects.get()
    assert page.url.endswith(f"/complaints/{complaint.number}/")
    assert _fits(page)
    _step(page, "answer", {"text": "现场工程部已核实，重新安排工程师"})
    _step(page, "inform")
    _step(page, "resolve", {"result": "已致歉并改派", "accountable": "张工"})
    _step(page, "verify")
    _step(page, "close")
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    page.screenshot(path="/tmp/console-complaint-390.png", full_page=True)
    page.goto("/complaints/")
    assert _fits(page)
    assert page.is_visible(f"text={complaint.number}")


def test_a_customer_files_a_complaint_on_the_portal_on_a_phone(page, desk):
    page.set_viewport_size(PHONE)
    login(page, "contact_phone_c", factories.PASSWORD)
    page.goto("/portal/complaints/new/")
    assert _fits(page)
    page.fill("#id_text", "热线多次转接，问题一直无人跟进")
    page.check("#id_anonymous")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.channel == "portal"
    assert _fits(page)
    page.goto("/portal/complaints/")
    assert _fits(page)
    assert page.is_visible(f"text={complaint.number}")
