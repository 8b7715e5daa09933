"""Periodic schedules in the service's own time zone.

Huey tests a crontab against UTC (its default `utc=True`), so `crontab(hour="8")` would run at
16:00 in Shanghai. `local_crontab` takes the same arguments and reads them as wall-clock time in
settings.TIME_ZONE (Asia/Shanghai: no daylight saving, so every local minute happens once).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from huey import crontab


def local_crontab(**fields: str) -> Callable[[dt.datetime], bool]:
    """crontab(**fields) read in settings.TIME_ZONE; Huey passes naive UTC moments."""
    matches = crontab(**fields)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def validate(moment: dt.datetime) -> bool:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return matches(moment.astimezone(zone).replace(tzinfo=None))

    return validate
