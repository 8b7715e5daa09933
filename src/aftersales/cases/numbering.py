"""Readable case numbers (CS-20261123-0042), unique under concurrency (core.numbering)."""

from __future__ import annotations

import datetime as dt

from aftersales.cases.models import CaseCounter
from aftersales.core.numbering import next_day_number

PREFIX = "CS"


def next_case_number(now: dt.datetime) -> str:
    """Hand out the next case number of the local day."""
    return next_day_number(CaseCounter, PREFIX, now)
