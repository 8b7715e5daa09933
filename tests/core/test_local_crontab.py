"""Daily jobs run at the hour people in Shanghai read on their clocks, not at UTC's."""

from __future__ import annotations

import datetime as dt

from aftersales.core.crontab import local_crontab


def test_eight_fifteen_means_eight_fifteen_in_shanghai():
    morning = local_crontab(hour="8", minute="15")

    assert morning(dt.datetime(2026, 12, 8, 0, 15))  # Huey's naive UTC = 08:15 Shanghai
    assert not morning(dt.datetime(2026, 12, 8, 8, 15))  # 16:15 Shanghai


def test_an_aware_moment_is_read_in_shanghai_too():
    morning = local_crontab(hour="6", minute="20")

    assert morning(dt.datetime(2026, 12, 7, 22, 20, tzinfo=dt.UTC))
