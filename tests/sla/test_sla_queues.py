"""Queues: "breached" lists open cases with a recorded breach; "due soonest" sorts by due."""

from __future__ import annotations

from aftersales.cases.selectors import CaseFilters, case_search
from tests.sla.conftest import at, sweep


def test_breached_queue_lists_only_cases_with_a_recorded_breach(open_case, seat):
    late = open_case("P1", at(2026, 3, 2, 10, 0))
    open_case("P4", at(2026, 3, 2, 10, 40))  # P4 responds within 30 min: due 11:10
    sweep(at(2026, 3, 2, 11, 5))
    found = list(case_search(user=seat, filters=CaseFilters(queue="breached")))
    assert found == [late]


def test_due_soonest_puts_the_nearest_promise_first(open_case, seat):
    p4 = open_case("P4", at(2026, 3, 2, 9, 0))  # response due 09:30 (30 min)
    p1 = open_case("P1", at(2026, 3, 2, 9, 30))  # response due 10:30
    p3 = open_case("P3", at(2026, 3, 2, 9, 10))  # response due 09:40 (30 min)
    found = list(case_search(user=seat, filters=CaseFilters(status="open", sort="due")))
    assert found == [p4, p3, p1]


def test_customer_does_not_see_another_customers_breached_cases(open_case, contact_b):
    open_case("P1", at(2026, 3, 2, 10, 0))
    sweep(at(2026, 3, 2, 11, 5))
    assert list(case_search(user=contact_b.user, filters=CaseFilters(queue="breached"))) == []
