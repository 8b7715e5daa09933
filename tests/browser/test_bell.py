"""The bell on a desktop and a 390 px phone: a case assigned elsewhere shows up without a reload."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from tests import factories
from tests.browser.helpers import login

pytestmark = pytest.mark.browser
SIZES = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]
BADGE = "document.getElementById('notice-badge')"


@pytest.fixture
def people(transactional_db, settings):
    settings.NOTICE_POLL_SECONDS = 1  # the page asks every second instead of every 30
    seat = factories.staff_user("seat_bell", role="dispatcher")
    engineer = factories.staff_user("engineer_bell", role="engineer")
    customer = factories.CustomerFactory(code="KH-BELL-0001")
    case = services.case_create(by=seat, customer=customer, title="存储阵列告警", priority="P2")
    return seat, engineer, case


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_an_assignment_rings_the_bell_without_a_reload_and_opening_it_reads_it(page, people, size):
    seat, engineer, case = people
    page.set_viewport_size(size)
    login(page, "engineer_bell", factories.PASSWORD)
    page.goto("/")
    page.wait_for_load_state("load")
    page.wait_for_function(f"{BADGE}.dataset.count === '0'")  # loaded after the page
    assert not page.locator("#notice-badge").is_visible()
    page.evaluate("window.stillTheSamePage = true")

    services.case_assign(case=case, engineer=engineer, by=seat)

    page.wait_for_function(f"{BADGE}.dataset.count === '1'")
    assert page.evaluate("window.stillTheSamePage") is True  # polled, not reloaded
    page.wait_for_selector("#notice-badge", state="visible")  # after HTMX's settle (20 ms)
    assert _overflow(page) <= 0

    if size["width"] < 768:  # a phone goes to the full page
        with page.expect_navigation():
            page.click(".notice-bell-link")
        assert _overflow(page) <= 0
    else:  # a desktop opens the dropdown, which loads the latest
        page.click(".notice-bell-toggle")
    page.wait_for_selector(f".notice-row:has-text('{case.number}')", state="visible")
    with page.expect_navigation():
        page.click(f".notice-row:visible:has-text('{case.number}')")
    assert page.url.endswith(f"/cases/{case.number}/")
    page.wait_for_function(f"{BADGE}.dataset.count === '0'")
    assert not page.locator("#notice-badge").is_visible()
    assert _overflow(page) <= 0
