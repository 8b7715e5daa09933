"""The report schedules page on a 390 px phone: long addresses wrap, the form stacks under the
list, the page never scrolls sideways."""

from __future__ import annotations

import pytest

from aftersales.reports import schedules
from tests import factories
from tests.browser.helpers import login

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def scheduled(transactional_db):
    boss = factories.staff_user("sched_phone_mgr", role="manager")
    customer = factories.CustomerFactory(
        code="KH-PHONE-SCH", name="华东电力集团有限责任公司信息中心"
    )
    schedules.schedule_create(
        by=boss,
        kind="quarterly_customer",
        customer=customer.code,
        recipients="a-very-long-mailbox-name-for-the-operations-team@subsidiary.example.com",
    )


def test_a_manager_reads_and_adds_schedules_on_a_phone(page, scheduled):  # noqa: F811
    page.set_viewport_size(PHONE)
    login(page, "sched_phone_mgr", factories.PASSWORD)
    page.goto("/reports/schedules/")
    assert page.is_visible(".schedule-card") and page.is_visible("#schedule-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
