"""The quarterly and yearly maintenance summary per customer: its figures match the console's
case list, the promise rows, the inspection promises, the stock ledger and the penalty rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aftersales.cases.models import Case
from aftersales.cases.selectors import CaseFilters, case_search
from aftersales.inventory.models import MoveKind, Part, StockMove, Warehouse
from aftersales.reports.quarterly import (
    YEARLY,
    customer_summary,
    parse_quarter,
    parse_year,
    period_cases,
)
from aftersales.rma.models import Rma
from aftersales.sla.models import Promise
from tests import factories
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db
Q1 = parse_quarter("2026-Q1")


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def contract_a(customer_a):
    return rf.contract(customer_a, "HT-R-001")


@pytest.fixture
def quarter_cases(customer_a, customer_b, contract_a):
    """Three of A's cases in Q1 (one resolved), one of A's in April, one of B's in Q1."""
    inside = [
        rf.case(customer_a, at(2026, 1, 1, 0, 0), contract=contract_a),
        rf.case(
            customer_a,
            at(2026, 2, 10, 9),
            contract=contract_a,
            resolved_at=at(2026, 2, 11, 9),
            priority="P1",
        ),
        rf.case(customer_a, at(2026, 3, 31, 23, 59)),
    ]
    rf.case(customer_a, at(2026, 4, 1, 0, 0))
    rf.case(customer_a, at(2025, 12, 31, 23, 59))
    rf.case(customer_b, at(2026, 2, 1, 9))
    return inside


