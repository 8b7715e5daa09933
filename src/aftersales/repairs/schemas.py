from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class RepairIn(Schema):
    service_mode: str = Field(..., description="onsite | carry_in | mail_in | remote")
    fault_category: str = Field(..., description="A fault category code, e.g. power.")
    fault_text: str = Field(..., min_length=1, max_length=5000)
    diagnosis: str = Field("", max_length=5000)
    serial_number: str | None = Field(None, description="Default: the case's asset.")


class PartIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    part_number: str = Field("", max_length=80)
    quantity: int = Field(1, ge=1, le=100000)
    unit_price: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)


class RepairUpdateIn(Schema):
    service_mode: str | None = None
    fault_category: str | None = None
    fault_text: str | None = Field(None, max_length=5000)
    diagnosis: str | None = Field(None, max_length=5000)
    cause: str | None = Field(None, max_length=5000)
    decision: str | None = Field(None, description="repair | swap_part | swap_device")
    solution: str | None = Field(None, max_length=5000)
    process: str | None = Field(None, max_length=5000)
    exclusion: str | None = Field(
        None, description="misuse | accident | liquid | disassembly | force_majeure | ''"
    )
    appointment_at: dt.datetime | None = None
    engineers: list[str] | None = Field(None, description="Usernames.")
    parts: list[PartIn] | None = None
    labour_minutes: int | None = Field(None, ge=0, le=1000000)
    travel_mode: str | None = Field(None, description="none | km | fixed")
    travel_km: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=1)


class DecisionIn(Schema):
    name: str = Field("", max_length=100, description="Who decided (required for staff).")
    decided_at: dt.datetime | None = Field(None, description="When (a phone call); default now.")
    note: str = Field("", max_length=2000)


class VerifyIn(Schema):
    test_results: str = Field(..., min_length=1, max_length=5000)
    signature: str = Field("", description="Engineer's signature, PNG data URL (optional).")


class SignOffIn(Schema):
    name: str = Field("", max_length=100)
    signature: str = Field("", description="data:image/png;base64,… drawn on screen.")


class PartOut(Schema):
    name: str
    part_number: str
    quantity: int
    unit_price: str
    amount: str
    warranty_until: dt.date | None


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
    report_url: str | None
    events: list[EventOut]
