from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import EmailStr

from aftersales.accounts.models import ManagerLevel
from aftersales.accounts.roles import Role
from aftersales.core.schema_types import PASSWORD_MAX, Date, ShortText, StrictInt, choice_of
from aftersales.registry.models import CustomerLevel, Region

# Fixed values are Literal types, so the OpenAPI lists them as an enum.
RegionValue = choice_of(Region, blank=True)
LevelValue = choice_of(CustomerLevel)
StaffRoleValue = choice_of(Role, exclude={Role.CUSTOMER_CONTACT})
ManagerLevelValue = choice_of(ManagerLevel, blank=True)


class CustomerIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: ShortText = Field(..., min_length=1)
    region: RegionValue = ""
    address: str = Field("", max_length=300)
    level: LevelValue = "b"


class CustomerOut(Schema):
    code: str
    name: str
    region: str
    address: str
    level: str
    created_at: dt.datetime


class ContactIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    phone: str = Field("", max_length=40)
    email: EmailStr | None = None
    role: str = Field("", max_length=100)
    username: str | None = Field(None, max_length=150)
    password: str | None = Field(None, max_length=PASSWORD_MAX)


class ContactOut(Schema):
    id: int
    customer: str = Field(..., alias="customer.code")
    name: str
    phone: str
    email: str
    role: str
    username: str | None = Field(None, alias="user.username")


class EngineerIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=PASSWORD_MAX)
    name: str = Field(..., min_length=1, max_length=100)
    phone: str = Field("", max_length=40)
    email: EmailStr | None = None
    role: StaffRoleValue
    region: RegionValue = ""
    manager_level: ManagerLevelValue = ""


class EngineerOut(Schema):
    id: int
    username: str
    name: str
    phone: str
    email: str
    region: str
    on_call: bool
    roles: list[str]

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        return sorted(group.name for group in obj.user.groups.all())


class AssetIn(Schema):
    customer: str = Field(..., min_length=1, max_length=40)
    serial_number: str = Field(..., min_length=1, max_length=80)
    product_model: str = Field(..., min_length=1, max_length=120)
    vendor: ShortText = Field(..., min_length=1)
    accepted_on: Date | None = None
    installed_on: Date | None = None
    warranty_months: StrictInt | None = Field(None, ge=0, le=600)
    software_version: str = Field("", max_length=80)
    parent: str = Field("", max_length=80)


class AssetOut(Schema):
    serial_number: str
    customer: str = Field(..., alias="customer.code")
    product_model: str = Field(..., alias="product_model.name")
    vendor: str = Field(..., alias="product_model.vendor.name")
    accepted_on: dt.date | None
    installed_on: dt.date | None
    warranty_months: int | None
    software_version: str
    parent: str | None = Field(None, alias="parent.serial_number")


class Page(Schema):
    count: int
    next: str | None
