"""Periodic jobs of the cases app: thin, they call services (the schedules live here)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.cases.mail import imap_poll
from aftersales.cases.services import cases_auto_close_sweep

IMAP_POLL_KEY = "cases:imap-poll"


@db_periodic_task(crontab(minute="*"))
def poll_imap_mailbox() -> None:
    """Fetch new support mail when IMAP_HOST is set, at most once per IMAP_POLL_SECONDS."""
    if not settings.IMAP_HOST:
        return
    # Several consumers may each fire this; the shared cache lets one of them poll.
    if not cache.add(IMAP_POLL_KEY, 1, timeout=max(1, settings.IMAP_POLL_SECONDS - 5)):
        return
    imap_poll(limit=100)


@db_periodic_task(crontab(minute="*/10"))
def auto_close_resolved_cases() -> None:
    """Warn, then close resolved cases whose customer did not object."""
    cases_auto_close_sweep()
