"""Request and response shapes of the RMA API (contract.md, "Spare parts and RMA")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from aftersales.core.schema_types import DateTime, MediumText, ShortText, StrictBool


class RmaIn(Schema):
    case: ShortText
    part_number: str = Field(max_length=80)
    fault: MediumText
    doa: StrictBool = False
    faulty_serial: str = Field("", max_length=80)
    confirmed_at: DateTime | None = None


class AtIn(Schema):
    at: DateTime | None = None


class ReserveIn(AtIn):
    warehouse: str = Field("", max_length=40)


class ShipIn(AtIn):
    carrier: str = Field(max_length=100)
    tracking: str = Field(max_length=100)
    serial: str = Field("", max_length=80, description="The spare's serial (serialised parts).")


class VendorSentIn(AtIn):
    vendor: str = Field(max_length=100)
    reference: str = Field("", max_length=100, description="The vendor's RMA reference.")


class VendorBackIn(AtIn):
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class FaultyShippedIn(AtIn):
    carrier: str = Field("", max_length=100)
    tracking: str = Field("", max_length=100)


class CancelIn(AtIn):
    reason: MediumText


class RmaPromiseOut(Schema):
    target: str
    due_at: dt.datetime | None
    state: str
    completed_at: dt.datetime | None


class RmaActivityOut(Schema):
    at: dt.datetime
    actor: str | None
    kind: str
    text: str
    internal: bool


class RmaOut(Schema):
    number: str
    status: str
    case: str
    customer: str
    serial_number: str | None
    part_number: str
    faulty_serial: str
    fault: str
    doa: bool
    mode: str
    entitlement: dict
    confirmed_at: dt.datetime
    warehouse: str
    carrier: str
    tracking: str
    shipped_serial: str
    reserved_at: dt.datetime | None
    shipped_at: dt.datetime | None
    delivered_at: dt.datetime | None
    faulty_shipped_at: dt.datetime | None
    faulty_received_at: dt.datetime | None
    vendor: dict
    repaired_at: dt.datetime | None
    closed_at: dt.datetime | None
    ship_by: dt.datetime | None
    return_due: dt.datetime | None
    repair_due: dt.datetime | None
    shipped_late: bool | None
    returned_late: bool | None
    promises: list[RmaPromiseOut]
    allowed_actions: list[str]
    activities: list[RmaActivityOut]


class RmaListItem(Schema):
    number: str
    status: str
    case: str
    customer: str
    part_number: str
    next_due_at: dt.datetime | None
    created_at: dt.datetime


class RmaPage(Schema):
    items: list[RmaListItem]
    count: int
    next: str | None
