"""The service dashboard (/reports/ and /api/v1/reports/dashboard): every tile and chart
recounted here with plain ORM counts over rows the test builds."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Q
from django.urls import reverse

from aftersales.cases.models import OPEN_STATUSES, Case, CaseType
from aftersales.contracts.models import PenaltyRule, PenaltyWaiver, ServiceContract
from aftersales.contracts.penalties import penalty_statement
from aftersales.feedback.models import Complaint
from aftersales.fieldservice.models import Appointment
from aftersales.registry.models import Engineer
from aftersales.reports import charts, dashboard
from aftersales.reports.filters import parse_filter
from aftersales.sla.models import Promise, SlaPolicy
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=SHANGHAI)  # a Wednesday
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


def make_case(customer, *, priority="P2", status="new", assignee=None, days_ago=1, **fields):
    created = NOW - dt.timedelta(days=days_ago)
    n = next(_numbers)
    return Case.objects.create(
        number=f"T{n:06d}",
        title=f"case {n}",
        customer=customer,
        case_type=fields.pop("case_type", None) or CaseType.objects.get(code="fault"),
        priority=priority,
        channel="phone",
        status=status,
        assignee=assignee,
        created_at=created,
        updated_at=created,
        **fields,
    )


def make_promise(subject_id, *, kind="case", target="response", customer=None, **fields):
    fields.setdefault("started_at", NOW - dt.timedelta(days=2))
    return Promise.objects.create(
        subject_kind=kind,
        subject_id=subject_id,
        customer_id=customer.pk if customer else None,
        target=target,
        minutes=60,
        **fields,
    )


@pytest.fixture
def world(customer_a, customer_b, engineer):
    """Open and finished cases of two customers, promises in every state, an appointment,
    complaints and a breached promise under a contract with penalty rules."""
    other = factories.staff_user("engineer2", role="engineer")
    a1 = make_case(customer_a, priority="P1", status="assigned", assignee=engineer, days_ago=3)
    make_case(customer_a, priority="P1", status="new", days_ago=2)
    make_case(customer_a, priority="P3", status="in_progress", assignee=other, days_ago=10)
    make_case(customer_b, priority="P2", status="waiting", assignee=engineer, days_ago=40)
    make_case(
        customer_b,
        priority="P2",
        status="resolved",
        days_ago=5,
        responded_at=NOW - dt.timedelta(days=5) + dt.timedelta(minutes=20),
        resolved_at=NOW - dt.timedelta(days=2),
    )
    make_case(
        customer_a,
        priority="P4",
        status="closed",
        days_ago=20,
        responded_at=NOW - dt.timedelta(days=20) + dt.timedelta(minutes=5),
        closed_at=NOW - dt.timedelta(days=15),
    )
    running = {"running_since": NOW - dt.timedelta(hours=2)}
    make_promise(a1.pk, customer=customer_a, due_at=NOW + dt.timedelta(minutes=30), **running)
    make_promise(a1.pk, target="diagnosis", customer=customer_a, due_at=NOW + dt.timedelta(hours=3))
    make_promise(
        a1.pk, target="resolution", customer=customer_a, due_at=NOW - dt.timedelta(hours=1)
    )
    contract = ServiceContract.objects.create(
        number="HT-1",
        customer=customer_b,
        sla_policy=SlaPolicy.objects.get(code="5x8"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        value=Decimal("100000.00"),
    )
    PenaltyRule.objects.create(
        contract=contract, target="response", basis="occurrence", percent_of_value=1
    )
    PenaltyRule.objects.create(
        contract=contract, target="resolution", basis="day_late", percent_of_value=Decimal("0.5")
    )
    b = Case.objects.filter(customer=customer_b, status="waiting").get()
    breach = {"contract_id": contract.pk, "customer": customer_b}
    make_promise(
        b.pk, breached_at=NOW - dt.timedelta(days=3), due_at=NOW - dt.timedelta(days=3), **breach
    )
    make_promise(
        b.pk,
        target="resolution",
        breached_at=NOW - dt.timedelta(days=2, hours=5),
        due_at=NOW - dt.timedelta(days=2, hours=5),
        **breach,
    )
    make_promise(
        b.pk,
        target="diagnosis",
        met=True,
        completed_at=NOW - dt.timedelta(days=9),
        customer=customer_b,
    )
    make_promise(
        901, kind="rma", target="ship_by", customer=customer_a, due_at=NOW + dt.timedelta(hours=5)
    )
    make_promise(
        902, kind="rma", target="ship_by", customer=customer_b, due_at=NOW + dt.timedelta(days=2)
    )
    Appointment.objects.create(
        engineer=engineer,
        customer=customer_a,
        starts_at=NOW + dt.timedelta(hours=1),
        ends_at=NOW + dt.timedelta(hours=3),
    )
    Appointment.objects.create(
        engineer=engineer,
        customer=customer_a,
        starts_at=NOW + dt.timedelta(days=1),
        ends_at=NOW + dt.timedelta(days=1, hours=1),
    )
    for n, status in enumerate(("sent", "answered", "closed")):
        Complaint.objects.create(
            number=f"TS-{n}",
            customer=customer_a,
            channel="phone",
            text="投诉",
            department="service",
            status=status,
            received_at=NOW - dt.timedelta(days=1),
            created_at=NOW,
            updated_at=NOW,
        )
    return {"contract": contract, "case_a": a1, "case_b": b}


def tiles_of(user, **raw):
    f = parse_filter(raw)
    return {t.key: t for t in dashboard.dashboard_tiles(user=user, f=f, now=NOW)}


# --- tiles ---------------------------------------------------------------------------------


def test_open_cases_by_priority_match_a_direct_count(manager, world):
    tile = tiles_of(manager)["open_by_priority"]
    for item in tile.items:
        expected = Case.objects.filter(status__in=OPEN_STATUSES, priority=item.key).count()
        assert item.count == expected
    assert tile.count == Case.objects.filter(status__in=OPEN_STATUSES).count() == 4


def test_open_cases_by_state_match_a_direct_count(manager, world):
    tile = tiles_of(manager)["open_by_state"]
    assert {i.key: i.count for i in tile.items} == {
        s: Case.objects.filter(status=s).count() for s in OPEN_STATUSES
    }


def test_each_open_tile_line_links_to_the_case_list_of_exactly_its_rows(manager, world, client):
    client.force_login(manager)
    item = next(i for i in tiles_of(manager)["open_by_priority"].items if i.key == "P1")
    page = client.get(item.url)
    assert page.status_code == 200
    shown = [c.number for c in page.context["page"].object_list]
    expected = Case.objects.filter(status__in=OPEN_STATUSES, priority="P1")
    assert sorted(shown) == sorted(expected.values_list("number", flat=True))


def test_unassigned_counts_open_cases_without_an_engineer(manager, world, client):
    tile = tiles_of(manager)["unassigned"]
    expected = Case.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=True)
    assert tile.count == expected.count() == 1
    client.force_login(manager)
    shown = client.get(tile.url).context["page"].object_list
    assert [c.number for c in shown] == list(expected.values_list("number", flat=True))


def test_engineers_load_counts_open_cases_per_assignee(manager, world, engineer):
    tile = tiles_of(manager)["engineer_load"]
    loads = {i.key: i.count for i in tile.items}
    assert loads == {
        u: Case.objects.filter(status__in=OPEN_STATUSES, assignee__username=u).count()
        for u in ("engineer", "engineer2")
    }
    assert tile.items[0].key == "engineer"  # most loaded first


def test_due_next_hour_and_missed_recount_the_running_promises(manager, world):
    tiles = tiles_of(manager)
    soon = Promise.objects.filter(
        completed_at=None,
        stopped_at=None,
        paused_at=None,
        breached_at=None,
        due_at__gt=NOW,
        due_at__lte=NOW + dt.timedelta(hours=1),
    )
    late = Promise.objects.filter(completed_at=None, stopped_at=None).filter(
        Q(breached_at__isnull=False) | Q(paused_at=None, due_at__lte=NOW)
    )
    assert tiles["due_next_hour"].count == soon.count() == 1
    assert tiles["breached"].count == late.count() == 3


def test_rma_shipments_due_count_ship_promises_due_by_tonight(manager, world):
    tonight = dt.datetime(2026, 3, 19, tzinfo=SHANGHAI)
    expected = Promise.objects.filter(
        subject_kind="rma",
        target="ship_by",
        completed_at=None,
        stopped_at=None,
        due_at__lt=tonight,
    )
    assert tiles_of(manager)["rma_ship_due"].count == expected.count() == 1


def test_todays_visits_count_todays_appointments_and_link_to_that_day(manager, world, client):
    tile = tiles_of(manager)["visits_today"]
    start = dt.datetime(2026, 3, 18, tzinfo=SHANGHAI)
    expected = Appointment.objects.filter(
        starts_at__lt=start + dt.timedelta(days=1), ends_at__gt=start
    ).exclude(status="cancelled")
    assert tile.count == expected.count() == 1
    assert "day=2026-03-18" in tile.url
    client.force_login(manager)
    assert len(client.get(tile.url).context["page"].object_list) == 1


def test_open_complaints_count_every_status_but_closed(manager, world):
    tile = tiles_of(manager)["complaints_open"]
    assert tile.count == Complaint.objects.exclude(status="closed").count() == 2
    assert {i.key: i.count for i in tile.items if i.count} == {"sent": 1, "answered": 1}


def test_penalty_exposure_equals_the_contracts_penalty_statements(manager, world):
    f = parse_filter({})
    statement = penalty_statement(contract=world["contract"], start=f.start, end=f.end, now=NOW)
    amount = tiles_of(manager)["penalty_exposure"].count
    # 1 % of 100,000 for the response; 0.5 % × 3 started days for the resolution.
    assert amount == statement.payable_total == Decimal("2500.00")


def test_a_waived_penalty_line_leaves_the_exposure(manager, world):
    promise = Promise.objects.get(contract_id=world["contract"].pk, target="response")
    rule = PenaltyRule.objects.get(contract=world["contract"], target="response")
    PenaltyWaiver.objects.create(
        promise=promise, rule=rule, reason="客户同意", waived_by=manager, waived_at=NOW
    )
    assert tiles_of(manager)["penalty_exposure"].count == Decimal("1500.00")


def test_a_customer_filter_counts_only_that_customers_rows(manager, world, customer_a):
    tiles = tiles_of(manager, customer=customer_a.code)
    expected = Case.objects.filter(status__in=OPEN_STATUSES, customer=customer_a).count()
    assert tiles["open_by_priority"].count == expected == 3
    assert tiles["penalty_exposure"].count == Decimal("0.00")
    assert "customer=KH-A001" in tiles["open_by_priority"].url


def test_a_team_filter_counts_the_teams_cases_and_links_the_team_queue(manager, world, engineer):
    Engineer.objects.create(user=engineer, name="工程师", phone="1", region="华东", team="一组")
    tile = tiles_of(manager, team="一组")["open_by_priority"]
    expected = Case.objects.filter(status__in=OPEN_STATUSES, assignee=engineer).count()
    assert tile.count == expected == 2
    # The case queue understands the team now (cases.selectors): nothing left unlinked.
    assert tile.unlinked == ()
    assert "team=" in tile.url


def test_penalty_tile_is_left_out_for_those_who_may_not_see_penalties(world):
    service_manager = factories.staff_user("sm", role="service_manager")
    assert "penalty_exposure" not in tiles_of(service_manager)


# --- charts --------------------------------------------------------------------------------


def test_backlog_on_each_day_equals_a_direct_count_of_cases_open_that_evening(world):
    f = parse_filter({"from": "2026-02-01", "to": "2026-03-20"})
    chart = charts.backlog(f, NOW)
    for day, value in zip(chart.categories, chart.series[0].data, strict=True):
        evening = dt.datetime.combine(
            dt.date.fromisoformat(day) + dt.timedelta(days=1), dt.time(), SHANGHAI
        )
        if evening - dt.timedelta(days=1) > NOW:
            assert value is None
            continue
        finished = (
            Q(status__in=OPEN_STATUSES)
            | Q(resolved_at__gte=evening)
            | Q(resolved_at=None, closed_at__gte=evening)
        )
        assert value == Case.objects.filter(finished, created_at__lt=evening).count(), day


def test_compliance_trend_recounts_met_and_missed_per_week_and_target(world):
    f = parse_filter({"from": "2026-03-02", "to": "2026-03-18"})
    chart = charts.compliance_trend(f)
    assert chart.categories == ["2026-03-02", "2026-03-09", "2026-03-16"]
    by_target = {s.key: s.data for s in chart.series}
    # The diagnosis met on the 9th; the response breached on Sunday the 15th (week of the
    # 9th), the resolution on Monday the 16th.
    assert by_target["diagnosis"] == [None, 100.0, None]
    assert by_target["response"] == [None, 0.0, None]
    assert by_target["resolution"] == [None, None, 0.0]


def test_durations_put_each_case_in_its_bucket(world):
    f = parse_filter({"from": "2026-02-01", "to": "2026-03-18"})
    chart = charts.durations(f)
    response = next(s.data for s in chart.series if s.key == "response")
    assert response[0] == 1  # 5 minutes
    assert response[1] == 1  # 20 minutes
    assert sum(response) == Case.objects.filter(responded_at__isnull=False).count()
    resolution = next(s.data for s in chart.series if s.key == "resolution")
    assert sum(resolution) == 1 and resolution[-1] == 1  # 3 days: the last bucket


def test_cases_by_type_and_region_recount_cases_opened_in_the_period(world, customer_a):
    f = parse_filter({"from": "2026-03-01", "to": "2026-03-18"})
    by = {c.key: c for c in charts.cases_by(f)}
    opened = Case.objects.filter(created_at__gte=f.since, created_at__lt=f.until)
    assert by["by_type"].series[0].data == [opened.count()] == [4]
    assert by["by_region"].categories == ["East China"]


# --- the page, the API and who may see them -------------------------------------------------


def test_manager_sees_the_dashboard_with_its_tiles_and_chart_tables(manager, world, client):
    client.force_login(manager)
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-tile="open_by_priority"' in body and 'data-chart-table="backlog"' in body
    assert 'id="dashboard-charts"' in body and "onclick" not in body


def test_the_page_answers_in_a_bounded_number_of_queries(
    manager, world, client, django_assert_max_num_queries, customer_b
):
    client.force_login(manager)
    with django_assert_max_num_queries(45):
        assert client.get(reverse("reports:dashboard")).status_code == 200
    for n in range(30):  # more rows, the same number of queries
        make_case(customer_b, priority="P3", assignee=factories.staff_user(f"e{n}"))
    with django_assert_max_num_queries(45):
        assert client.get(reverse("reports:dashboard")).status_code == 200


def test_an_engineer_without_view_reports_gets_403(engineer, client, api_as):
    client.force_login(engineer)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert api_as(engineer).get("/api/v1/reports/dashboard").status_code == 403


def test_a_customer_contact_gets_404(contact_a, client, api_as):
    client.force_login(contact_a.user)
    assert client.get(reverse("reports:dashboard")).status_code == 404
    assert api_as(contact_a.user).get("/api/v1/reports/dashboard").status_code == 404


def test_a_bad_filter_answers_422_naming_the_field(manager, client, api_as):
    client.force_login(manager)
    page = client.get(reverse("reports:dashboard"), {"from": "2026-13-01"})
    assert page.status_code == 422
    assert 'data-field="from"' in page.content.decode()
    answer = api_as(manager).get("/api/v1/reports/dashboard", {"priority": "P9"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "priority"]


def test_an_unknown_customer_answers_422(manager, api_as):
    answer = api_as(manager).get("/api/v1/reports/dashboard", {"customer": "NOPE"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "customer"]


def test_the_api_gives_the_same_tiles_and_series_as_the_page(manager, world, api_as):
    answer = api_as(manager).get("/api/v1/reports/dashboard", {"from": "2026-03-01"})
    assert answer.status_code == 200
    body = answer.json()
    tiles = {t["key"]: t for t in body["tiles"]}
    assert tiles["open_by_priority"]["count"] == 4
    assert tiles["penalty_exposure"]["amount"] == "2500.00"
    assert tiles["penalty_exposure"]["count"] is None
    keys = [c["key"] for c in body["charts"]]
    assert keys[:3] == ["backlog", "compliance", "durations"]
    assert body["filter"]["start"] == "2026-03-01"


def test_the_api_is_documented_in_the_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/reports/dashboard"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "customer", "team"}


# --- the home board -------------------------------------------------------------------------


def test_manager_sees_the_compact_dashboard_on_the_home_page(manager, world, client):
    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()
    assert 'id="service-dashboard"' in body
    assert reverse("reports:dashboard") in body


def test_the_compact_dashboard_comes_first_on_a_managers_home(manager, world, client):
    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()
    assert body.index('id="service-dashboard"') < body.index('id="risk-board"')


def test_an_engineer_does_not_see_the_compact_dashboard(engineer, client):
    client.force_login(engineer)
    assert 'id="service-dashboard"' not in client.get(reverse("home")).content.decode()


def test_the_open_complaints_tile_opens_the_list_of_exactly_its_complaints(manager, world, client):
    tile = tiles_of(manager)["complaints_open"]
    client.force_login(manager)
    shown = client.get(tile.url).context["page"].object_list
    expected = Complaint.objects.exclude(status="closed")
    assert sorted(c.number for c in shown) == sorted(expected.values_list("number", flat=True))
    assert len(shown) == tile.count
