from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class ContractIn(Schema):
    number: str = Field(..., min_length=1, max_length=40)
    customer: str = Field(..., min_length=1, max_length=40)
    service_level: str = Field(..., min_length=1, max_length=32)
    starts_on: dt.date
    ends_on: dt.date
    value: Decimal = Field(..., max_digits=14, decimal_places=2)
    assets: list[str] = Field(default_factory=list, description="Serial numbers covered.")
    projects: list[str] = Field(default_factory=list, description="Project codes covered.")
    free_upgrades_until: dt.date | None = None
    inspections_per_year: int = Field(4, ge=0, le=365)
    onsite_visits: int | None = Field(None, ge=0, le=32767)
    remote_support: bool = True
    training_days: int = Field(0, ge=0, le=32767)
    service_manager: str | None = Field(None, description="Username of a staff member.")
    notes: str = Field("", max_length=5000)


class ContractRenewIn(Schema):
    number: str = Field(..., min_length=1, max_length=40)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    value: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    service_level: str | None = None


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
    training_days: int
    service_manager: str | None
    renewed_from: str | None
    renewed_by: str | None


class ContractPage(Schema):
    items: list[ContractOut]
    count: int
    next: str | None


class EntitlementOut(Schema):
    serial_number: str
    customer: str
    status: str
    reason: str
    until: dt.date | None
    service_level: str
    contract: str
