"""Return codes (RMA-20261207-0001, RT-20261207-0001), unique under concurrency
(core.numbering)."""

from __future__ import annotations

import datetime as dt

from aftersales.core.numbering import next_day_number
from aftersales.rma.models import ReturnCounter, RmaCounter

PREFIX = "RMA"
RETURN_PREFIX = "RT"


def next_rma_number(now: dt.datetime) -> str:
    """The next RMA number (its return code) of the local day."""
    return next_day_number(RmaCounter, PREFIX, now)


def next_return_number(now: dt.datetime) -> str:
    """The next return code of the local day (RT-20261207-0001)."""
    return next_day_number(ReturnCounter, RETURN_PREFIX, now)
