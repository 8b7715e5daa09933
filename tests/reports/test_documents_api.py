"""The written reports as files over the API: who may fetch which, bad periods, and the files'
contents read back (the PDF's text with pypdfium2, the workbook with openpyxl)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from aftersales.core import pdf
from aftersales.reports.models import ReportSchedule
from tests import factories
from tests.conftest import api_client_for
from tests.repairs.pdf_pages import pdf_text
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "/api/v1/reports/customers/{code}/quarterly"


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def q1(customer_a, customer_b):
    """A's Q1 2026: two cases (one with a missed response under the contract), B's one case."""
    contract = rf.contract(customer_a, "HT-R-001")
    first = rf.case(customer_a, at(2026, 1, 5, 9), contract=contract)
    second = rf.case(customer_a, at(2026, 2, 10, 9), contract=contract, priority="P1")
    first.title, second.title = "核心交换机宕机", "存储阵列告警"
    first.save(update_fields=["title"])
    second.save(update_fields=["title"])
    rf.promise(first, "response", at(2026, 1, 5, 9), completed_at=at(2026, 1, 5, 9, 20))
    rf.promise(second, "response", at(2026, 2, 10, 9), breached_at=at(2026, 2, 10, 10))
    b_case = rf.case(customer_b, at(2026, 2, 1, 9))
    b_case.title = "乙方专属故障"
    b_case.save(update_fields=["title"])
    return [first, second]


def get(user, path, **query):
    return api_client_for(user).get(path, query)


def test_a_manager_gets_the_quarterly_pdf_with_cases_compliance_and_penalties(
    manager, customer_a, q1
):
    response = get(manager, URL.format(code=customer_a.code), quarter="2026-Q1", format="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="quarterly-KH-A001-2026-Q1.pdf"'
    )
    text = pdf_text(response.content)
    assert "客户维护季度总结报告" in text and "华东电力集团" in text
    for case in q1:
        assert case.number in text and case.title in text
    assert "乙方专属故障" not in text
    assert "Promise compliance" in text and "50.0%" in text
    assert "Penalties" in text and "1000.00" in text


def test_the_xlsx_has_a_sheet_per_section_whose_rows_equal_a_direct_count(manager, customer_a, q1):
    response = get(manager, URL.format(code=customer_a.code), quarter="2026-Q1", format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Overview",
        "Cases by month",
        "Cases by priority",
        "Cases by type",
        "Cases by product model",
        "Promise compliance",
        "Inspections",
        "Parts replaced",
        "Penalties",
        "Recommendations",
        "Cases",
    ]
    rows = list(book["Cases"].iter_rows(values_only=True))
    assert rows[0][0] == "Case number"
    assert [r[0] for r in rows[1:-1]] == [c.number for c in q1]
    assert rows[-1][:2] == ("Total", 2)
    compliance = list(book["Promise compliance"].iter_rows(values_only=True))
    assert compliance[1][:4] == ("first response", 1, 1, 2)
    penalties = list(book["Penalties"].iter_rows(values_only=True))
    assert penalties[1][0] == "HT-R-001" and Decimal(str(penalties[1][4])) == Decimal("1000")


def test_a_contact_gets_their_own_customers_report_without_penalties(contact_a, customer_a, q1):
    response = get(
        contact_a.user, URL.format(code=customer_a.code), quarter="2026-Q1", format="xlsx"
    )
    assert response.status_code == 200
    assert "Penalties" not in load_workbook(io.BytesIO(response.content)).sheetnames


def test_a_contact_asking_for_another_customer_gets_404(contact_b, customer_a, q1):
    response = get(contact_b.user, URL.format(code=customer_a.code), quarter="2026-Q1")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such customer."}


def test_an_unknown_customer_is_404(manager, q1):
    response = get(manager, URL.format(code="KH-NOPE"), quarter="2026-Q1")
    assert response.status_code == 404


def test_staff_without_view_reports_are_refused(engineer, customer_a, q1):
    response = get(engineer, URL.format(code=customer_a.code), quarter="2026-Q1")
    assert response.status_code == 403


@pytest.mark.parametrize("quarter", ["2026-Q5", "2026Q1", "", "1999-Q1", "2026-Q1\x00"])
def test_a_bad_quarter_is_422_naming_it(manager, customer_a, quarter):
    response = get(manager, URL.format(code=customer_a.code), quarter=quarter)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "quarter"]
    assert ReportSchedule.objects.count() == 0


def test_a_bad_format_is_422_naming_it(manager, customer_a):
    response = get(manager, URL.format(code=customer_a.code), quarter="2026-Q1", format="doc")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "format"]


def test_a_contract_of_another_customer_is_404(manager, customer_a, customer_b, q1):
    rf.contract(customer_b, "HT-B-001")
    response = get(
        manager, URL.format(code=customer_a.code), quarter="2026-Q1", contract="HT-B-001"
    )
    assert response.status_code == 404


def test_the_yearly_report_covers_the_year(manager, customer_a, q1):
    response = get(
        manager, f"/api/v1/reports/customers/{customer_a.code}/yearly", year="2026", format="xlsx"
    )
    assert response.status_code == 200
    assert 'filename="yearly-KH-A001-2026.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book["Overview"]["A1"].value == "客户维护年度总结报告"
    assert book["Cases"].max_row == 4  # header, two cases, total


def test_a_bad_year_is_422_naming_it(manager, customer_a):
    response = get(manager, f"/api/v1/reports/customers/{customer_a.code}/yearly", year="26")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "year"]


def test_without_a_chinese_font_the_pdf_is_refused_loudly(monkeypatch, manager, customer_a, q1):
    monkeypatch.setattr(pdf, "cjk_font_available", lambda: False)
    response = get(manager, URL.format(code=customer_a.code), quarter="2026-Q1")
    assert response.status_code == 503
    assert "fonts-noto-cjk" in response.json()["detail"]
