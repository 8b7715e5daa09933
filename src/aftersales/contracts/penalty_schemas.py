"""API shapes of contract penalties: lines, statements, waivers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from aftersales.core.schema_types import Date, MediumText


class WaiverOut(Schema):
    by: str
    at: dt.datetime
    reason: str


class PenaltyLineOut(Schema):
    id: str
    case: str
    target: str
    basis: str
    percent: Decimal
    due_at: dt.datetime
    late_by_minutes: int
    days: int
    amount: Decimal
    running: bool
    waived: bool
    waiver: WaiverOut | None = None
    explanation: str


class PenaltyStatementOut(Schema):
    contract: str
    value: Decimal
    start: dt.date | None = None
    end: dt.date | None = None
    lines: list[PenaltyLineOut]
    total: Decimal
    waived_total: Decimal
    payable_total: Decimal


class PenaltyParams(Schema):
    start: Date | None = Field(None, alias="from")
    end: Date | None = Field(None, alias="to")


class WaiveIn(Schema):
    reason: MediumText = ""
