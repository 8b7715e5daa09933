"""Return codes (RMA-20261207-0001), unique under concurrency (as cases.numbering)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from aftersales.rma.models import ReturnCounter, RmaCounter

PREFIX = "RMA"
RETURN_PREFIX = "RT"


def next_rma_number(now: dt.datetime) -> str:
    """Hand out the next number of the local day with one atomic upsert (SQLite ≥ 3.35, PG)."""
    return _next(RmaCounter, PREFIX, now)


def next_return_number(now: dt.datetime) -> str:
    """The next return code of the local day (RT-20261207-0001)."""
    return _next(ReturnCounter, RETURN_PREFIX, now)


def _next(counter: type[RmaCounter | ReturnCounter], prefix: str, now: dt.datetime) -> str:
    day = timezone.localtime(now).date()
    table = connection.ops.quote_name(counter._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        (last,) = cursor.fetchone()
    return f"{prefix}-{day:%Y%m%d}-{last:04d}"
