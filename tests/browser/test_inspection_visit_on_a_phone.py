"""An engineer completes an inspection visit on a 390×844 phone: checklist with an out-of-range
value highlighted, a case opened from a finding, the customer's signature, the report filed."""

from __future__ import annotations

import pytest

from aftersales.fieldservice.models import ChecklistItem
from tests import factories
from tests.browser.helpers import login
from tests.fieldservice.factories_inspections import make_contract, make_plan

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/inspection-visit-390.png"


@pytest.fixture
def visit(transactional_db):
    factories.staff_user("engineer_x", role="engineer")
    customer = factories.CustomerFactory(code="KH-PHONE-X", name="华东电力集团")
    plan = make_plan(make_contract(customer, number="HT-XJ-PHONE"))
    return plan.visits.order_by("sequence").first()


def test_an_engineer_completes_a_visit_on_a_phone(page, visit):
    page.set_viewport_size(PHONE)
    login(page, "engineer_x", factories.PASSWORD)
    page.goto(f"/inspections/{visit.pk}/")
    voltage = ChecklistItem.objects.get(unit="V")
    temperature = ChecklistItem.objects.get(unit="°C")
    page.fill(f"#value_{voltage.pk}", "236")
    page.fill(f"#value_{temperature.pk}", "22")
    page.click(f"label[for=ok_{ChecklistItem.objects.filter(kind='check').first().pk}_1]")
    with page.expect_navigation():
        page.click("#save-checks")
    row = page.locator(f".visit-check[data-item='{voltage.pk}']")
    assert row.locator(".out-of-range").is_visible()
    assert page.locator(f".visit-check[data-item='{temperature.pk}'] .out-of-range").count() == 0

    page.fill("textarea[name=text]", "UPS电池鼓包，需更换")
    with page.expect_navigation():
        page.click("button[name=open_case]")
    case_link = page.locator(".finding a.btn")
    assert case_link.is_visible()
    assert case_link.inner_text().strip()

    page.fill("#signed-by", "王主任")
    pad = page.locator("#customer-signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + 150, box["y"] + 90, steps=8)
    page.mouse.move(box["x"] + 250, box["y"] + 40, steps=8)
    page.mouse.up()
    with page.expect_navigation():
        page.click("#save-signature")
    assert page.is_visible("text=Signed by 王主任.")

    with page.expect_navigation():
        page.click("#complete-visit")
    assert page.is_visible("a[href$='/report.pdf']")
    page.screenshot(path=SHOT, full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
