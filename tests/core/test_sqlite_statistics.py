"""SQLite's planner statistics: gathered after bulk loads and hourly; nothing on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from aftersales.cases import selectors
from aftersales.cases.models import OPEN_STATUSES, Case, CaseType, Status
from aftersales.core.db import analyze_sqlite, optimize_sqlite
from aftersales.core.tasks import optimize_database
from tests import factories

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="statistics upkeep is SQLite's; autovacuum on PostgreSQL"
)


def _stat_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


def _forget_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")


def _bulk_cases(customers: list, n: int, open_share: float) -> None:
    """n cases a minute apart for these customers, the newest `open_share` open, the rest
    closed."""
    start = timezone.now() - dt.timedelta(days=30)
    n_closed = n - int(n * open_share)
    fault = CaseType.objects.get(code="fault")
    Case.objects.bulk_create(
        Case(
            number=f"CS-20260101-{i:04d}",
            title="交换机告警",
            customer=customers[i % len(customers)],
            case_type=fault,
            status=Status.CLOSED if i < n_closed else OPEN_STATUSES[i % len(OPEN_STATUSES)],
            created_at=start + dt.timedelta(minutes=i),
            updated_at=start + dt.timedelta(minutes=i),
        )
        for i in range(n)
    )


@sqlite_only
@pytest.mark.django_db
def test_demo_load_leaves_statistics_for_the_planner():
    _forget_statistics()
    call_command("demo", customers=2, cases=6, stdout=io.StringIO())
    assert _stat_rows("cases_case") > 0
    assert _stat_rows("registry_customer") > 0


@sqlite_only
@pytest.mark.django_db
def test_hourly_task_gathers_missing_statistics(customer_a):
    _bulk_cases([customer_a], 50, open_share=0.65)
    _forget_statistics()
    optimize_database.call_local()
    assert _stat_rows("cases_case") > 0


@sqlite_only
@pytest.mark.django_db
def test_open_queue_reads_the_date_order_instead_of_sorting_every_open_case(seat):
    # 2,000 cases of 40 customers, not 100,000 of 2,000: the plan follows the statistics (how
    # many rows share a status, a customer), and these say "65 % open" as the large table's do.
    _bulk_cases(factories.CustomerFactory.create_batch(40), 2000, open_share=0.65)
    analyze_sqlite()
    qs = selectors.case_search(user=seat, filters=selectors.CaseFilters(status="open"))
    sql, params = qs[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ; ".join(row[-1] for row in cursor.fetchall())
    # Without statistics SQLite read every open case off the status index and sorted them.
    assert "TEMP B-TREE" not in plan, plan
    assert "case_status_queue_idx" not in plan, plan


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the PostgreSQL side")
@pytest.mark.django_db
def test_statistics_upkeep_leaves_postgresql_to_autovacuum():
    assert analyze_sqlite() is False
    assert optimize_sqlite() == []


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A second connection, to a SQLite file of its own, through the product's backend."""
    from django.db import connections

    from aftersales.core.sqlite.base import DatabaseWrapper

    settings = {**connections["default"].settings_dict, "NAME": str(tmp_path / "db.sqlite3")}
    settings["ENGINE"] = "aftersales.core.sqlite"
    settings["OPTIONS"] = {"transaction_mode": "IMMEDIATE"}
    connections["writers"] = DatabaseWrapper(settings, alias="writers")
    with django_db_blocker.unblock():
        yield tmp_path / "db.sqlite3-writelock"
        connections["writers"].close()
    del connections["writers"]


def _held(lock_file) -> bool:
    import fcntl

    with open(lock_file, "ab") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(other, fcntl.LOCK_UN)
        return False


def test_a_write_transaction_holds_the_writers_queue_until_it_ends(file_database):
    from django.db import transaction

    with transaction.atomic(using="writers"):
        assert _held(file_database)
    assert not _held(file_database)
    with pytest.raises(ValueError), transaction.atomic(using="writers"):
        raise ValueError
    assert not _held(file_database)
