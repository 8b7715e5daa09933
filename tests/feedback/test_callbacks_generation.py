"""The call list of a period: exactly the due items, once, whatever the reruns and period ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.contracts.entitlement import asset_warranty
from aftersales.contracts.models import ServiceContract
from aftersales.feedback.callback_generation import (
    after_case_due,
    callbacks_generate,
    callbacks_generate_current,
    month_period,
    parse_period,
    quarter_period,
)
from aftersales.feedback.models import Callback, CallbackRule
from aftersales.sla import clockwork
from aftersales.sla.models import SlaPolicy
from tests.feedback.factories_callbacks import arrived, asset, at, closed_case

pytestmark = pytest.mark.django_db


def listed(rule: str, period: str) -> set:
    rows = Callback.objects.filter(rule__code=rule, period=period)
    return {r.asset_id or r.case_id for r in rows}


def test_the_months_list_holds_exactly_the_due_items(customer_a):
    accepted = asset(customer_a, accepted_on=dt.date(2026, 12, 3))
    installed = asset(customer_a, installed_on=dt.date(2026, 12, 31))
    asset(customer_a, accepted_on=dt.date(2026, 11, 30))  # last month's
    asset(customer_a, accepted_on=dt.date(2026, 12, 4), parent=accepted)  # a component
    asset(customer_a, accepted_on=dt.date(2026, 12, 5), is_active=False)  # retired
    onsite = closed_case(customer_a, at(2026, 12, 10, 15, 0), service_mode="onsite")
    visited = closed_case(customer_a, at(2026, 12, 31, 23, 50))
    arrived(visited, at(2026, 12, 30, 10, 0))
    closed_case(customer_a, at(2027, 1, 1, 0, 10), service_mode="onsite")  # next month's
    callbacks_generate(period=parse_period("2026-12"))
    assert listed("commissioned-monthly", "2026-12") == {accepted.pk, installed.pk}
    assert listed("onsite-monthly", "2026-12") == {onsite.pk, visited.pk}


def test_commissioned_callbacks_fall_due_the_next_business_day(customer_a):
    asset(customer_a, accepted_on=dt.date(2026, 9, 30))  # National Day follows: 1–7 October
    callbacks_generate(period=parse_period("2026-09"))
    assert Callback.objects.get(rule__code="commissioned-monthly").due_on == dt.date(2026, 10, 8)


def test_a_rerun_adds_nothing_and_counts_what_exists(customer_a):
    asset(customer_a, accepted_on=dt.date(2026, 12, 3))
    closed_case(customer_a, at(2026, 12, 10, 15, 0), service_mode="onsite")
    first = callbacks_generate(period=parse_period("2026-12"))
    again = callbacks_generate(period=parse_period("2026-12"))
    assert first["created"] > 0 and first["existing"] == 0
    assert again == {"created": 0, "existing": first["created"]}
    assert Callback.objects.count() == first["created"]


def test_an_inactive_rule_builds_nothing(customer_a):
    CallbackRule.objects.filter(code="commissioned-monthly").update(active=False)
    asset(customer_a, accepted_on=dt.date(2026, 12, 3))
    callbacks_generate(period=parse_period("2026-12"))
    assert not Callback.objects.filter(rule__code="commissioned-monthly").exists()


def test_the_quarter_calls_accepted_assets_in_warranty_only(customer_a):
    inside = asset(customer_a, accepted_on=dt.date(2025, 1, 15), months=24)
    ended = asset(customer_a, accepted_on=dt.date(2024, 1, 1), months=24)  # ended 2025-12-31
    asset(customer_a)  # never accepted
    asset(customer_a, accepted_on=dt.date(2026, 4, 1))  # accepted after the quarter
    callbacks_generate(period=parse_period("2026-Q1"))
    assert listed("warranty-quarterly", "2026-Q1") == {inside.pk}
    assert ended.pk not in listed("warranty-quarterly", "2026-Q1")


def test_a_contract_covers_an_asset_out_of_warranty(customer_a):
    old = asset(customer_a, accepted_on=dt.date(2018, 1, 1), months=12)
    ServiceContract.objects.create(
        number="HT-CB-1",
        customer=customer_a,
        sla_policy=SlaPolicy.objects.first(),
        starts_on=dt.date(2026, 3, 31),
        ends_on=dt.date(2027, 3, 30),
        value=1000,
    )
    callbacks_generate(period=parse_period("2026-Q1"))
    assert listed("warranty-quarterly", "2026-Q1") == {old.pk}


def test_quarterly_calls_are_spread_over_the_business_days_of_two_months(customer_a):
    for _ in range(30):
        asset(customer_a, accepted_on=dt.date(2026, 1, 5))
    callbacks_generate(period=parse_period("2026-Q1"))
    days = set(Callback.objects.filter(period="2026-Q1").values_list("due_on", flat=True))
    cal = clockwork.calendar_for("5x8")
    assert len(days) > 10
    assert all(
        dt.date(2026, 1, 1) <= d < dt.date(2026, 3, 1) and cal.day_intervals(d) for d in days
    )


def test_a_month_builds_its_quarters_warranty_list_too(customer_a):
    asset(customer_a, accepted_on=dt.date(2026, 10, 9))
    callbacks_generate(period=parse_period("2026-11"))
    assert set(Callback.objects.values_list("period", flat=True)) == {"2026-Q4"}


def test_after_case_calls_fall_due_days_after_the_close(customer_a):
    case = closed_case(customer_a, at(2026, 9, 28, 18, 0))  # +3 = 1 October: a holiday
    callbacks_generate(period=parse_period("2026-10"))
    callback = Callback.objects.get(rule__code="after-case")
    assert (callback.case_id, callback.period, callback.due_on) == (
        case.pk,
        "2026-10",
        dt.date(2026, 10, 8),
    )


def test_the_daily_run_builds_last_month_too(customer_a):
    closed_case(customer_a, at(2026, 12, 31, 23, 59), service_mode="onsite")
    callbacks_generate_current(now=at(2027, 1, 1, 6, 20))
    assert listed("onsite-monthly", "2026-12")


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "26-01", "2026-1", "", "1999-01"])
def test_a_bad_period_is_refused(period):
    from aftersales.core.errors import Invalid

    with pytest.raises(Invalid) as caught:
        parse_period(period)
    assert caught.value.field == "period"


# --- property tests over month, quarter and year ends ----------------------------------------

DAYS = st.dates(min_value=dt.date(2025, 11, 20), max_value=dt.date(2026, 2, 10))
MAYBE_DAY = st.one_of(st.none(), DAYS, st.dates(dt.date(2022, 1, 1), dt.date(2025, 12, 31)))
MONTHS = st.one_of(st.none(), st.integers(min_value=0, max_value=40))
ASSETS = st.lists(st.tuples(MAYBE_DAY, MAYBE_DAY, MONTHS), max_size=8)
CLOSES = st.lists(
    st.tuples(
        st.datetimes(min_value=dt.datetime(2025, 11, 15), max_value=dt.datetime(2026, 2, 12)),
        st.booleans(),
    ),
    max_size=8,
)
PERIODS = ["2025-12", "2026-01", "2026-02"]


def expected_asset_calls(assets: list) -> set[tuple[str, str, int]]:
    """What the rules say, computed row by row in Python (contracts' own warranty rule)."""
    found = set()
    for a in assets:
        for code in PERIODS:
            month = parse_period(code)
            quarter = quarter_period(month.first)
            if a.accepted_on and a.accepted_on <= quarter.last:
                end = asset_warranty(a).ends_on
                if end is not None and end >= quarter.first:
                    found.add(("warranty-quarterly", quarter.code, a.pk))
            dates = (a.accepted_on, a.installed_on)
            if any(d and month.first <= d <= month.last for d in dates):
                found.add(("commissioned-monthly", code, a.pk))
    return found


def expected_case_calls(cases: list) -> set[tuple[str, str, int]]:
    cal = clockwork.calendar_for("5x8")
    found = set()
    for case in cases:
        local = case.closed_at.astimezone(month_period(dt.date(2026, 1, 1)).start().tzinfo)
        due = after_case_due(cal, local.date(), 3)
        if f"{due:%Y-%m}" in PERIODS:
            found.add(("after-case", f"{due:%Y-%m}", case.pk))
        if case.service_mode == "onsite" and f"{local:%Y-%m}" in PERIODS:
            found.add(("onsite-monthly", f"{local:%Y-%m}", case.pk))
    return found


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(assets=ASSETS, closes=CLOSES, order=st.permutations(PERIODS))
def test_every_due_call_is_listed_once_in_any_order_of_runs(customer_a, assets, closes, order):
    with transaction.atomic():
        made = [
            asset(customer_a, accepted_on=acc, installed_on=inst, months=months)
            for acc, inst, months in assets
        ]
        cases = [
            closed_case(
                customer_a,
                naive.replace(tzinfo=dt.UTC),
                service_mode="onsite" if onsite else "remote",
            )
            for naive, onsite in closes
        ]
        for code in order:
            callbacks_generate(period=parse_period(code))
        rows = list(Callback.objects.values_list("rule__code", "period", "asset_id", "case_id"))
        keys = [(rule, period, a or c) for rule, period, a, c in rows]
        assert len(keys) == len(set(keys)), "no duplicates"
        expected = expected_asset_calls(made) | expected_case_calls(cases)
        assert set(keys) == expected, "none missed, none extra"
        reruns = [callbacks_generate(period=parse_period(code))["created"] for code in PERIODS]
        assert reruns == [0, 0, 0]
        transaction.set_rollback(True)


def test_customers_of_both_kinds_are_listed_under_their_own_customer(customer_a, customer_b):
    mine = asset(customer_a, accepted_on=dt.date(2026, 12, 3))
    theirs = asset(customer_b, accepted_on=dt.date(2026, 12, 3))
    callbacks_generate(period=parse_period("2026-12"))
    owners = dict(Callback.objects.values_list("asset_id", "customer_id"))
    assert owners[mine.pk] == customer_a.pk and owners[theirs.pk] == customer_b.pk


def test_a_sampled_rule_calls_a_stable_share(customer_a):
    CallbackRule.objects.filter(code="commissioned-monthly").update(coverage_percent=50)
    made = [asset(customer_a, accepted_on=dt.date(2026, 12, 3)) for _ in range(40)]
    callbacks_generate(period=parse_period("2026-12"))
    ids = listed("commissioned-monthly", "2026-12")
    assert ids == {a.pk for a in made if a.pk * 7919 % 100 < 50}
