"""Merging a duplicate from its case page, and a bulk priority change on the queue with one
refused row listed: on a desktop and a 390 px phone, nothing overflows the screen."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from aftersales.cases.models import Case
from tests import factories
from tests.browser.helpers import login
from tests.cases.factories_daily import open_case

pytestmark = pytest.mark.browser
SIZES = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


@pytest.fixture
def seat(transactional_db):
    return factories.staff_user("seat_org", role="dispatcher")


@pytest.fixture
def customer(transactional_db):
    return factories.CustomerFactory(code="KH-ORG-0001", name="华东电力集团")


def _right_edge(page, selector: str) -> float:
    script = f"Math.max(0, ...[...document.querySelectorAll('{selector}')]"
    script += ".map(e => e.getBoundingClientRect().right))"
    return page.evaluate(script)


def _fits(page, selector: str, width: int) -> bool:
    """Our own parts stay inside the screen, and so does the page (no horizontal scroll)."""
    page_width = page.evaluate("document.documentElement.scrollWidth")
    return _right_edge(page, selector) <= width and page_width <= width


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_merge_a_duplicate_from_its_case_page(page, seat, customer, size):
    target = open_case(seat, customer, title="存储控制器故障")
    duplicate = open_case(seat, customer, title="存储控制器又报故障")
    page.set_viewport_size(size)
    login(page, "seat_org", factories.PASSWORD)
    page.goto(f"/cases/{duplicate.number}/")
    page.click(".merge-case summary")
    page.fill("#merge-into", target.number)
    assert _fits(page, ".case-links, .case-links *, .case-tags, .case-tags *", size["width"])
    with page.expect_navigation():
        page.click(".merge-form button[type=submit]")
    banner = page.locator(".merged-banner")
    banner.wait_for()
    assert banner.locator("a.merged-into").inner_text() == target.number
    assert _fits(page, ".merged-banner, .merged-banner *", size["width"])
    assert Case.objects.get(pk=duplicate.pk).merged_into_id == target.pk
    with page.expect_navigation():
        banner.locator("a.merged-into").click()
    assert page.url.endswith(f"/cases/{target.number}/")


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_bulk_priority_lists_the_refused_row(page, seat, customer, size):
    done = open_case(seat, customer, title="批量一")
    closed = services.case_close(case=open_case(seat, customer, title="批量二"), by=seat, text="撤")
    page.set_viewport_size(size)
    login(page, "seat_org", factories.PASSWORD)
    page.goto("/cases/?tab=all")
    page.check(f".case-tick[aria-label='{done.number}']")
    page.check(f".case-tick[aria-label='{closed.number}']")
    page.select_option("#bulk-choice", "priority:P1")
    assert _fits(page, "#bulk-bar, #bulk-bar *", size["width"])
    with page.expect_navigation():
        page.click("#bulk-apply")
    page.wait_for_load_state("load")
    body = page.locator("body").inner_text()
    assert closed.number in body and done.number in body
    assert Case.objects.get(pk=done.pk).priority == "P1"
    assert Case.objects.get(pk=closed.pk).priority == "P2"
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
