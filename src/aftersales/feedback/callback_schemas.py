"""Request and response shapes of the callback API (contract.md, "Customer voice")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictInt

from aftersales.core.schema_types import DateTime, MediumText, StrictBool, choice_of
from aftersales.feedback.models import CallbackOutcome, Department

Rating = Annotated[StrictInt, Field(ge=1, le=5)]


class CallbackAtIn(Schema):
    at: DateTime | None = None


class CallbackActivityOut(Schema):
    at: dt.datetime
    actor: str | None
    kind: str
    text: str
    internal: bool


class CallbackGenerateIn(Schema):
    period: str = Field(max_length=8, description='"YYYY-MM" (a month) or "YYYY-Qn" (a quarter)')


class CallbackGenerateOut(Schema):
    created: int
    existing: int


class CallbackAttemptIn(CallbackAtIn):
    outcome: choice_of(CallbackOutcome)  # type: ignore[valid-type]
    rating: Rating | None = None
    engineer_rating: Rating | None = None
    notes: MediumText = ""
    retry_at: DateTime | None = None


class CallbackItemIn(CallbackAtIn):
    text: MediumText
    department: choice_of(Department) = Department.SERVICE  # type: ignore[valid-type]


class CallbackSolveIn(CallbackAtIn):
    solution: MediumText


class CallbackConfirmIn(CallbackAtIn):
    satisfied: StrictBool
    text: MediumText = ""


class CallbackListItem(Schema):
    id: int
    rule: str
    period: str
    customer: str
    customer_name: str
    asset: str | None
    case: str | None
    due_on: dt.date
    status: str
    attempts: int
    retry_at: dt.datetime | None


class CallbackPage(Schema):
    items: list[CallbackListItem]
    count: int
    next: str | None


class CallbackAttemptOut(Schema):
    at: dt.datetime
    outcome: str
    retry_at: dt.datetime | None
    notes: str
    agent: str | None


class CallbackOut(CallbackListItem):
    rule_name: str
    script: str
    rating: int | None
    engineer_rating: int | None
    notes: str
    completed_at: dt.datetime | None
    calls: list[CallbackAttemptOut]
    items: list[str]
    activities: list[CallbackActivityOut]


class CallbackPromiseOut(Schema):
    target: str
    due_at: dt.datetime | None
    state: str
    completed_at: dt.datetime | None
    late: bool | None


class CallbackItemListItem(Schema):
    number: str
    callback: int
    customer: str
    text: str
    department: str
    status: str
    key_problem: bool
    resent_count: int
    raised_at: dt.datetime
    next_due_at: dt.datetime | None


class CallbackItemPage(Schema):
    items: list[CallbackItemListItem]
    count: int
    next: str | None


class CallbackItemOut(CallbackItemListItem):
    solution: str
    solved_at: dt.datetime | None
    told_at: dt.datetime | None
    closed_at: dt.datetime | None
    told_due: dt.datetime | None
    told_late: bool | None
    promises: list[CallbackPromiseOut]
    allowed_actions: list[str]
    activities: list[CallbackActivityOut]


class CallbackCoverageRowOut(Schema):
    rule: str
    name: str
    period: str
    due: int
    done: int
    ratio: float | None


class CallbackCoverageOut(Schema):
    period: str
    rules: list[CallbackCoverageRowOut]
    due: int
    done: int
    ratio: float | None
