from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import BaseModel

from aftersales.cases.models import ApprovalDecision, Channel, Priority, ServiceMode, Status
from aftersales.core.schema_types import (
    Date,
    DateTime,
    LongText,
    MediumText,
    ShortText,
    StrictBool,
    StrictInt,
    choice_of,
)

# Fixed values are Literal types, so the OpenAPI lists them as an enum.
PriorityValue = choice_of(Priority)
ChannelValue = choice_of(Channel)
ServiceModeValue = choice_of(ServiceMode)
StatusValue = choice_of(Status)
DecisionValue = choice_of(ApprovalDecision)

# Responses are plain pydantic models: they are built from dicts, and ninja's Schema would
# wrap every nested value in its ORM getter (a third of a 50-case list's time).


class CaseIn(Schema):
    customer: str = Field(..., min_length=1, max_length=40)
    title: ShortText = Field(..., min_length=1)
    description: LongText = ""
    priority: PriorityValue
    case_type: str = Field("fault", min_length=1, max_length=40)
    channel: ChannelValue = "api"
    service_mode: ServiceModeValue = "remote"
    serial_number: str | None = Field(None, max_length=80)
    contact: StrictInt | ShortText | None = Field(
        None, description="The contact's id, phone number or name."
    )
    caller_name: str = Field("", max_length=100)
    caller_phone: str = Field("", max_length=40)
    fault_symptom: LongText = ""
    is_major: StrictBool = False


class SlaOut(BaseModel):
    calendar: str
    response_due_at: dt.datetime | None
    diagnosis_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None


class CaseEntitlementOut(BaseModel):
    status: str
    reason: str


class ActivityOut(BaseModel):
    at: dt.datetime
    actor: str | None
    kind: str
    text: str
    internal: bool


class CaseOut(BaseModel):
    number: str
    title: str
    description: str
    status: StatusValue
    priority: PriorityValue
    case_type: str
    channel: ChannelValue
    service_mode: ServiceModeValue
    customer: str
    contact: str | None
    caller_name: str
    caller_phone: str
    serial_number: str
    vendor: str | None
    assignee: str | None
    participants: list[str]
    is_major: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    responded_at: dt.datetime | None
    diagnosed_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    resolution: str
    sla: SlaOut
    entitlement: CaseEntitlementOut
    allowed_actions: list[str]
    tags: list[str] = Field([], description="Staff only: always empty for customers.")
    merged_into: str | None = Field(None, description="The case this duplicate was merged into.")


class CaseDetailOut(CaseOut):
    activities: list[ActivityOut]


class CasePage(BaseModel):
    items: list[CaseOut]
    count: int
    next: str | None
    count_capped: bool = False


class VersionIn(Schema):
    version: StrictInt | None = None


class TextIn(VersionIn):
    text: LongText = Field(..., min_length=1)


class OptionalTextIn(VersionIn):
    text: LongText = ""


class OnsiteIn(OptionalTextIn):
    """A step of the engineer's visit; `at` (default now) when it happened."""

    at: DateTime | None = None


class AssignIn(VersionIn):
    engineer: str = Field(..., min_length=1, max_length=150)


class CommentIn(Schema):
    text: LongText = Field(..., min_length=1)
    internal: StrictBool = False


class EscalateIn(VersionIn):
    to: Literal["expert", "vendor"]
    text: LongText = Field(..., min_length=1)
    expert: str | None = Field(None, max_length=150)
    vendor: ShortText | None = None
    vendor_ref: str = Field("", max_length=80)


class ApprovalIn(Schema):
    approver: str = Field(..., min_length=1, max_length=100)
    decision: DecisionValue
    decided_on: Date
    note: MediumText = ""


class SimilarCaseOut(BaseModel):
    number: str
    title: str
    status: str
    priority: PriorityValue
    customer: str
    case_type: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str
    score: float
    terms: list[str] = Field(default_factory=list, description="The words both cases hold.")


class SimilarOut(BaseModel):
    cases: list[SimilarCaseOut]
    articles: list[dict] = Field(
        ...,
        description="Knowledge articles like the case: id, title, score, snippet, terms, url.",
    )
