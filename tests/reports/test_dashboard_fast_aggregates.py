"""The dashboard's fast aggregates (issue 16, speed) against direct recounts: after a seeded
random sequence of case and promise writes, the penalty exposure equals the contracts'
penalty statements to the fen, and the open-case, promise, compliance, duration and
"cases by" figures equal plain counts of the rows."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Q

from aftersales.cases.models import OPEN_STATUSES, Case, CaseType, Status
from aftersales.contracts.models import PenaltyRule, PenaltyWaiver, ServiceContract
from aftersales.contracts.penalties import penalty_statement
from aftersales.reports import charts, dashboard
from aftersales.reports.filters import parse_filter
from aftersales.sla.models import Promise, SlaPolicy
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=SHANGHAI)
DAY = dt.timedelta(days=1)
SEEDS = (1, 2, 3)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


def _contract(customer, number: str, value: str) -> ServiceContract:
    contract = ServiceContract.objects.create(
        number=number,
        customer=customer,
        sla_policy=SlaPolicy.objects.get(code="5x8"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        value=Decimal(value),
    )
    # Odd percents so that rounding to the fen matters for every line.
    PenaltyRule.objects.create(
        contract=contract, target="response", basis="occurrence", percent_of_value=Decimal("0.37")
    )
    PenaltyRule.objects.create(
        contract=contract, target="resolution", basis="day_late", percent_of_value=Decimal("0.13")
    )
    return contract


def _random_world(rnd: random.Random, customers, engineers, contracts, manager) -> None:
    """Cases and their promises in every state, moments down to the microsecond, breaches
    exactly whole days late, some waived lines (one under a rule of another contract)."""
    types = list(CaseType.objects.all())
    models = [factories.ProductModelFactory(name=f"M{n}") for n in range(3)]
    models.append(factories.ProductModelFactory(name="M0"))  # a second model of one name
    statuses = [s.value for s in Status]
    for n in range(40):
        customer = rnd.choice(customers)
        created = NOW - dt.timedelta(minutes=rnd.randint(10, 50 * 24 * 60))
        status = rnd.choice(statuses)
        fields = {}
        for column in ("responded_at", "diagnosed_at", "resolved_at"):
            if rnd.random() < 0.7:
                fields[column] = created + dt.timedelta(minutes=rnd.choice((0, 14, 15, 59, 4321)))
        if status == "closed" and rnd.random() < 0.5:
            fields["closed_at"] = created + dt.timedelta(days=2)
        case = Case.objects.create(
            number=f"R{n:05d}",
            title="随机",
            customer=customer,
            case_type=rnd.choice(types),
            product_model=rnd.choice([*models, None]),
            priority=rnd.choice(("P1", "P2", "P3", "P4")),
            channel="phone",
            status=status,
            assignee=rnd.choice([*engineers, None]),
            created_at=created,
            updated_at=created,
            **fields,
        )
        contract = rnd.choice([*(c for c in contracts if c.customer_id == customer.pk), None])
        for target in ("response", "diagnosis", "resolution"):
            due = created + dt.timedelta(hours=rnd.randint(1, 72))
            promise = {"due_at": due, "started_at": created}
            roll = rnd.random()
            if roll < 0.3:  # breached, maybe completed or stopped later
                promise["breached_at"] = due
                late = rnd.choice(
                    (DAY, 2 * DAY, DAY + dt.timedelta(microseconds=1), dt.timedelta(hours=5))
                )
                end = rnd.choice(("completed_at", "stopped_at", None))
                if end and due + late <= NOW:
                    promise[end] = due + late
            elif roll < 0.6:
                promise |= {"met": True, "completed_at": min(due, NOW)}
            elif roll < 0.8:
                promise["running_since"] = created
            else:
                promise["paused_at"] = created
            Promise.objects.create(
                subject_kind="case",
                subject_id=case.pk,
                customer_id=customer.pk,
                contract_id=contract.pk if contract else None,
                priority=case.priority,
                target=target,
                minutes=60,
                **promise,
            )
    lines = list(
        Promise.objects.filter(breached_at__isnull=False, contract_id__isnull=False).order_by("pk")
    )
    rules = list(PenaltyRule.objects.order_by("pk"))
    for promise in rnd.sample(lines, k=min(4, len(lines))):
        rule = next(
            r for r in rules if r.contract_id == promise.contract_id and r.target == promise.target
        ) if promise.target in ("response", "resolution") else rnd.choice(rules)  # fmt: skip
        PenaltyWaiver.objects.create(
            promise=promise, rule=rule, reason="同意", waived_by=manager, waived_at=NOW
        )


@pytest.fixture(params=SEEDS)
def world(request, manager, customer_a, customer_b, engineer):
    rnd = random.Random(request.param)
    engineers = [engineer, factories.staff_user("engineer2", role="engineer")]
    contracts = [
        _contract(customer_a, "HT-A", "123456.78"),
        _contract(customer_b, "HT-B", "99999.99"),
    ]
    _random_world(rnd, [customer_a, customer_b], engineers, contracts, manager)
    return contracts


def test_penalty_exposure_equals_the_statements_after_random_writes(manager, world):
    f = parse_filter({"from": "2026-02-01", "to": "2026-03-18"})
    expected = sum(
        (
            penalty_statement(contract=c, start=f.start, end=f.end, now=NOW).payable_total
            for c in world
        ),
        Decimal("0.00"),
    )
    assert dashboard.penalty_exposure(f, NOW) == expected


def test_penalty_exposure_of_one_customer_equals_its_statement(manager, world, customer_b):
    f = parse_filter({"from": "2026-02-01", "to": "2026-03-18", "customer": customer_b.code})
    statement = penalty_statement(contract=world[1], start=f.start, end=f.end, now=NOW)
    assert dashboard.penalty_exposure(f, NOW) == statement.payable_total


def test_open_counts_equal_direct_counts_after_random_writes(world):
    counts = dashboard.open_counts(parse_filter({}))
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    assert counts.total == open_cases.count()
    assert counts.unassigned == open_cases.filter(assignee__isnull=True).count()
    assert counts.by_assignee == dict(
        Counter(open_cases.filter(assignee__isnull=False).values_list("assignee_id", flat=True))
    )
    assert counts.by_status == dict(Counter(open_cases.values_list("status", flat=True)))


def test_promise_counts_equal_direct_counts_after_random_writes(manager, world):
    counts = dashboard.promise_counts(manager, parse_filter({}), NOW)
    undone = Promise.objects.filter(completed_at=None, stopped_at=None)
    due = undone.filter(breached_at=None, paused_at=None, due_at__gt=NOW)
    missed = undone.filter(Q(breached_at__isnull=False) | Q(paused_at=None, due_at__lte=NOW))
    assert counts["due"] == due.filter(due_at__lte=NOW + dt.timedelta(hours=1)).count()
    assert counts["missed"] == missed.count()


def test_compliance_trend_equals_a_recount_per_week_after_random_writes(world):
    f = parse_filter({"from": "2026-02-01", "to": "2026-03-18"})
    chart = charts.compliance_trend(f)
    for series in chart.series:
        for week, value in zip(chart.categories, series.data, strict=True):
            start = dt.datetime.combine(dt.date.fromisoformat(week), dt.time(), SHANGHAI)
            start, end = max(start, f.since), min(start + 7 * DAY, f.until)
            rows = Promise.objects.filter(target=series.key)
            met = rows.filter(
                met=True, breached_at=None, completed_at__gte=start, completed_at__lt=end
            ).count()
            missed = rows.filter(breached_at__gte=start, breached_at__lt=end).count()
            expected = round(met / (met + missed) * 100, 1) if met + missed else None
            assert value == expected, (series.key, week)


def test_durations_and_cases_by_equal_recounts_after_random_writes(world):
    f = parse_filter({"from": "2026-02-01", "to": "2026-03-18"})
    opened = Case.objects.filter(created_at__gte=f.since, created_at__lt=f.until)
    chart = charts.durations(f)
    columns = ("responded_at", "diagnosed_at", "resolved_at")
    for series, column in zip(chart.series, columns, strict=True):
        expected = [0] * (len(charts.BUCKETS) + 1)
        for created, moment in opened.exclude(**{column: None}).values_list("created_at", column):
            minutes = (moment - created) / dt.timedelta(minutes=1)
            expected[sum(1 for bound in charts.BUCKETS if minutes >= bound)] += 1
        assert series.data == expected, series.key
    by = {c.key: c for c in charts.cases_by(f)}
    names = Counter(opened.values_list("product_model__name", flat=True))
    shown = dict(zip(by["by_product"].categories, by["by_product"].series[0].data, strict=True))
    assert shown == {(name or str(charts.NONE)): n for name, n in names.items()}
    assert sum(by["by_type"].series[0].data) == opened.count()
