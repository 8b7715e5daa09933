"""Periodic jobs of the feedback app: thin, they call services (the schedules live here)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.core.crontab import local_crontab
from aftersales.feedback import surveys
from aftersales.feedback.callback_generation import callbacks_generate_current

# --- surveys ---


@db_periodic_task(crontab(minute="*/15"))
def send_surveys_after_closed_cases() -> None:
    """Send the survey of each newly closed case (SurveySettings.after_case)."""
    while surveys.surveys_send_after_cases(limit=500) == 500:
        pass


@db_periodic_task(local_crontab(hour="9", minute="5"))
def send_quarterly_surveys() -> None:
    """Each day at 09:05: this quarter's survey to active customers without one yet (the
    first run of a quarter sends them all; later runs find nothing or a missed customer)."""
    while surveys.surveys_send_quarterly(limit=1000) == 1000:
        pass


@db_periodic_task(crontab(minute="35"))
def remind_unanswered_surveys() -> None:
    """The one reminder of surveys unanswered after SurveySettings.reminder_days."""
    while surveys.surveys_remind(limit=500) == 500:
        pass


# --- callbacks ---


@db_periodic_task(local_crontab(hour="6", minute="20"))
def build_call_lists() -> None:
    """Each day at 06:20: this month's and quarter's call lists (and last month's, for what
    was recorded late); a rerun adds nothing."""
    callbacks_generate_current()
