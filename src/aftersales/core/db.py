"""Database helpers shared by the apps: PostgreSQL planner settings for list reads, SQLite
statistics upkeep."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# The settings a queryset may carry (names go into SQL: only these, values checked too).
PLANNER_SETTINGS = frozenset({"enable_sort", "enable_bitmapscan"})

# The periodic upkeep re-analyzes a SQLite table once its row count has moved this many times
# over since its statistics were taken (SQLite's own `PRAGMA optimize` waits for 25 times).
SQLITE_STALE_FACTOR = 2

# The largest id a bigint primary key holds: a bigger number overflows SQLite's INTEGER and
# PostgreSQL's bigint alike (a 500), so it can name no row.
MAX_ID = 2**63 - 1


def id_or_none(value: Any) -> int | None:
    """A row id (1..MAX_ID) from text typed into a URL or form, or None when it is none."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


@dataclass(frozen=True)
class CountHint:
    """A count already taken: `counted` rows found when reading stopped at `limit` rows."""

    counted: int
    limit: int

    def count(self, cap: int | None) -> int | None:
        """The count (at most cap + 1) this hint answers without a query, or None."""
        if self.counted < self.limit:
            return self.counted if cap is None else min(self.counted, cap + 1)
        if cap is not None and cap + 1 <= self.limit:
            return cap + 1
        return None


class PlannedQuerySet(models.QuerySet):
    """A queryset that carries planner settings for the statements that read it (see page()),
    and the count its maker already took, until another filter changes its rows."""

    planner_settings: Mapping[str, bool] = {}
    count_hint: CountHint | None = None

    def with_planner_settings(self, **settings: bool) -> PlannedQuerySet:
        unknown = set(settings) - PLANNER_SETTINGS
        if unknown:
            raise ValueError(f"unknown planner settings: {sorted(unknown)}")
        clone = self._chain()
        clone.planner_settings = {**self.planner_settings, **settings}
        return clone

    def with_count_hint(self, counted: int, limit: int) -> PlannedQuerySet:
        clone = self._chain()
        clone.count_hint = CountHint(counted, limit)
        return clone

    def _clone(self) -> PlannedQuerySet:
        clone = super()._clone()
        clone.planner_settings = self.planner_settings
        clone.count_hint = self.count_hint
        return clone

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: Any) -> PlannedQuerySet:
        clone = super()._filter_or_exclude(negate, args, kwargs)
        clone.count_hint = None
        return clone


@contextlib.contextmanager
def planned_per_call(settings: Mapping[str, bool] | None = None) -> Iterator[None]:
    """Plan every statement inside for its own values, even when psycopg has prepared it.

    Lists filter skewed columns (most cases are closed, few unassigned): PostgreSQL's generic
    plan for a prepared statement suits the common value and is slow for the rare one.
    `settings` (from PlannedQuerySet) apply to the same statements only.
    """
    if connection.vendor != "postgresql":
        yield
        return
    values = {"plan_cache_mode": "force_custom_plan"}
    for name, on in (settings or {}).items():
        if name not in PLANNER_SETTINGS:
            raise ValueError(f"unknown planner setting: {name}")
        values[name] = "on" if on else "off"
    nested = connection.in_atomic_block
    with contextlib.ExitStack() as stack:
        if not nested:
            # Transaction-local settings need a transaction; it ends with the block.
            stack.enter_context(transaction.atomic())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config(name, value, true) FROM unnest(%s::text[], %s::text[]) "
                "AS s(name, value)",
                [list(values), list(values.values())],
            )
        try:
            yield
        finally:
            # Inside a caller's transaction the settings would outlive this block (unless the
            # transaction already failed: its rollback takes them back anyway).
            if nested and not _failed():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config(name, reset_val, true) FROM pg_settings "
                        "WHERE name = ANY(%s::text[])",
                        [list(values)],
                    )


def _failed() -> bool:
    from psycopg.pq import TransactionStatus

    status = connection.connection.info.transaction_status
    return connection.needs_rollback or status == TransactionStatus.INERROR


def planned_for(queryset: models.QuerySet) -> contextlib.AbstractContextManager[None]:
    """planned_per_call with the queryset's own planner settings, if it carries any."""
    return planned_per_call(getattr(queryset, "planner_settings", None))


def analyze_sqlite(conn: BaseDatabaseWrapper | None = None, table: str | None = None) -> bool:
    """Gather the planner's statistics (sqlite_stat1) on SQLite, of one table or all; True if
    it ran. PostgreSQL's autovacuum keeps its own, so nothing runs there.

    SQLite keeps none by itself: without them it read the open queue (`status IN (...)`, most
    cases) off the status index and sorted every match, ~60-100 ms at 100,000 cases instead of
    ~1 ms walking the date index. A full ANALYZE reads every index (~1 s at 100,000 cases):
    `PRAGMA analysis_limit` would make it cheap but samples each index's first rows only, which
    for a status index are all one value, and the plan stays wrong.
    """
    conn = conn or connection
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"' if table else "ANALYZE")
    return True


def optimize_sqlite(conn: BaseDatabaseWrapper | None = None) -> list[str]:
    """ANALYZE each SQLite table with rows whose statistics are missing or stale (its row count
    moved SQLITE_STALE_FACTOR times over); the tables analyzed. Nothing on PostgreSQL.
    """
    conn = conn or connection
    if conn.vendor != "sqlite":
        return []
    analyzed = []
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        known: dict[str, int] = {}
        if cursor.fetchone()[0]:
            cursor.execute("SELECT tbl, max(CAST(stat AS integer)) FROM sqlite_stat1 GROUP BY tbl")
            known = dict(cursor.fetchall())
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            rows = cursor.fetchone()[0]
            then = known.get(table)
            stale = (
                then is None or not then / SQLITE_STALE_FACTOR <= rows <= then * SQLITE_STALE_FACTOR
            )
            if rows and stale:
                analyze_sqlite(conn, table)
                analyzed.append(table)
    return analyzed


def bulk_insert(model: type[models.Model], objs: list) -> list:
    """Insert many new rows and set their ids, for bulk generators: on PostgreSQL by COPY with
    ids drawn from the table's sequence (a bulk INSERT's per-value preparation costs more than
    making the rows); bulk_create elsewhere. No signals, like bulk_create."""
    if connection.vendor != "postgresql" or not objs:
        return model.objects.bulk_create(objs)
    from psycopg.types.json import Jsonb

    meta = model._meta
    table, pk = meta.db_table, meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(objs)],
        )
        for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = value
        columns = ", ".join(quote(c) for c in [pk.column, *(f.column for f in fields)])
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                row = [obj.pk]
                for field in fields:
                    value = field.pre_save(obj, add=True)
                    if isinstance(field, models.JSONField):
                        value = Jsonb(value)
                    elif isinstance(field, models.FileField):
                        value = value.name or ""
                    row.append(value)
                copy.write_row(row)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs
