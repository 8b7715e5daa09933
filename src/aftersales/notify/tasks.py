"""Background delivery of the outbox: thin Huey tasks around services.outbox_deliver_due."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from aftersales.notify.services import outbox_deliver_due


@db_task()
def deliver_outbox() -> None:
    """Deliver what is due now; scheduled after each enqueue commits."""
    outbox_deliver_due()


@db_periodic_task(crontab(minute="*"))
def deliver_outbox_every_minute() -> None:
    """Safety net: retries, delayed messages, and anything a lost enqueue task left behind."""
    outbox_deliver_due()
