from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import BaseModel

# Responses are plain pydantic models: they are built from dicts, and ninja's Schema would
# wrap every nested value in its ORM getter (a third of a 50-case list's time).


class CaseIn(Schema):
    customer: str = Field(..., min_length=1)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    priority: str = Field(..., pattern="^P[1-4]$")
    case_type: str = Field("fault", min_length=1)
    channel: str = Field("api", pattern="^(phone|email|portal|fax|letter|api)$")
    service_mode: str = Field("remote", pattern="^(remote|phone|onsite|carry_in|mail_in|paid)$")
    serial_number: str | None = Field(None, max_length=80)
    contact: int | str | None = None
    caller_name: str = Field("", max_length=100)
    caller_phone: str = Field("", max_length=40)
    fault_symptom: str = ""
    is_major: bool = False


class SlaOut(BaseModel):
    calendar: str
    response_due_at: dt.datetime | None
    diagnosis_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None


class EntitlementOut(BaseModel):
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
    status: str
    priority: str
    case_type: str
    channel: str
    service_mode: str
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
    entitlement: EntitlementOut
    allowed_actions: list[str]


class CaseDetailOut(CaseOut):
    activities: list[ActivityOut]


class CasePage(BaseModel):
    items: list[CaseOut]
    count: int
    next: str | None
    count_capped: bool = False


class VersionIn(Schema):
    version: int | None = None


class TextIn(VersionIn):
    text: str = Field(..., min_length=1)


class OptionalTextIn(VersionIn):
    text: str = ""


class AssignIn(VersionIn):
    engineer: str = Field(..., min_length=1)


class CommentIn(Schema):
    text: str = Field(..., min_length=1)
    internal: bool = False


class EscalateIn(VersionIn):
    to: str = Field(..., pattern="^(expert|vendor)$")
    text: str = Field(..., min_length=1)
    expert: str | None = None
    vendor: str | None = None
    vendor_ref: str = Field("", max_length=80)


class ApprovalIn(Schema):
    approver: str = Field(..., min_length=1, max_length=100)
    decision: str = Field(..., pattern="^(approved|refused)$")
    decided_on: dt.date
    note: str = ""


class SimilarCaseOut(BaseModel):
    number: str
    title: str
    status: str
    priority: str
    customer: str
    case_type: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str
    score: float


class SimilarOut(BaseModel):
    cases: list[SimilarCaseOut]
    articles: list[dict] = Field(
        ..., description="Knowledge articles like the case: empty until the knowledge base exists."
    )
