"""Request and response shapes of the inspection API (contract.md, "Field service")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from aftersales.core.schema_types import Date, DateTime, MediumText, ShortText, StrictBool

Reason = Annotated[str, Field(max_length=300)]
Serial = Annotated[str, Field(max_length=80)]
Measured = Annotated[Decimal, Field(ge=Decimal("-999999999"), le=Decimal("999999999"))]


class InspectionPlanIn(Schema):
    contract: ShortText
    visits_per_year: int | None = Field(None, ge=1, le=12)
    engineer: str = Field("", max_length=150)


class VisitBrief(Schema):
    id: int
    sequence: int
    planned_on: dt.date
    window_starts_on: dt.date
    window_ends_on: dt.date
    status: str
    due_at: dt.datetime | None


class InspectionPlanOut(Schema):
    id: int
    contract: str
    customer: str
    year_starts_on: dt.date
    year_ends_on: dt.date
    visits_per_year: int
    notify_days_before: int
    created: bool
    visits: list[VisitBrief]


class InspectionPlanListItem(Schema):
    id: int
    contract: str
    customer: str
    year_starts_on: dt.date
    year_ends_on: dt.date
    visits_per_year: int
    done: int


class InspectionPlanPage(Schema):
    items: list[InspectionPlanListItem]
    count: int
    next: str | None


class VisitMoveIn(Schema):
    planned_on: Date
    reason: Reason


class VisitCheckIn(Schema):
    item: int = Field(ge=1, le=2**31 - 1)
    ok: StrictBool | None = None
    value: Measured | None = None
    text: Annotated[str, Field(max_length=500)] = ""


class VisitChecksIn(Schema):
    results: list[VisitCheckIn] = Field(max_length=200)


class VisitFindingIn(Schema):
    text: MediumText
    serial_number: Serial = ""
    open_case: StrictBool = False


class VisitChangeIn(Schema):
    serial_number: Serial
    what: Reason
    before: Reason = ""
    after: Reason = ""
    reason: Reason = ""


class VisitSignIn(Schema):
    signed_by: Annotated[str, Field(max_length=100)]
    signature: Annotated[str, Field(max_length=800_000)]


class VisitCompleteIn(Schema):
    signed_by: Annotated[str, Field(max_length=100)]
    at: DateTime | None = None
    findings: MediumText = ""
    advice: MediumText = ""


class VisitPromiseOut(Schema):
    target: str
    due_at: dt.datetime | None
    state: str
    completed_at: dt.datetime | None
    late: bool | None


class VisitCheckOut(Schema):
    item: int | None
    section: str
    label: str
    kind: str
    unit: str
    min_value: Decimal | None
    max_value: Decimal | None
    ok: bool | None
    value: Decimal | None
    text: str
    out_of_range: bool


class VisitFindingOut(Schema):
    id: int
    text: str
    serial_number: str | None
    case: str | None
    created_at: dt.datetime


class VisitActivityOut(Schema):
    at: dt.datetime
    actor: str | None
    kind: str
    text: str
    internal: bool


class VisitOut(Schema):
    id: int
    plan: int
    contract: str
    customer: str
    sequence: int
    window_starts_on: dt.date
    window_ends_on: dt.date
    planned_on: dt.date
    moved_reason: str
    status: str
    engineer: str | None
    due_at: dt.datetime | None
    overdue: bool
    notified_at: dt.datetime | None
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    findings: str
    advice: str
    signed_by: str
    signed: bool
    report_url: str | None
    promises: list[VisitPromiseOut]
    checks: list[VisitCheckOut]
    finding_rows: list[VisitFindingOut]
    allowed_actions: list[str]
    activities: list[VisitActivityOut]


class VisitListItem(Schema):
    id: int
    plan: int
    contract: str
    customer: str
    sequence: int
    planned_on: dt.date
    status: str
    engineer: str | None
    due_at: dt.datetime | None
    overdue: bool


class VisitPage(Schema):
    items: list[VisitListItem]
    count: int
    next: str | None


class VisitFindingCreated(Schema):
    id: int
    text: str
    case: str | None
