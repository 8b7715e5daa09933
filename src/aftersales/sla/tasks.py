"""The SLA sweep every minute in the worker: thin, the work is in sla.escalation."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.sla.services import sla_sweep


@db_periodic_task(crontab(minute="*"))
def sla_sweep_every_minute() -> None:
    """Record breaches and fire due escalation steps; idempotent, safe on many workers."""
    sla_sweep()
