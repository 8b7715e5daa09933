"""Field service jobs (inspections): thin, they call the services; each is safe to run twice."""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task, db_task

from aftersales.core.crontab import local_crontab
from aftersales.fieldservice import inspections


@db_periodic_task(local_crontab(hour="8", minute="5"))
def notify_inspection_visits() -> dict[str, int]:
    """Every morning: tell customers of the visits `notify_days_before` days ahead."""
    return inspections.visits_notify_due()


@db_task(retries=3, retry_delay=60)
def file_visit_report(visit_id: int) -> bool:
    """File 《现场巡检报告》 of a completed visit on the customer (after the completion commits)."""
    return inspections.visit_file_report(visit_id=visit_id)
