"""The report schedules' run: thin, the work lives in reports.schedules."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.reports.schedules import schedules_send_due


# Every hour on the hour, and the service decides what is due (from 07:00 Asia/Shanghai on
# the first day after a period closes): the sending hour then does not depend on whether Huey
# reads crontabs in UTC (its default) or local time, and a failed report is tried again.
@db_periodic_task(crontab(minute="0"))
def send_scheduled_reports() -> None:
    """Mail every active schedule's report of the period that closed, once."""
    schedules_send_due()
