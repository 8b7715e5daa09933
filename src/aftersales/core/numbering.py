"""Readable numbers of the local day (CS-20261123-0042, RMA-…, RT-…, PS-…), unique under
concurrency: one counter row per day, bumped by one atomic upsert (SQLite ≥ 3.35, PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, models, transaction
from django.utils import timezone


def next_day_number(counter: type[models.Model], prefix: str, now: dt.datetime) -> str:
    """The next number of `now`'s local day from `counter` (a table of `day` and `last`)."""
    day = timezone.localtime(now).date()
    table = connection.ops.quote_name(counter._meta.db_table)
    # A transaction of its own even for one statement: on SQLite writers then queue on the
    # write lock (core.sqlite) instead of sleeping in SQLite's busy handler.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        (last,) = cursor.fetchone()
    return f"{prefix}-{day:%Y%m%d}-{last:04d}"
