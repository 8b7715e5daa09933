"""Return codes (RMA-20261207-0001), unique under concurrency (as cases.numbering)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from aftersales.rma.models import RmaCounter

PREFIX = "RMA"


def next_rma_number(now: dt.datetime) -> str:
    """Hand out the next number of the local day with one atomic upsert (SQLite ≥ 3.35, PG)."""
    day = timezone.localtime(now).date()
    table = connection.ops.quote_name(RmaCounter._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        (last,) = cursor.fetchone()
    return f"{PREFIX}-{day:%Y%m%d}-{last:04d}"
