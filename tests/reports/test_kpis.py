"""The KPI set (reports.kpis): each figure recounted directly from the rows the test wrote."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.feedback.models import Complaint
from aftersales.inventory.models import Part, ReorderPoint, StockLevel, Warehouse
from aftersales.reports.filters import ReportFilter
from aftersales.reports.kpis import kpis, nearest_rank
from aftersales.sla.models import Promise
from tests import factories
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db

MARCH = ReportFilter(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
NOW = at(2026, 4, 10, 12)


def march(**dimensions) -> ReportFilter:
    return ReportFilter(start=MARCH.start, end=MARCH.end, **dimensions)


def ranked(values: list[float], share: float) -> float:
    """Nearest rank, written out: the ceil(share × n)-th smallest value."""
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


# --- cases opened and closed ---


def test_cases_opened_count_only_cases_created_inside_the_period(customer_a):
    rf.case(customer_a, at(2026, 2, 28, 23, 59))
    rf.case(customer_a, at(2026, 3, 1, 0, 0))
    rf.case(customer_a, at(2026, 3, 31, 23, 59))
    rf.case(customer_a, at(2026, 4, 1, 0, 0))
    assert kpis(MARCH, NOW).cases_opened == 2


def test_cases_closed_count_closures_in_the_period_whenever_opened(customer_a):
    rf.case(customer_a, at(2026, 2, 1), closed_at=at(2026, 3, 5))
    rf.case(customer_a, at(2026, 3, 2), closed_at=at(2026, 3, 6))
    rf.case(customer_a, at(2026, 3, 2), closed_at=at(2026, 4, 2))
    assert kpis(MARCH, NOW).cases_closed == 2


def test_merged_duplicates_are_not_counted(customer_a):
    kept = rf.case(customer_a, at(2026, 3, 2))
    duplicate = rf.case(customer_a, at(2026, 3, 2))
    duplicate.merged_into = kept
    duplicate.save(update_fields=["merged_into"])
    assert kpis(MARCH, NOW).cases_opened == 1


# --- compliance ---


def test_compliance_is_met_over_decided_per_target(customer_a):
    c = rf.case(customer_a, at(2026, 3, 2, 9))
    d = rf.case(customer_a, at(2026, 3, 2, 9))
    e = rf.case(customer_a, at(2026, 3, 2, 9))
    rf.promise(c, "response", at(2026, 3, 2, 9), completed_at=at(2026, 3, 2, 9, 20))
    rf.promise(
        d,
        "response",
        at(2026, 3, 2, 9),
        completed_at=at(2026, 3, 2, 11),
        breached_at=at(2026, 3, 2, 10),
    )
    rf.promise(e, "response", at(2026, 3, 2, 9), breached_at=at(2026, 3, 2, 10))
    rf.promise(c, "diagnosis", at(2026, 3, 2, 9))  # still running: not decided
    result = kpis(MARCH, NOW)
    assert (result.compliance["response"].met, result.compliance["response"].missed) == (1, 2)
    assert result.compliance["response"].ratio == round(1 / 3, 4)
    assert "diagnosis" not in result.compliance


def test_compliance_by_priority_splits_each_target(customer_a):
    p1 = rf.case(customer_a, at(2026, 3, 2, 9), priority="P1")
    p3 = rf.case(customer_a, at(2026, 3, 2, 9), priority="P3")
    rf.promise(p1, "response", at(2026, 3, 2, 9), completed_at=at(2026, 3, 2, 9, 5))
    rf.promise(p3, "response", at(2026, 3, 2, 9), breached_at=at(2026, 3, 2, 10))
    result = kpis(MARCH, NOW).compliance_by_priority
    assert result[("response", "P1")].ratio == 1.0
    assert result[("response", "P3")].ratio == 0.0


def test_a_breach_counts_in_the_period_it_happened(customer_a):
    c = rf.case(customer_a, at(2026, 2, 27, 9))
    rf.promise(
        c,
        "resolution",
        at(2026, 2, 27, 9),
        breached_at=at(2026, 2, 28, 9),
        completed_at=at(2026, 3, 3),
    )
    assert "resolution" not in kpis(MARCH, NOW).compliance


# --- response, diagnosis, resolution times ---


def test_response_minutes_are_nearest_rank_median_and_p90_of_banked_service_time(customer_a):
    used = [5, 50, 12, 30, 8, 41, 19]
    for minutes in used:
        c = rf.case(customer_a, at(2026, 3, 3, 9))
        rf.promise(
            c,
            "response",
            at(2026, 3, 3, 9),
            used=minutes,
            completed_at=at(2026, 3, 3, 9) + dt.timedelta(minutes=minutes),
        )
    spread = kpis(MARCH, NOW).service_minutes["response"]
    assert spread.count == 7
    assert spread.median == ranked(used, 0.5) == 19
    assert spread.p90 == ranked(used, 0.9) == 50


def test_wall_minutes_count_the_clock_from_start_to_completion(customer_a):
    # Service time stops overnight; the wall clock does not.
    c = rf.case(customer_a, at(2026, 3, 3, 16))
    rf.promise(c, "resolution", at(2026, 3, 3, 16), used=120, completed_at=at(2026, 3, 4, 10))
    result = kpis(MARCH, NOW)
    assert result.service_minutes["resolution"].median == 120
    assert result.wall_minutes["resolution"].median == 18 * 60


def test_times_without_completed_promises_are_empty(customer_a):
    c = rf.case(customer_a, at(2026, 3, 3, 9))
    rf.promise(c, "diagnosis", at(2026, 3, 3, 9))
    spread = kpis(MARCH, NOW).service_minutes["diagnosis"]
    assert (spread.count, spread.median, spread.p90) == (0, None, None)


def test_nearest_rank_of_one_value_is_that_value():
    assert nearest_rank(1, 0.5) == nearest_rank(1, 0.9) == 0
    assert nearest_rank(10, 0.9) == 8
    assert nearest_rank(4, 0.5) == 1


# --- first contact, reopen, backlog ---


def test_first_contact_resolution_leaves_out_escalated_reassigned_and_cancelled_cases(customer_a):
    closed = at(2026, 3, 10)
    simple = rf.case(customer_a, at(2026, 3, 9), resolved_at=closed, closed_at=closed)
    rf.activity(simple, "assigned", at(2026, 3, 9, 1))
    escalated = rf.case(customer_a, at(2026, 3, 9), resolved_at=closed, closed_at=closed)
    rf.activity(escalated, "escalated", at(2026, 3, 9, 2))
    moved = rf.case(customer_a, at(2026, 3, 9), resolved_at=closed, closed_at=closed)
    rf.activity(moved, "assigned", at(2026, 3, 9, 1))
    rf.activity(moved, "assigned", at(2026, 3, 9, 3))
    rf.case(customer_a, at(2026, 3, 9), closed_at=closed)  # cancelled: no solution
    result = kpis(MARCH, NOW).first_contact
    assert (result.part, result.whole) == (1, 3)


def test_reopen_rate_is_share_of_resolutions_in_the_period_later_undone(customer_a):
    kept = rf.case(customer_a, at(2026, 3, 2))
    rf.activity(kept, "resolved", at(2026, 3, 3))
    reopened = rf.case(customer_a, at(2026, 3, 2))
    rf.activity(reopened, "resolved", at(2026, 3, 3))
    rf.activity(reopened, "reopened", at(2026, 4, 2))  # after the period: still counts
    rejected = rf.case(customer_a, at(2026, 3, 2))
    rf.activity(rejected, "rejected", at(2026, 3, 1))  # before its resolution: does not
    rf.activity(rejected, "resolved", at(2026, 3, 3))
    result = kpis(MARCH, NOW).reopen
    assert (result.part, result.whole, result.ratio) == (1, 3, round(1 / 3, 4))


def test_backlog_ages_are_counted_at_the_period_end_for_a_past_period(customer_a):
    end = at(2026, 4, 1)
    for days in (1, 3, 10):
        rf.case(customer_a, end - dt.timedelta(days=days))
    rf.case(customer_a, at(2026, 3, 5), closed_at=at(2026, 3, 20))  # closed before the end
    rf.case(customer_a, at(2026, 3, 5), closed_at=at(2026, 4, 5))  # still open at the end
    result = kpis(MARCH, NOW)
    ages = [24.0, 72.0, 240.0, (end - at(2026, 3, 5)).total_seconds() / 3600]
    assert result.backlog_at == end
    assert result.backlog.count == 4
    assert (result.backlog.median, result.backlog.p90) == (ranked(ages, 0.5), ranked(ages, 0.9))


def test_backlog_of_a_running_period_is_counted_now(customer_a):
    rf.case(customer_a, NOW - dt.timedelta(hours=5))
    period = ReportFilter(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    result = kpis(period, NOW)
    assert result.backlog_at == NOW
    assert result.backlog.median == 5.0


# --- customer voice ---


def test_callback_coverage_counts_contacted_over_due_leaving_out_cancelled(customer_a):
    for status in ("done", "refused", "due", "retry", "cancelled"):
        rf.callback(customer_a, dt.date(2026, 3, 15), status)
    rf.callback(customer_a, dt.date(2026, 4, 2), "done")
    result = kpis(MARCH, NOW).callback_coverage
    assert (result.part, result.whole) == (2, 4)


def test_complaint_rate_is_per_hundred_cases_opened(customer_a):
    for _ in range(4):
        rf.case(customer_a, at(2026, 3, 2))
    rf.complaint(customer_a, at(2026, 3, 5, 9), answered_at=at(2026, 3, 5, 10))
    rf.complaint(customer_a, at(2026, 4, 5, 9))
    result = kpis(MARCH, NOW)
    assert result.complaints == Complaint.objects.filter(received_at__lt=at(2026, 4, 1)).count()
    assert result.complaint_rate == 25.0


def test_complaint_answer_minutes_run_from_receipt_to_the_first_answer(customer_a):
    took = [30, 90, 150]
    for minutes in took:
        start = at(2026, 3, 5, 9)
        rf.complaint(customer_a, start, answered_at=start + dt.timedelta(minutes=minutes))
    rf.complaint(customer_a, at(2026, 3, 6, 9))  # not answered yet
    spread = kpis(MARCH, NOW).complaint_answer_minutes
    assert (spread.count, spread.median, spread.p90) == (3, 90, 150)


def test_csat_and_nps_follow_the_survey_definitions(customer_a):
    ratings = [(5, 10), (4, 9), (3, 7), (2, 3)]
    for overall, recommend in ratings:
        rf.survey(customer_a, at(2026, 3, 10), overall=overall, recommend=recommend)
    rf.survey(customer_a, at(2026, 4, 10), overall=1, recommend=0)  # after the period
    result = kpis(MARCH, NOW)
    satisfied = sum(1 for o, _ in ratings if o >= 4)
    promoters = sum(1 for _, r in ratings if r >= 9)
    detractors = sum(1 for _, r in ratings if r <= 6)
    assert result.csat == satisfied * 100 / len(ratings)
    assert result.nps == (promoters - detractors) * 100 / len(ratings)
    assert result.survey_responses == 4


def test_csat_matches_the_survey_results_page(customer_a, admin_user):
    from aftersales.feedback.survey_selectors import ResultFilters, survey_results

    for overall, recommend in [(5, 10), (3, 8), (4, 2)]:
        rf.survey(customer_a, at(2026, 3, 10), overall=overall, recommend=recommend)
    page = survey_results(
        user=admin_user, filters=ResultFilters(date_from=MARCH.start, date_to=MARCH.end)
    )
    result = kpis(MARCH, NOW)
    assert (result.csat, result.nps) == (page["csat"], page["nps"])


# --- RMA, stock, penalties ---


def test_rma_ship_on_time_is_the_ship_promise_compliance(customer_a):
    c = rf.case(customer_a, at(2026, 3, 2))
    for n, late in enumerate((False, False, True)):
        subject = type("Rma", (), {"pk": 1000 + n, "customer_id": customer_a.pk})()
        rf.promise(
            subject,
            "ship_by",
            at(2026, 3, 2, 10),
            kind="rma",
            priority="",
            completed_at=at(2026, 3, 2, 16),
            breached_at=at(2026, 3, 2, 15) if late else None,
        )
    assert c.pk  # the case plays no part: RMA promises stand alone
    assert kpis(MARCH, NOW).rma_ship_on_time == round(2 / 3, 4)


def test_faulty_part_return_rate_counts_parts_due_back_in_the_period(customer_a):
    def rma(pk: int):
        return type("Rma", (), {"pk": pk, "customer_id": customer_a.pk})()

    due = at(2026, 3, 20, 17)
    rf.promise(
        rma(1),
        "faulty_return",
        at(2026, 3, 6),
        kind="rma",
        due_at=due,
        completed_at=at(2026, 3, 18),
    )
    rf.promise(
        rma(2),
        "faulty_return",
        at(2026, 3, 6),
        kind="rma",
        due_at=due,
        completed_at=at(2026, 3, 25),
        breached_at=due,
    )  # late, but back
    rf.promise(
        rma(3), "faulty_return", at(2026, 3, 6), kind="rma", due_at=due, breached_at=due
    )  # never came back
    rf.promise(
        rma(4), "faulty_return", at(2026, 3, 6), kind="rma", due_at=due, stopped_at=at(2026, 3, 10)
    )  # cancelled before due: not due
    result = kpis(MARCH, NOW).faulty_return
    assert (result.part, result.whole) == (2, 3)


def test_stock_outs_count_reorder_points_with_nothing_available(db):
    east = Warehouse.objects.create(code="WH-E", name="华东库", region="华东")
    west = Warehouse.objects.create(code="WH-W", name="西南库", region="西南")
    parts = [Part.objects.create(part_number=f"P-{n}", name=f"备件{n}") for n in range(4)]
    StockLevel.objects.create(part=parts[0], warehouse=east, on_hand=2, reserved=2)  # out
    StockLevel.objects.create(part=parts[1], warehouse=east, on_hand=3)  # low (min 5)
    StockLevel.objects.create(part=parts[2], warehouse=east, on_hand=9)  # fine
    for part in parts[:3]:
        ReorderPoint.objects.create(part=part, warehouse=east, minimum=5)
    ReorderPoint.objects.create(part=parts[3], warehouse=west, minimum=1)  # no stock row: out
    result = kpis(MARCH, NOW)
    assert (result.stock_outs, result.below_reorder) == (2, 3)
    east_only = kpis(march(region="华东"), NOW)
    assert (east_only.stock_outs, east_only.below_reorder) == (1, 2)


def test_stock_is_not_shown_for_one_customer(customer_a):
    assert kpis(march(customer=customer_a.code), NOW).stock_outs is None


def test_penalties_sum_the_contract_lines_of_breaches_in_the_period(customer_a):
    from aftersales.contracts.models import PenaltyWaiver

    deal = rf.contract(customer_a, "HT-R-1", value="200000.00")
    c = rf.case(customer_a, at(2026, 3, 2, 9), contract=deal)
    late = rf.promise(
        c,
        "response",
        at(2026, 3, 2, 9),
        breached_at=at(2026, 3, 2, 10),
        completed_at=at(2026, 3, 2, 11),
    )
    d = rf.case(customer_a, at(2026, 3, 2, 9), contract=deal)
    waived = rf.promise(
        d,
        "response",
        at(2026, 3, 2, 9),
        breached_at=at(2026, 3, 2, 10),
        completed_at=at(2026, 3, 2, 12),
    )
    PenaltyWaiver.objects.create(
        promise=waived,
        rule=deal.penalty_rules.get(target="response"),
        reason="客户同意",
        waived_by=factories.staff_user("mgr", role="manager"),
        waived_at=NOW,
    )
    e = rf.case(customer_a, at(2026, 2, 2, 9), contract=deal)
    rf.promise(e, "response", at(2026, 2, 2, 9), breached_at=at(2026, 2, 2, 10))  # February
    result = kpis(MARCH, NOW).penalties
    assert late.pk and result.lines == 2
    assert result.incurred == Decimal("4000.00")  # 2 × 1 % of 200,000
    assert result.waived == Decimal("2000.00")
    assert result.payable == Decimal("2000.00")


def test_penalties_can_be_left_out(customer_a):
    assert kpis(MARCH, NOW, penalties_shown=False).penalties is None


# --- filters ---


@pytest.fixture
def two_worlds(customer_a, customer_b):
    """Customer A (华东) and B (西南), each with one P1 and one P3 case in March."""
    customer_b.region = "西南"
    customer_b.save(update_fields=["region"])
    east = rf.engineer_in("华东一组", "east1")
    west = rf.engineer_in("西南一组", "west1", region="西南")
    model = factories.ProductModelFactory(name="OceanStor-5500", product_line="存储")
    deal = rf.contract(customer_a, "HT-A-1")
    made = {
        "a1": rf.case(
            customer_a,
            at(2026, 3, 2),
            priority="P1",
            assignee=east,
            contract=deal,
            product_model=model,
        ),
        "a3": rf.case(customer_a, at(2026, 3, 2), priority="P3", assignee=east),
        "b1": rf.case(customer_b, at(2026, 3, 2), priority="P1", assignee=west),
        "b3": rf.case(customer_b, at(2026, 3, 2), priority="P3"),
    }
    for c in made.values():
        rf.promise(c, "response", at(2026, 3, 2), completed_at=at(2026, 3, 2, 0, 10), used=10)
    return made


@pytest.mark.parametrize(
    ("dimension", "value", "expected"),
    [
        ("customer", "KH-A001", 2),
        ("region", "西南", 2),
        ("contract", "HT-A-1", 1),
        ("team", "华东一组", 2),
        ("engineer", "west1", 1),
        ("product", "OceanStor-5500", 1),
        ("product", "存储", 1),
        ("priority", "P1", 2),
    ],
)
def test_each_dimension_narrows_cases_and_promises(two_worlds, dimension, value, expected):
    result = kpis(march(**{dimension: value}), NOW)
    assert result.cases_opened == expected
    assert result.compliance["response"].met == expected
    assert result.service_minutes["response"].count == expected


def test_a_team_filter_hides_inspections_which_have_no_team(two_worlds):
    result = kpis(march(team="华东一组"), NOW)
    assert result.inspections is None
    assert result.stock_outs is None


def test_the_query_count_does_not_grow_with_the_rows(customer_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            kpis(MARCH, NOW, penalties_shown=False)
        return len(captured)

    def add(n: int) -> None:
        for hour in range(n):
            c = rf.case(
                customer_a,
                at(2026, 3, 2, hour),
                resolved_at=at(2026, 3, 8),
                closed_at=at(2026, 3, 9),
            )
            rf.promise(c, "response", at(2026, 3, 2), completed_at=at(2026, 3, 3), used=hour)
            rf.activity(c, "resolved", at(2026, 3, 8))
            rf.survey(customer_a, at(2026, 3, 10), overall=4, recommend=8)

    add(3)
    few = queries()
    add(9)
    assert queries() == few
    assert Promise.objects.count() == 12
