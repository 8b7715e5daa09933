"""Generating a contract year's preventive visits: windows, business days, promises, idempotence."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
import time_machine
from django.utils import timezone

from aftersales.fieldservice import inspection_plans
from aftersales.fieldservice.models import InspectionPlan, InspectionVisit
from aftersales.sla.models import Promise
from tests.conftest import api_client_for
from tests.fieldservice.factories_inspections import make_contract, make_plan

pytestmark = pytest.mark.django_db
JSON = "application/json"
TZ = timezone.get_default_timezone()


def works(day: dt.date) -> bool:
    """The holiday library's own answer (it knows up to 2026; later years: weekdays)."""
    if day.year <= 2026:
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def test_a_4_a_year_contract_gets_four_visits_one_per_quarter_on_business_days(customer_a):
    plan = make_plan(make_contract(customer_a, starts="2026-10-01", ends="2027-09-30"))
    visits = list(plan.visits.order_by("sequence"))
    windows = [(v.window_starts_on, v.window_ends_on) for v in visits]
    assert windows == [
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
        (dt.date(2027, 4, 1), dt.date(2027, 6, 30)),
        (dt.date(2027, 7, 1), dt.date(2027, 9, 30)),
    ]
    for v in visits:
        assert v.window_starts_on <= v.planned_on <= v.window_ends_on
        # Checked against the holiday library itself, not only the engine that planned it.
        assert works(v.planned_on), v.planned_on


def test_a_window_in_national_day_week_takes_the_nearest_business_day():
    business = inspection_plans.BusinessDays(inspection_plans.promises.calendar())
    day = inspection_plans.planned_day(business, dt.date(2026, 10, 1), dt.date(2026, 10, 11))
    assert day == dt.date(2026, 10, 8)  # the middle (Oct 6) is a holiday; Oct 8 works


def test_a_window_without_business_days_takes_the_first_one_after_it():
    business = inspection_plans.BusinessDays(inspection_plans.promises.calendar())
    day = inspection_plans.planned_day(business, dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    assert day == dt.date(2026, 10, 8)


def test_twice_a_year_gives_two_half_year_windows(customer_a):
    plan = make_plan(make_contract(customer_a, per_year=2))
    windows = [(v.window_starts_on, v.window_ends_on) for v in plan.visits.order_by("sequence")]
    assert windows == [
        (dt.date(2026, 10, 1), dt.date(2027, 3, 31)),
        (dt.date(2027, 4, 1), dt.date(2027, 9, 30)),
    ]


def test_monthly_gives_one_visit_in_each_month_of_the_contract_year(customer_a):
    plan = make_plan(make_contract(customer_a, per_year=12))
    visits = list(plan.visits.order_by("sequence"))
    assert len(visits) == 12
    assert [(v.planned_on.year, v.planned_on.month) for v in visits] == [
        ((2026 if m >= 10 else 2027), m) for m in (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)
    ]
    assert all(works(v.planned_on) for v in visits)


def test_each_visit_is_a_promise_due_at_the_end_of_its_planned_day(customer_a):
    plan = make_plan(make_contract(customer_a))
    for visit in plan.visits.all():
        promise = Promise.objects.get(subject_kind="inspection_visit", subject_id=visit.pk)
        due = dt.datetime.combine(visit.planned_on, dt.time(17, 0), tzinfo=TZ)
        assert (promise.due_at, promise.contract_id, visit.due_at) == (due, plan.contract_id, due)


def test_the_contract_year_is_the_one_containing_today(customer_a):
    contract = make_contract(customer_a, starts="2025-03-15", ends="2028-03-14")
    first, last = inspection_plans.contract_year(contract, dt.date(2026, 12, 7))
    assert (first, last) == (dt.date(2026, 3, 15), dt.date(2027, 3, 14))


def test_generating_twice_returns_the_existing_plan_and_never_doubles_visits(seat, customer_a):
    make_contract(customer_a, starts="2026-10-01")
    client = api_client_for(seat)
    with time_machine.travel(dt.datetime(2026, 9, 20, 10, tzinfo=TZ), tick=False):
        first = client.post(
            "/api/v1/inspection-plans", {"contract": "HT-XJ-001"}, content_type=JSON
        )
        again = client.post(
            "/api/v1/inspection-plans", {"contract": "HT-XJ-001"}, content_type=JSON
        )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert [v["id"] for v in first.json()["visits"]] == [v["id"] for v in again.json()["visits"]]
    assert InspectionVisit.objects.count() == 4
    assert Promise.objects.filter(subject_kind="inspection_visit").count() == 4


def test_visits_per_year_out_of_range_is_422_naming_it_and_writes_nothing(seat, customer_a):
    make_contract(customer_a)
    response = api_client_for(seat).post(
        "/api/v1/inspection-plans",
        {"contract": "HT-XJ-001", "visits_per_year": 13},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "visits_per_year"
    assert InspectionPlan.objects.count() == InspectionVisit.objects.count() == 0


def test_an_unknown_contract_is_422_naming_it(seat, customer_a):
    response = api_client_for(seat).post(
        "/api/v1/inspection-plans", {"contract": "HT-NOPE"}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "contract"


def test_an_engineer_may_not_generate_a_plan(engineer, customer_a):
    make_contract(customer_a)
    response = api_client_for(engineer).post(
        "/api/v1/inspection-plans", {"contract": "HT-XJ-001"}, content_type=JSON
    )
    assert response.status_code == 403
    assert InspectionPlan.objects.count() == 0


def test_a_plan_names_the_engineer_who_takes_its_visits(seat, engineer, customer_a):
    make_contract(customer_a)
    response = api_client_for(seat).post(
        "/api/v1/inspection-plans",
        {"contract": "HT-XJ-001", "engineer": engineer.username},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert set(InspectionVisit.objects.values_list("engineer_id", flat=True)) == {engineer.pk}


def test_an_engineer_who_does_not_do_visits_is_422_naming_it(seat, customer_a):
    make_contract(customer_a)
    response = api_client_for(seat).post(
        "/api/v1/inspection-plans",
        {"contract": "HT-XJ-001", "engineer": seat.username},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "engineer"
    assert InspectionPlan.objects.count() == 0
