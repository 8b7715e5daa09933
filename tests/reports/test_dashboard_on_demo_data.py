"""The demo's manager opens the dashboard: every tile and the charts' totals equal a direct
count of the demo's own rows (the issue's "done when", on the data a new user sees first)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.cases.models import OPEN_STATUSES, Case
from aftersales.contracts.models import ServiceContract
from aftersales.contracts.penalties import penalty_statement
from aftersales.feedback.models import Complaint
from aftersales.reports import charts, dashboard
from aftersales.reports.filters import parse_filter
from aftersales.sla.models import Promise


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo set, loaded once for the module (its tests only read)."""
    from aftersales.registry import demo as loader

    with django_db_blocker.unblock():
        loader.load(customers=4)
        yield
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def tiles(demo, db):
    now = timezone.now()
    manager = User.objects.get(username="mgr1")
    f = parse_filter({})
    found = {t.key: t for t in dashboard.dashboard_tiles(user=manager, f=f, now=now)}
    return found, f, now


def _open():
    return Case.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True)


def test_the_demo_has_open_cases_to_show(tiles):
    found, _f, _now = tiles
    assert found["open_by_priority"].count == _open().count() > 0


def test_open_cases_by_priority_and_state_equal_a_direct_count(tiles):
    found, _f, _now = tiles
    by_priority = {i.key: i.count for i in found["open_by_priority"].items}
    by_state = {i.key: i.count for i in found["open_by_state"].items}
    assert by_priority == {p: _open().filter(priority=p).count() for p in by_priority}
    assert by_state == {s: _open().filter(status=s).count() for s in OPEN_STATUSES}


def test_unassigned_and_engineers_load_equal_a_direct_count(tiles):
    found, _f, _now = tiles
    assert found["unassigned"].count == _open().filter(assignee__isnull=True).count()
    loads = {i.key: i.count for i in found["engineer_load"].items}
    assert loads == {u: _open().filter(assignee__username=u).count() for u in loads}


def test_due_next_hour_and_missed_equal_a_direct_count(tiles):
    found, _f, now = tiles
    running = Promise.objects.filter(completed_at=None, stopped_at=None)
    soon = running.filter(
        paused_at=None, breached_at=None, due_at__gt=now, due_at__lte=now + dt.timedelta(hours=1)
    )
    late = running.filter(Q(breached_at__isnull=False) | Q(paused_at=None, due_at__lte=now))
    assert found["due_next_hour"].count == soon.count()
    assert found["breached"].count == late.count()


def test_open_complaints_equal_a_direct_count(tiles):
    found, _f, _now = tiles
    assert found["complaints_open"].count == Complaint.objects.exclude(status="closed").count()


def test_penalty_exposure_equals_the_contracts_statements(tiles):
    found, f, now = tiles
    expected = sum(
        (
            penalty_statement(contract=c, start=f.start, end=f.end, now=now).payable_total
            for c in ServiceContract.objects.all()
        ),
        Decimal("0.00"),
    )
    assert found["penalty_exposure"].count == expected


def test_the_charts_count_the_cases_opened_and_answered_in_the_period(tiles):
    _found, f, _now = tiles
    opened = Case.objects.filter(
        created_at__gte=f.since, created_at__lt=f.until, merged_into__isnull=True
    )
    by_type = next(c for c in charts.cases_by(f) if c.key == "by_type")
    assert sum(v or 0 for v in by_type.series[0].data) == opened.count()
    response = next(s.data for s in charts.durations(f).series if s.key == "response")
    assert sum(response) == opened.filter(responded_at__isnull=False).count()
