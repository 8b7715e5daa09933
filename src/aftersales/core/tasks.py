"""Periodic upkeep of the database itself (the schedule lives here)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.core.db import optimize_sqlite


@db_periodic_task(crontab(minute="17"))
def optimize_database() -> None:
    """Refresh stale SQLite planner statistics hourly; PostgreSQL's autovacuum does its own.

    Counting every table's rows takes milliseconds; a table is analyzed only when its size
    doubled or halved since (~1 s at 100,000 cases, while writers wait on busy_timeout).
    """
    optimize_sqlite()
