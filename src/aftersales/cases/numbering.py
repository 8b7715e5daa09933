"""Readable case numbers (CS-20261123-0042), unique under concurrency."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from aftersales.cases.models import CaseCounter

PREFIX = "CS"


def next_case_number(now: dt.datetime) -> str:
    """Hand out the next number of the local day with one atomic upsert (SQLite ≥ 3.35, PG)."""
    day = timezone.localtime(now).date()
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    # A transaction of its own even for one statement: on SQLite writers then queue on the
    # write lock (core.sqlite) instead of sleeping in SQLite's busy handler.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        (last,) = cursor.fetchone()
    return f"{PREFIX}-{day:%Y%m%d}-{last:04d}"
