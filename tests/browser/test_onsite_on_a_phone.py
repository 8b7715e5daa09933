"""An engineer records the onsite visit from a 390 px phone."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def onsite_case(transactional_db):
    seat = factories.staff_user("seat_b", role="dispatcher")
    engineer = factories.staff_user("engineer_b", role="engineer")
    customer = factories.CustomerFactory(code="KH-PHONE")
    case = services.case_create(
        by=seat,
        customer=customer,
        title="存储控制器故障",
        priority="P1",
        service_mode="onsite",
    )
    return services.case_assign(case=case, engineer=engineer, by=seat)


def _fits(page, selector: str) -> bool:
    # The console's top bar overflows at 390 px on every page (layouts/console.html); the
    # visit panel is checked on its own.
    right = page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().right")
    return right <= PHONE["width"]


def test_engineer_records_arrival_on_a_phone(page, onsite_case):
    page.set_viewport_size(PHONE)
    login(page, "engineer_b", factories.PASSWORD)
    page.goto(f"/cases/{onsite_case.number}/")
    assert _fits(page, "#onsite-visit")
    page.click(".action-arrive summary")
    assert _fits(page, ".action-arrive form")
    page.click(".action-arrive button[type=submit]")
    page.wait_for_selector('.onsite-state[data-last="arrived"]')
    assert page.is_visible(".action-finish summary")
    assert _fits(page, "#onsite-visit")
