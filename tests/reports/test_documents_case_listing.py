"""The customer summary's case listing at scale: the PDF lists at most CASE_LISTING_MAX cases,
the most important first, and says how many more there are; the XLSX lists every case; the
cases are summarised by month, priority, type and product model; the queries do not grow with
the cases."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from aftersales.cases.models import Case
from aftersales.reports import quarterly
from tests import factories
from tests.conftest import api_client_for
from tests.repairs.pdf_pages import pdf_text
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/customers/{code}/quarterly"


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def five(customer_a):
    """A's Q1 2026: an old closed case, a major one, one with a missed promise, an open one and
    the newest (closed)."""
    closed = {"resolved_at": at(2026, 3, 25, 9), "closed_at": at(2026, 3, 26, 9)}
    old = rf.case(customer_a, at(2026, 1, 5, 9), **closed)
    major = rf.case(customer_a, at(2026, 1, 6, 9), **closed)
    Case.objects.filter(pk=major.pk).update(is_major=True)
    missed = rf.case(customer_a, at(2026, 1, 7, 9), **closed)
    rf.promise(missed, "response", at(2026, 1, 7, 9), breached_at=at(2026, 1, 7, 10))
    still_open = rf.case(customer_a, at(2026, 1, 8, 9))
    newest = rf.case(customer_a, at(2026, 3, 20, 9), **closed)
    return {"old": old, "major": major, "missed": missed, "open": still_open, "newest": newest}


def fetch(user, code, fmt):
    response = api_client_for(user).get(
        URL.format(code=code), {"quarter": "2026-Q1", "format": fmt}
    )
    assert response.status_code == 200
    return response.content


def words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_within_the_cap_the_pdf_lists_every_case_and_no_note(manager, customer_a, five):
    text = words(fetch(manager, customer_a.code, "pdf"))
    assert all(case.number in text for case in five.values())
    assert "Cases not listed here" not in text


def test_beyond_the_cap_the_pdf_lists_the_most_important_and_says_how_many_more(
    monkeypatch, manager, customer_a, five
):
    monkeypatch.setattr(quarterly, "CASE_LISTING_MAX", 4)
    text = words(fetch(manager, customer_a.code, "pdf"))
    assert five["old"].number not in text
    assert "Listed: the 4 most important of 5 cases" in text
    assert "Cases not listed here: 1." in text
    assert "The XLSX file of this report lists every case." in text


def test_the_capped_listing_puts_major_then_missed_then_open_then_newest(
    monkeypatch, manager, customer_a, five
):
    monkeypatch.setattr(quarterly, "CASE_LISTING_MAX", 4)
    text = words(fetch(manager, customer_a.code, "pdf"))
    order = [text.index(five[k].number) for k in ("major", "missed", "open", "newest")]
    assert order == sorted(order)


def test_beyond_the_cap_the_xlsx_still_lists_every_case_in_order(
    monkeypatch, manager, customer_a, five
):
    monkeypatch.setattr(quarterly, "CASE_LISTING_MAX", 2)
    rows = list(load_workbook(io.BytesIO(fetch(manager, customer_a.code, "xlsx")))["Cases"].values)
    by_age = sorted(five.values(), key=lambda case: case.created_at)
    assert [r[0] for r in rows[1:-1]] == [case.number for case in by_age]
    assert rows[-1][:2] == ("Total", 5)
    assert rows[-1][-1] == 1  # one missed promise in all


def test_the_case_breakdowns_add_up_to_a_direct_count(manager, customer_a, five):
    book = load_workbook(io.BytesIO(fetch(manager, customer_a.code, "xlsx")))
    months = list(book["Cases by month"].values)
    assert [r[:2] for r in months[1:-1]] == [("2026-01", 4), ("2026-03", 1)]
    # opened, resolved, open at the period's end, still open, with a missed promise
    assert months[-1] == ("Total", 5, 4, 1, 1, 1)
    for sheet in ("Cases by priority", "Cases by type", "Cases by product model"):
        rows = list(book[sheet].values)
        assert sum(r[1] for r in rows[1:-1]) == rows[-1][1] == 5


def test_the_queries_do_not_grow_with_the_cases(manager, customer_a, five):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            quarterly.customer_report_file(
                user=manager, code=customer_a.code, kind="quarterly", period="2026-Q1", fmt="xlsx"
            )
        return len(ctx.captured_queries)

    queries()  # the reader's permissions are cached from the first call on
    few = queries()
    model = factories.ProductModelFactory(name="S5720")
    for day in range(10, 20):
        case = rf.case(customer_a, at(2026, 2, day, 9), product_model=model)
        rf.promise(case, "response", at(2026, 2, day, 9), breached_at=at(2026, 2, day, 10))
    Case.objects.filter(pk=five["open"].pk).update(merged_into=five["old"])
    assert queries() == few
