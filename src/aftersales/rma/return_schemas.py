"""Request and response shapes of the returns API (contract.md, "Spare parts and RMA")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from aftersales.core.schema_types import Date, MediumText, ShortText, StrictBool, choice_of
from aftersales.rma.models import ReturnKind
from aftersales.rma.schemas import AtIn, RmaActivityOut

Money = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"), decimal_places=2)]


class ReturnIn(Schema):
    customer: ShortText
    serial_number: str = Field("", max_length=80)
    purchased_on: Date
    reason: MediumText
    kind: choice_of(ReturnKind) = ReturnKind.RETURN  # type: ignore[valid-type]
    doa: StrictBool = False
    packaging_intact: StrictBool = True
    evidence: MediumText = ""


class RejectIn(AtIn):
    reason: MediumText


class InspectIn(AtIn):
    passed: StrictBool
    notes: MediumText = ""


class RefundIn(AtIn):
    amount: Money


class ExchangeIn(AtIn):
    replacement_serial: str = Field("", max_length=80)


class ReturnPromiseOut(Schema):
    target: str
    due_at: dt.datetime | None
    state: str
    completed_at: dt.datetime | None
    late: bool | None


class ReturnPhotoOut(Schema):
    id: int
    stage: str
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    url: str


class ReturnOut(Schema):
    number: str
    status: str
    kind: str
    customer: str
    serial_number: str
    purchased_on: dt.date
    reason: str
    evidence: str
    doa: bool
    packaging_intact: bool
    freight_paid_by: str
    requested_at: dt.datetime
    approved_at: dt.datetime | None
    rejected_at: dt.datetime | None
    rejection_reason: str
    received_at: dt.datetime | None
    inspected_at: dt.datetime | None
    inspection_passed: bool | None
    inspection_notes: str
    refunded_at: dt.datetime | None
    refund_amount: Decimal | None
    exchanged_at: dt.datetime | None
    replacement_serial: str
    closed_at: dt.datetime | None
    refund_due: dt.datetime | None
    exchange_due: dt.datetime | None
    refunded_late: bool | None
    exchanged_late: bool | None
    promises: list[ReturnPromiseOut]
    allowed_actions: list[str]
    activities: list[RmaActivityOut]
    photos: list[ReturnPhotoOut]


class ReturnListItem(Schema):
    number: str
    status: str
    kind: str
    customer: str
    serial_number: str
    purchased_on: dt.date
    next_due_at: dt.datetime | None
    created_at: dt.datetime


class ReturnPage(Schema):
    items: list[ReturnListItem]
    count: int
    next: str | None
