from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from aftersales.core.schema_types import Date, LongText, StrictBool, StrictInt

# Service levels are configuration (SLA policies editable in the admin), not a fixed enum:
# the built-in ones are documented, any active policy's code is accepted by the service.
SERVICE_LEVEL_DOC = "An SLA policy code: `7x24` or `5x8` built in, more configured by the admin."
Serial = Annotated[str, StringConstraints(max_length=80)]
Code = Annotated[str, StringConstraints(max_length=40)]


class ContractIn(Schema):
    number: str = Field(..., min_length=1, max_length=40)
    customer: str = Field(..., min_length=1, max_length=40)
    service_level: str = Field(..., min_length=1, max_length=32, description=SERVICE_LEVEL_DOC)
    starts_on: Date
    ends_on: Date
    value: Decimal = Field(..., max_digits=14, decimal_places=2)
    assets: list[Serial] = Field(
        default_factory=list, max_length=10_000, description="Serial numbers covered."
    )
    projects: list[Code] = Field(
        default_factory=list, max_length=1_000, description="Project codes covered."
    )
    free_upgrades_until: Date | None = None
    inspections_per_year: StrictInt = Field(4, ge=0, le=365)
    onsite_visits: StrictInt | None = Field(None, ge=0, le=32767)
    remote_support: StrictBool = True
    advance_replacement: StrictBool = True
    training_days: StrictInt = Field(0, ge=0, le=32767)
    service_manager: str | None = Field(
        None, max_length=150, description="Username of a staff member."
    )
    notes: LongText = ""


class ContractRenewIn(Schema):
    number: str = Field(..., min_length=1, max_length=40)
    starts_on: Date | None = None
    ends_on: Date | None = None
    value: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    service_level: str | None = Field(None, max_length=32, description=SERVICE_LEVEL_DOC)


class ContractOut(Schema):
    number: str
    customer: str
    service_level: str
    starts_on: dt.date
    ends_on: dt.date
    value: str
    is_active: bool
    in_force: bool
    assets: list[str]
    projects: list[str]
    free_upgrades_until: dt.date | None
    inspections_per_year: int
    onsite_visits: int | None
    remote_support: bool
    advance_replacement: bool
    training_days: int
    service_manager: str | None
    renewed_from: str | None
    renewed_by: str | None


class ContractPage(Schema):
    items: list[ContractOut]
    count: int
    next: str | None


class AssetEntitlementOut(Schema):
    serial_number: str
    customer: str
    status: str
    reason: str
    until: dt.date | None
    service_level: str
    contract: str
