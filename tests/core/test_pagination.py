"""Lists count once, at most up to their cap, and plan skewed filters per call."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.core.db import CountHint, planned_per_call
from aftersales.core.pagination import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_cases(seat, customer_a):
    for i in range(3):
        services.case_create(by=seat, customer=customer_a, title=f"故障{i}")


def test_an_exact_count_hint_answers_without_counting(three_cases):
    qs = Case.objects.order_by("-id").with_count_hint(3, 11)
    with CaptureQueriesContext(connection) as ctx:
        result = page(RequestFactory().get("/"), qs, limit=2, count_cap=10)
    assert result["count"] == 3 and not result["count_capped"]
    assert not any("COUNT" in q["sql"].upper() for q in ctx.captured_queries)


def test_a_hint_that_stopped_early_still_answers_a_smaller_cap(three_cases):
    assert CountHint(counted=11, limit=11).count(cap=5) == 6
    assert CountHint(counted=11, limit=11).count(cap=20) is None
    assert CountHint(counted=11, limit=11).count(cap=None) is None


def test_filtering_again_drops_the_count_hint(three_cases):
    qs = Case.objects.with_count_hint(99, 100).filter(title="故障1")
    assert qs.count_hint is None
    assert page(RequestFactory().get("/"), qs, count_cap=10)["count"] == 1


def test_ordering_and_related_loading_keep_the_count_hint():
    qs = Case.objects.with_count_hint(2, 100).order_by("id").select_related("customer")
    assert qs.count_hint == CountHint(2, 100)


def test_only_known_planner_settings_are_accepted():
    with pytest.raises(ValueError):
        Case.objects.with_planner_settings(work_mem=True)


def test_planner_settings_hold_inside_the_block_only():
    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")

    def show(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    with planned_per_call({"enable_sort": False}):
        assert show("enable_sort") == "off"
        assert show("plan_cache_mode") == "force_custom_plan"
    assert show("enable_sort") == "on"


def test_a_failed_statement_inside_keeps_its_own_error():
    from django.db import DatabaseError, transaction

    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    with (
        pytest.raises(DatabaseError, match="no_such_table"),
        transaction.atomic(),
        planned_per_call(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT * FROM no_such_table")
