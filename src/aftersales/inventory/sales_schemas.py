"""Request and response shapes of the part-sales API (备件销售)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from aftersales.core.pagination import Limit, Offset
from aftersales.core.schema_types import DateTime, MediumText, StrictInt, choice_of
from aftersales.inventory.models import PartSaleStatus


class PartSaleLineIn(Schema):
    part_number: str = Field(max_length=80)
    quantity: StrictInt = Field(ge=1, le=10_000)


class PartSaleIn(Schema):
    customer: str = Field(max_length=40)
    warehouse: str = Field(max_length=40)
    # At least one line: the service says so (422 naming `lines`) after the access check.
    lines: list[PartSaleLineIn] = Field(max_length=50)
    asset: str = Field("", max_length=80)


class PartSaleQuoteIn(Schema):
    valid_days: StrictInt | None = Field(None, ge=1, le=365)


class PartSaleAcceptIn(Schema):
    name: str = Field(min_length=1, max_length=100)


class PartSaleDeclineIn(Schema):
    reason: MediumText = ""


class PartSaleSerialIn(Schema):
    part_number: str = Field(max_length=80)
    serial: str = Field(max_length=80)


class PartSaleIssueIn(Schema):
    carrier: str = Field("", max_length=100)
    tracking: str = Field("", max_length=100)
    serials: list[PartSaleSerialIn] = Field(default_factory=list, max_length=10_000)
    at: DateTime | None = None


class PartSaleCancelIn(Schema):
    reason: MediumText


class PartSaleListParams(Schema):
    status: choice_of(PartSaleStatus, blank=True) = ""  # type: ignore[valid-type]
    customer: str = Field("", max_length=40)
    limit: Limit = 50
    offset: Offset = 0


class PartSaleLineOut(Schema):
    part_number: str
    name: str
    quantity: int
    unit_price: str
    amount: str


class PartSaleActivityOut(Schema):
    at: dt.datetime
    actor: str | None
    kind: str
    text: str


class PartSaleOut(Schema):
    number: str
    status: str
    customer: str
    asset: str | None
    warehouse: str
    total: str
    valid_until: dt.date | None
    lines: list[PartSaleLineOut]
    quoted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    accepted_by: str
    declined_at: dt.datetime | None
    decline_reason: str
    issued_at: dt.datetime | None
    carrier: str
    tracking: str
    cancelled_at: dt.datetime | None
    cancel_reason: str
    created_at: dt.datetime
    allowed_actions: list[str]
    activities: list[PartSaleActivityOut]


class PartSaleListItem(Schema):
    number: str
    status: str
    customer: str
    warehouse: str
    total: str
    valid_until: dt.date | None
    created_at: dt.datetime


class PartSalePage(Schema):
    items: list[PartSaleListItem]
    count: int
    next: str | None
