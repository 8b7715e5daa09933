"""The KPI and appraisal pages on a 390 px phone: cards stack, tables scroll inside their box,
the page itself never scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.browser.helpers import login
from tests.reports import factories as rf

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def figures(transactional_db):
    factories.staff_user("kpi_phone_mgr", role="manager")
    customer = factories.CustomerFactory(
        code="KH-PHONE-KPI", name="华东电力集团有限责任公司信息中心"
    )
    me = rf.engineer_in("华东一组", "kpi_phone_eng")
    now = timezone.now()
    for hours in (3, 30, 300):
        case = rf.case(customer, now - dt.timedelta(hours=hours), priority="P1", assignee=me)
        rf.promise(
            case,
            "response",
            case.created_at,
            used=20,
            completed_at=case.created_at + dt.timedelta(minutes=40),
        )
        rf.activity(case, "resolved", now - dt.timedelta(hours=1), actor=me)


def _fits(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_manager_reads_the_kpis_and_the_appraisal_on_a_phone(page, figures):  # noqa: F811
    page.set_viewport_size(PHONE)
    login(page, "kpi_phone_mgr", factories.PASSWORD)
    page.goto("/reports/kpis/")
    assert page.is_visible("#kpi-opened") and _fits(page)
    page.screenshot(path="/tmp/reports-kpis-390.png", full_page=True)
    page.goto("/reports/appraisal/")
    assert page.is_visible(".appraisal-table") and _fits(page)
    page.screenshot(path="/tmp/reports-appraisal-390.png", full_page=True)
