from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from aftersales.core.schema_types import (
    DateTime,
    LongText,
    MediumText,
    ShortText,
    StrictInt,
    choice_of,
)
from aftersales.core.signatures import MAX_BYTES, PREFIX
from aftersales.repairs.models import Decision, Exclusion, ServiceMode, TravelMode

# Fixed values are Literal types, so the OpenAPI lists them as an enum ("" = not decided/none).
ServiceModeValue = choice_of(ServiceMode)
DecisionValue = choice_of(Decision)
ExclusionValue = choice_of(Exclusion)
TravelModeValue = choice_of(TravelMode)
Username = Annotated[str, StringConstraints(max_length=150)]
# A PNG data URL: base64 of at most MAX_BYTES, the exact check is the service's.
SignatureText = Annotated[str, StringConstraints(max_length=len(PREFIX) + MAX_BYTES * 4 // 3 + 4)]


class RepairIn(Schema):
    service_mode: ServiceModeValue
    fault_category: str = Field(
        ..., max_length=40, description="A fault category code, e.g. power."
    )
    fault_text: LongText = Field(..., min_length=1)
    diagnosis: LongText = ""
    serial_number: str | None = Field(None, max_length=80, description="Default: the case's asset.")


class PartIn(Schema):
    name: ShortText = Field(..., min_length=1)
    part_number: str = Field("", max_length=80)
    quantity: StrictInt = Field(1, ge=1, le=100000)
    unit_price: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)


class RepairUpdateIn(Schema):
    service_mode: ServiceModeValue | None = None
    fault_category: str | None = Field(None, max_length=40)
    fault_text: LongText | None = None
    diagnosis: LongText | None = None
    cause: LongText | None = None
    decision: DecisionValue | None = None
    solution: LongText | None = None
    process: LongText | None = None
    exclusion: ExclusionValue | None = None
    appointment_at: DateTime | None = None
    engineers: list[Username] | None = Field(None, max_length=100, description="Usernames.")
    parts: list[PartIn] | None = Field(None, max_length=500)
    labour_minutes: StrictInt | None = Field(None, ge=0, le=1000000)
    travel_mode: TravelModeValue | None = None
    travel_km: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=1)


class RepairStepIn(Schema):
    at: DateTime | None = Field(
        None, description="When it happened, if recorded afterwards; default now."
    )


class StockPartIn(Schema):
    warehouse: str = Field(..., min_length=1, max_length=40, description="A warehouse code.")
    part_number: str = Field(..., min_length=1, max_length=80)
    quantity: StrictInt = Field(1, ge=1, le=100)
    serial: str = Field("", max_length=80, description="Required for a serialised part.")


class DecisionIn(Schema):
    name: str = Field("", max_length=100, description="Who decided (required for staff).")
    decided_at: DateTime | None = Field(None, description="When (a phone call); default now.")
    note: MediumText = ""


class VerifyIn(Schema):
    test_results: LongText = Field(..., min_length=1)
    signature: SignatureText = Field(
        "", description="Engineer's signature, PNG data URL (optional)."
    )


class SignOffIn(Schema):
    name: str = Field("", max_length=100)
    signature: SignatureText = Field("", description="data:image/png;base64,… drawn on screen.")


class PartOut(Schema):
    id: int
    name: str
    part_number: str
    quantity: int
    unit_price: str
    amount: str
    warranty_until: dt.date | None
    # Drawn from stock: the warehouse's code and the serial (None/"" for a free-text part).
    from_stock: bool
    warehouse: str | None
    serial: str


class EventOut(Schema):
    at: dt.datetime
    actor: str | None
    kind: str
    text: str


class RepairOut(Schema):
    id: int
    number: str
    case: str
    customer: str
    serial_number: str | None
    status: str
    service_mode: str
    fault_category: str
    fault_text: str
    diagnosis: str
    cause: str
    decision: str
    solution: str
    process: str
    test_results: str
    appointment_at: dt.datetime | None
    engineers: list[str]
    entitlement: dict
    exclusion: str
    chargeable: bool
    replacement_proposed: bool
    replacement_reason: str
    parts: list[PartOut]
    labour_minutes: int
    travel_mode: str
    travel_km: str
    cost: dict
    quote: dict | None
    signed_off: dict | None
    warranty_until: dt.date | None
    # Carry-in: received at the service centre, due back (the engine's 72-hour promise), late.
    received_at: dt.datetime | None
    device_returned_at: dt.datetime | None
    return_due: dt.datetime | None
    returned_late: bool | None
    report_url: str | None
    # What the caller may do now (repairs.access.available_actions), e.g. "approve_quote".
    allowed_actions: list[str]
    events: list[EventOut]
