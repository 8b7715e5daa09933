"""Periodic jobs of the contracts app: thin, they call services."""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task

from aftersales.contracts.services import contract_expiry_warnings_send
from aftersales.core.crontab import local_crontab


@db_periodic_task(local_crontab(hour="8", minute="5"))
def warn_expiring_contracts() -> None:
    """Each morning: tell service managers which contracts end in 60/30/7 days."""
    contract_expiry_warnings_send()
