from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import BaseModel, StringConstraints

from aftersales.core.pagination import Limit, Offset
from aftersales.core.schema_types import DateTime, MediumText, ShortText, StrictInt, choice_of
from aftersales.inventory.models import MoveKind, WarehouseKind

Code = Annotated[str, StringConstraints(max_length=40)]
PartNumber = Annotated[str, StringConstraints(max_length=80)]
Serial = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"), decimal_places=2)]


class SparePartIn(Schema):
    part_number: PartNumber = Field(..., min_length=1)
    name: ShortText = Field(..., min_length=1)
    serialised: bool = False
    unit_cost: Money = Decimal(0)
    sale_price: Money = Decimal(0)
    warranty_months: StrictInt = Field(12, ge=0, le=240)


class SparePartOut(Schema):
    part_number: str
    name: str
    serialised: bool
    unit_cost: str
    sale_price: str
    warranty_months: int
    is_active: bool


class WarehouseIn(Schema):
    code: Code = Field(..., min_length=1)
    name: ShortText = Field(..., min_length=1)
    kind: choice_of(WarehouseKind) = WarehouseKind.REGIONAL  # type: ignore[valid-type]
    region: Code = ""


class WarehouseOut(Schema):
    code: str
    name: str
    kind: str
    region: str
    is_active: bool


class StockReceiveIn(Schema):
    warehouse: Code = Field(..., min_length=1)
    part_number: PartNumber = Field(..., min_length=1)
    quantity: StrictInt = Field(..., ge=1, le=100_000)
    serials: list[Serial] = Field(default_factory=list, max_length=100_000)
    reason: MediumText = ""
    at: DateTime | None = None


class StockOut(Schema):
    warehouse: str
    part_number: str
    on_hand: int
    reserved: int
    available: int


class StockMoveOut(Schema):
    id: int
    kind: str
    warehouse: str
    part_number: str
    on_hand_delta: int
    reserved_delta: int
    faulty_delta: int
    serial: str
    reason: str
    ref_kind: str
    ref_id: int | None
    at: str


class InventoryListParams(Schema):
    q: ShortText = ""
    limit: Limit = 50
    offset: Offset = 0


class StockParams(Schema):
    part_number: PartNumber = ""
    warehouse: Code = ""
    limit: Limit = 50
    offset: Offset = 0


class StockMoveParams(StockParams):
    kind: choice_of(MoveKind, blank=True) = ""  # type: ignore[valid-type]


class SparePartPage(BaseModel):
    items: list[SparePartOut]
    count: int
    next: str | None


class WarehousePage(BaseModel):
    items: list[WarehouseOut]
    count: int
    next: str | None


class StockPage(BaseModel):
    items: list[StockOut]
    count: int
    next: str | None


class StockMovePage(BaseModel):
    items: list[StockMoveOut]
    count: int
    next: str | None
