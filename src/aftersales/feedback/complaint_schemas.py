"""Request and response shapes of the complaints and quality-check API (contract.md,
"Customer voice")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from aftersales.core.db import MAX_ID
from aftersales.core.schema_types import (
    DateTime,
    LongText,
    MediumText,
    ShortText,
    StrictBool,
    StrictInt,
    choice_of,
)
from aftersales.feedback.models import Channel, CheckMethod, CheckSubject, Department

CaseNumber = Annotated[str, Field(max_length=32)]


class ComplaintAtIn(Schema):
    at: DateTime | None = None


class ComplaintIn(Schema):
    customer: ShortText
    text: LongText
    channel: choice_of(Channel)  # type: ignore[valid-type]
    case: CaseNumber = ""
    department: choice_of(Department) = Department.SERVICE  # type: ignore[valid-type]
    anonymous: StrictBool = False
    contact: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    complainant_name: Annotated[str, Field(max_length=100)] = ""
    complainant_phone: Annotated[str, Field(max_length=40)] = ""
    at: DateTime | None = None


class ComplaintAnswerIn(ComplaintAtIn):
    text: LongText


class ComplaintInformIn(ComplaintAtIn):
    accepted: StrictBool
    text: MediumText = ""


class ComplaintResolveIn(ComplaintAtIn):
    result: LongText
    corrective_actions: LongText = ""
    accountable: Annotated[str, Field(max_length=100)] = ""


class ComplaintVerifyIn(ComplaintAtIn):
    satisfied: StrictBool
    text: MediumText = ""


class ComplaintCaseIn(Schema):
    case: CaseNumber


class ComplaintPromiseOut(Schema):
    target: str
    due_at: dt.datetime | None
    state: str
    completed_at: dt.datetime | None
    late: bool | None


class ComplaintActivityOut(Schema):
    at: dt.datetime
    actor: str | None
    kind: str
    text: str
    internal: bool


class ComplaintOut(Schema):
    number: str
    status: str
    customer: str
    channel: str
    department: str
    text: str
    anonymous: bool
    contact: int | None
    complainant_name: str
    complainant_phone: str
    received_at: dt.datetime
    answered_at: dt.datetime | None
    answer: str
    informed_at: dt.datetime | None
    customer_accepted: bool | None
    resolved_at: dt.datetime | None
    result: str
    corrective_actions: str
    accountable: str
    verified_at: dt.datetime | None
    satisfied: bool | None
    verification_note: str
    resent_count: int
    closed_at: dt.datetime | None
    answer_due_at: dt.datetime | None
    settle_due_at: dt.datetime | None
    answered_late: bool | None
    settled_late: bool | None
    cases: list[str]
    promises: list[ComplaintPromiseOut]
    allowed_actions: list[str]
    activities: list[ComplaintActivityOut]


class ComplaintListItem(Schema):
    number: str
    status: str
    customer: str
    channel: str
    department: str
    anonymous: bool
    resent_count: int
    received_at: dt.datetime
    next_due_at: dt.datetime | None
    closed_at: dt.datetime | None


class ComplaintPage(Schema):
    items: list[ComplaintListItem]
    count: int
    next: str | None


class QualityCheckIn(Schema):
    subject_kind: choice_of(CheckSubject)  # type: ignore[valid-type]
    # The case's number, or the callback's id.
    subject: Annotated[str, Field(min_length=1, max_length=32)]
    method: choice_of(CheckMethod)  # type: ignore[valid-type]
    score: Annotated[StrictInt, Field(ge=0, le=100)]
    person_checked: Annotated[str, Field(max_length=150)] = ""
    findings: LongText = ""
    at: DateTime | None = None


class QualityCheckOut(Schema):
    id: int
    subject_kind: str
    subject: str
    customer: str
    method: str
    score: int
    person_checked: str | None
    findings: str
    checked_at: dt.datetime
    checked_by: str


class QualityCheckPage(Schema):
    items: list[QualityCheckOut]
    count: int
    next: str | None
