"""Huey tasks of repairs: thin, they take ids and call services."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from aftersales.accounts.models import User
from aftersales.repairs.services.reports import report_archive


@db_task()
def report_archive_task(order_id: int, actor_id: int | None) -> None:
    """After the sign-off committed: render, archive and mail the service report."""
    by = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    report_archive(order_id=order_id, by=by)
