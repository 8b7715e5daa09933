"""The monthly major-request report: the month's major requests, their approvals and causes,
classified as technical or business problems by case type."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.reports.major import BUSINESS, TECHNICAL, major_report, parse_month
from tests import factories
from tests.conftest import api_client_for
from tests.repairs.pdf_pages import pdf_text
from tests.reports.factories import at

pytestmark = pytest.mark.django_db
MARCH = parse_month("2026-03")
URL = "/api/v1/reports/major-requests/monthly"


def _major(seat, customer, moment, *, case_type, title, symptom=""):
    with time_machine.travel(moment, tick=False):
        case = services.case_create(
            by=seat,
            customer=customer,
            title=title,
            priority="P2",
            case_type=case_type,
            channel="phone",
            is_major=True,
            fault_symptom=symptom,
        )
    return case


@pytest.fixture
def march(seat, customer_a, customer_b):
    recovery = _major(
        seat,
        customer_a,
        at(2026, 3, 3, 10),
        case_type="data_recovery",
        title="误删除LUN数据恢复",
        symptom="运维误删除生产LUN",
    )
    upgrade = _major(
        seat, customer_b, at(2026, 3, 31, 23), case_type="upgrade", title="核心数据库版本升级"
    )
    _major(seat, customer_a, at(2026, 4, 1, 0), case_type="fault", title="四月重大故障")
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        services.case_create(
            by=seat,
            customer=customer_a,
            title="普通故障",
            priority="P3",
            case_type="fault",
            channel="phone",
        )
    with time_machine.travel(at(2026, 3, 4, 10), tick=False):
        services.case_record_approval(
            case=recovery,
            by=seat,
            approver="客户CIO 张总",
            decision="approved",
            decided_on=dt.date(2026, 3, 4),
        )
    return {"recovery": recovery, "upgrade": upgrade}


def test_the_report_lists_the_major_requests_opened_in_the_month(march):
    report = major_report(period=MARCH)
    expected = Case.objects.filter(
        is_major=True, created_at__gte=at(2026, 3, 1), created_at__lt=at(2026, 4, 1)
    )
    assert [r.case.pk for r in report.rows] == [c.pk for c in expected.order_by("created_at")]
    assert [r.case.pk for r in report.rows] == [march["recovery"].pk, march["upgrade"].pk]


def test_approvals_and_causes_come_with_each_request(march):
    recovery, upgrade = major_report(period=MARCH).rows
    assert [(a.approver, a.decision) for a in recovery.approvals] == [("客户CIO 张总", "approved")]
    assert recovery.decision == "approved" and upgrade.decision == ""
    assert recovery.cause == "运维误删除生产LUN"


def test_data_recovery_is_a_business_problem_and_an_upgrade_a_technical_one(march):
    recovery, upgrade = major_report(period=MARCH).rows
    assert (recovery.classification, upgrade.classification) == (BUSINESS, TECHNICAL)


def test_a_manager_downloads_the_month_as_xlsx_with_the_approvals(march):
    manager = factories.staff_user("manager", role="manager")
    response = api_client_for(manager).get(URL, {"month": "2026-03", "format": "xlsx"})
    assert response.status_code == 200
    assert 'filename="major-requests-2026-03.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    requests = list(book["Major requests"].iter_rows(values_only=True))[1:]
    assert [r[0] for r in requests] == [march["recovery"].number, march["upgrade"].number]
    assert [r[4] for r in requests] == ["Business problem", "Technical problem"]
    approvals = list(book["Approvals"].iter_rows(values_only=True))[1:]
    assert approvals == [(march["recovery"].number, "客户CIO 张总", "Approved", "2026-03-04", None)]


def test_the_pdf_shows_the_requests_in_chinese(march):
    manager = factories.staff_user("manager", role="manager")
    response = api_client_for(manager).get(URL, {"month": "2026-03"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "重大请求月报" in text and "误删除LUN数据恢复" in text and "四月重大故障" not in text


def test_staff_without_view_reports_are_refused(engineer):
    assert api_client_for(engineer).get(URL, {"month": "2026-03"}).status_code == 403


def test_a_contact_gets_404(contact_a):
    assert api_client_for(contact_a.user).get(URL, {"month": "2026-03"}).status_code == 404


@pytest.mark.parametrize("month", ["2026-13", "2026-3", "", "March"])
def test_a_bad_month_is_422_naming_it(month):
    manager = factories.staff_user("manager", role="manager")
    response = api_client_for(manager).get(URL, {"month": month})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "month"]
