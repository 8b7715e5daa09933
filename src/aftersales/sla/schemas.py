"""API shapes of the SLA engine: escalations and their answers."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from aftersales.core.pagination import Limit, Offset
from aftersales.core.schema_types import DateTime, MediumText, ShortText, choice_of
from aftersales.sla.promises import PromiseState


class AcknowledgeIn(Schema):
    text: MediumText = ""


class EscalationOut(Schema):
    id: int
    case: str
    rule: str
    fired_at: dt.datetime
    late: bool
    ack_due_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None


class PromiseListParams(Schema):
    state: choice_of(PromiseState, blank=True) = ""  # type: ignore[valid-type]
    due_before: DateTime | None = None
    customer: ShortText = ""
    subject_kind: ShortText = ""
    limit: Limit = 50
    offset: Offset = 0


class PromiseOut(Schema):
    subject_kind: str
    subject: str
    target: str
    due_at: dt.datetime | None = None
    state: str
    customer: str | None = None


class PromisePage(Schema):
    items: list[PromiseOut]
    count: int
    next: str | None = None
