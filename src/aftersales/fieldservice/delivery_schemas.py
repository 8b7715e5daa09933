"""Request and response shapes of the deliveries API (contract.md, "Field service")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from aftersales.core.schema_types import (
    Date,
    DateTime,
    MediumText,
    StrictBool,
    choice_of,
)
from aftersales.core.signatures import MAX_BYTES, PREFIX
from aftersales.fieldservice.models import DeliveryStage

SignatureText = Annotated[str, StringConstraints(max_length=len(PREFIX) + MAX_BYTES * 4 // 3 + 4)]
ModelRef = int | Annotated[str, StringConstraints(max_length=120)]


class DeliveryItemIn(Schema):
    product_model: ModelRef = Field(..., description="The product model's id (or its name).")
    serial_number: str = Field("", max_length=80)
    quantity: int = Field(1, ge=1, le=100_000)


class DeliveryIn(Schema):
    contract: str = Field(..., max_length=40, description="The contract's number.")
    items: list[DeliveryItemIn] = Field(..., max_length=500)
    delivery_note_number: str = Field("", max_length=60)
    delivered_on: Date | None = None
    notes: MediumText = ""
    at: DateTime | None = None


class DeliveryAtIn(Schema):
    at: DateTime | None = None


class DeliveryChecksIn(Schema):
    """The initial inspection's form: each check passed (true), failed (false) or not done."""

    quantity: StrictBool | None = None
    appearance: StrictBool | None = None
    manuals: StrictBool | None = None
    certificates: StrictBool | None = None


class DeliveryReceivedIn(Schema):
    item: int = Field(..., ge=1, le=2**63 - 1)
    quantity: int = Field(..., ge=0, le=100_000)


class DeliveryInspectIn(DeliveryAtIn):
    stage: choice_of(DeliveryStage, exclude=(DeliveryStage.ACCEPTED,))  # type: ignore[valid-type]
    passed: StrictBool
    notes: MediumText = ""
    checks: DeliveryChecksIn | None = None
    received: list[DeliveryReceivedIn] = Field([], max_length=500)


class DeliveryFixIn(DeliveryAtIn):
    # Checked by the service (after who may): exchange | repair.
    kind: str = Field(..., max_length=20, description="exchange | repair")
    reference: str = Field("", max_length=60)


class DeliveryFixedIn(DeliveryAtIn):
    notes: MediumText = ""


class DeliveryAcceptanceTestIn(DeliveryAtIn):
    notes: MediumText = Field(..., min_length=1)


class DeliverySignIn(DeliveryAtIn):
    signed_by: str = Field(..., max_length=100)
    signature: SignatureText = Field(..., description="data:image/png;base64,… drawn on screen.")
    inspection: int | None = Field(None, ge=1, le=2**63 - 1)


class DeliveryCancelIn(DeliveryAtIn):
    reason: MediumText


class DeliveryItemOut(Schema):
    id: int
    product_model: int
    model_name: str
    serial_number: str
    quantity: int
    received_quantity: int | None
    asset: str | None
    warranty_ends_on: dt.date | None


class DeliveryInspectionOut(Schema):
    id: int
    stage: str
    passed: bool
    at: dt.datetime
    by: str | None
    checks: dict[str, bool]
    notes: str
    failure_reasons: str
    disputed: bool
    authority: str
    authority_report_url: str | None
    fix_kind: str
    fix_reference: str
    fixed_at: dt.datetime | None
    signed_by: str
    signed_at: dt.datetime | None
    form_url: str


class DeliveryActivityOut(Schema):
    at: dt.datetime
    actor: str | None
    kind: str
    text: str
    internal: bool | None = None


class DeliveryOut(Schema):
    id: int
    number: str
    stage: str
    status: str
    contract: str
    customer: str
    delivery_note_number: str
    delivered_on: dt.date | None
    installed_at: dt.datetime | None
    commissioned_at: dt.datetime | None
    acceptance_test_at: dt.datetime | None
    acceptance_test_notes: str
    accepted_on: dt.date | None
    notes: str
    items: list[DeliveryItemOut]
    inspections: list[DeliveryInspectionOut]
    allowed_actions: list[str]
    activities: list[DeliveryActivityOut]


class DeliveryListItem(Schema):
    id: int
    number: str
    stage: str
    status: str
    contract: str
    customer: str
    delivered_on: dt.date | None
    accepted_on: dt.date | None
    created_at: dt.datetime


class DeliveryPage(Schema):
    items: list[DeliveryListItem]
    count: int
    next: str | None