def test_a_quarter_is_its_three_months():
    assert (Q1.start, Q1.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    q4 = parse_quarter("2025-q4")
    assert (q4.key, q4.start, q4.end) == ("2025-Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def test_a_year_is_the_calendar_year():
    year = parse_year("2026")
    assert (year.start, year.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_the_cases_are_the_console_list_filtered_by_customer_and_period(
    manager, customer_a, quarter_cases
):
    listed = case_search(
        user=manager,
        filters=CaseFilters(
            customer=customer_a.code, created_after=Q1.since, created_before=Q1.until
        ),
    )
    summary = customer_summary(customer=customer_a, period=Q1)
    assert sorted(c.number for c in summary.cases) == sorted(c.number for c in listed)
    assert [c.pk for c in summary.cases] == [c.pk for c in quarter_cases]


def test_one_contract_narrows_the_cases_to_it(customer_a, contract_a, quarter_cases):
    summary = customer_summary(customer=customer_a, period=Q1, contract=contract_a)
    assert [c.pk for c in summary.cases] == [c.pk for c in quarter_cases[:2]]


def test_a_yearly_summary_counts_every_case_of_the_year(customer_a, quarter_cases):
    summary = customer_summary(customer=customer_a, period=parse_year("2026"), kind=YEARLY)
    expected = Case.objects.filter(
        customer=customer_a, created_at__gte=at(2026, 1, 1), created_at__lt=at(2027, 1, 1)
    ).count()
    assert len(summary.cases) == expected == 4


def test_compliance_counts_promises_decided_in_the_quarter(customer_a, quarter_cases):
    first, second, _ = quarter_cases
    rf.promise(first, "response", at(2026, 1, 5, 9), completed_at=at(2026, 1, 5, 9, 30))
    rf.promise(second, "response", at(2026, 2, 10, 9), breached_at=at(2026, 2, 10, 10))
    rf.promise(second, "resolution", at(2026, 2, 10, 9), completed_at=at(2026, 2, 11, 9))
    rf.promise(first, "resolution", at(2026, 3, 30, 9))  # still running: not decided
    compliance = customer_summary(customer=customer_a, period=Q1).compliance
    assert {t: (c.met, c.missed) for t, c in compliance.items()} == {
        "resolution": (1, 0),
        "response": (1, 1),
    }


def test_penalties_are_the_contracts_statements_for_the_quarter(
    customer_a, contract_a, quarter_cases
):
    second = quarter_cases[1]
    rf.promise(second, "response", at(2026, 2, 10, 9), breached_at=at(2026, 2, 10, 10))
    april = rf.case(customer_a, at(2026, 4, 10, 9), contract=contract_a)
    rf.promise(april, "response", at(2026, 4, 10, 9), breached_at=at(2026, 4, 10, 10))
    summary = customer_summary(customer=customer_a, period=Q1)
    [statement] = summary.penalties
    assert statement.contract == contract_a
    assert len(statement.lines) == 1
    assert statement.total == statement.payable_total == Decimal("1000.00")  # 1 % of 100,000
    assert summary.payable == Decimal("1000.00")


def test_penalties_are_left_out_for_a_reader_who_may_not_see_them(customer_a, quarter_cases):
    summary = customer_summary(customer=customer_a, period=Q1, with_penalties=False)
    assert summary.penalties is None


def test_inspections_count_the_visit_promises_due_in_the_quarter(
    customer_a, contract_a, quarter_cases
):
    # Any rows with a pk stand for visits: visit_compliance reads the promises only.
    one, two, three = quarter_cases
    common = {"kind": "inspection_visit", "contract_id": contract_a.pk}
    rf.promise(
        one, "visit", at(2026, 1, 5), due_at=at(2026, 1, 20), **common, completed_at=at(2026, 1, 10)
    )
    rf.promise(
        two, "visit", at(2026, 2, 5), due_at=at(2026, 2, 20), **common, breached_at=at(2026, 2, 20)
    )
    rf.promise(three, "visit", at(2026, 6, 5), due_at=at(2026, 6, 20), **common)
    summary = customer_summary(customer=customer_a, period=Q1, now=at(2026, 4, 2))
    assert summary.inspections == {"due": 2, "done": 1, "missed": 1, "open": 0}


def _spare(customer, case, *, moment, ref_kind="rma", quantity=1):
    part, _ = Part.objects.get_or_create(part_number="PSU-750", defaults={"name": "电源模块"})
    store, _ = Warehouse.objects.get_or_create(code="WH-R", defaults={"name": "上海仓"})
    ref_id = case.pk
    if ref_kind == "rma":
        ref_id = Rma.objects.create(
            number=f"RMA-R-{case.pk}-{moment:%m%d}",
            case=case,
            customer=customer,
            part_number=part.part_number,
            fault="电源故障",
            confirmed_at=moment,
            created_at=moment,
            updated_at=moment,
        ).pk
    return StockMove.objects.create(
        kind=MoveKind.ISSUE,
        part=part,
        warehouse=store,
        on_hand_delta=-quantity,
        reserved_delta=-quantity,
        serial="SN-SPARE-1",
        ref_kind=ref_kind,
        ref_id=ref_id,
        at=moment,
    )


def test_parts_replaced_are_the_stock_issued_for_the_customers_rmas_in_the_quarter(
    customer_a, customer_b, quarter_cases
):
    case = quarter_cases[1]
    _spare(customer_a, case, moment=at(2026, 2, 12, 10))
    _spare(customer_a, case, moment=at(2026, 4, 2, 10))  # next quarter
    b_case = rf.case(customer_b, at(2026, 2, 1, 9))
    _spare(customer_b, b_case, moment=at(2026, 2, 12, 10))
    StockMove.objects.create(  # a move that is no issue: a reservation
        kind=MoveKind.RESERVE,
        part=Part.objects.get(),
        warehouse=Warehouse.objects.get(),
        reserved_delta=1,
        ref_kind="rma",
        ref_id=Rma.objects.filter(customer=customer_a).first().pk,
        at=at(2026, 2, 12, 9),
    )
    [row] = customer_summary(customer=customer_a, period=Q1).parts
    assert (row.part_number, row.quantity, row.case_number) == ("PSU-750", 1, case.number)
    assert row.reference.startswith("RMA-R-")


def test_recommendations_name_missed_targets_overdue_inspections_and_repeated_faults(
    customer_a, contract_a
):
    model = factories.ProductModelFactory(name="S5720")
    cases = [rf.case(customer_a, at(2026, 1, d, 9), product_model=model) for d in (5, 6, 7)]
    rf.promise(cases[0], "response", at(2026, 1, 5, 9), breached_at=at(2026, 1, 5, 10))
    rf.promise(
        cases[0],
        "visit",
        at(2026, 2, 1),
        kind="inspection_visit",
        due_at=at(2026, 2, 10),
        breached_at=at(2026, 2, 10),
    )
    advice = customer_summary(customer=customer_a, period=Q1).recommendations
    text = "\n".join(advice)
    assert "1 of 1 first response promises were missed" in text
    assert "1 inspection visits were not done on time" in text
    assert "S5720 had 3 faults in this period" in text
    assert "3 cases opened in this period are still open" in text


def test_a_quiet_quarter_recommends_nothing_to_do(customer_a):
    advice = customer_summary(customer=customer_a, period=Q1).recommendations
    assert advice == ["Every promise of the period was kept: no action is needed."]


def test_period_cases_include_a_merged_duplicate_as_the_list_does(customer_a, quarter_cases):
    first, second, _ = quarter_cases
    Case.objects.filter(pk=second.pk).update(merged_into=first)
    assert second.pk in {c.pk for c in period_cases(customer_a, Q1)}
    assert Promise.objects.count() == 0  # nothing written by reading
