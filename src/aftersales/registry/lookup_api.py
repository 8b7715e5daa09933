"""GET /api/v1/lookup: the call-centre search (contract.md), a thin wrapper over registry.lookup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from aftersales.accounts.endpoint_access import access, scoped
from aftersales.core.openapi import documented
from aftersales.registry.lookup import QUERY_MAX_LENGTH, LookupResult, lookup_for_user

router = Router(tags=["lookup"])


class LookupParams(Schema):
    q: str = Field(
        ...,
        max_length=QUERY_MAX_LENGTH,
        # What q_not_blank checks, published: some character that is neither space nor NUL.
        json_schema_extra={"pattern": "^[^\\x00]*[^\\s\\x00][^\\x00]*$"},
        description="Customer code, contact phone (any format) or asset serial number; "
        "a partial customer name as a last resort.",
    )

    @field_validator("q")
    @classmethod
    def q_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("q must not be blank")
        return value


class PersonOut(Schema):
    username: str
    name: str


class LookupCustomerOut(Schema):
    code: str
    name: str
    region: str
    level: str
    address: str
    service_manager: PersonOut | None


class LookupContactOut(Schema):
    id: int
    name: str
    phone: str
    email: str
    role: str
    matched: bool


class ProjectMemberOut(Schema):
    side: str = Field(..., description="ours | customer")
    name: str
    role: str
    username: str | None = Field(None, description="Our staff member's login (our side only).")
    contact_id: int | None = Field(None, description="The customer's contact (their side only).")


class LookupProjectOut(Schema):
    code: str
    name: str
    started_on: dt.date | None
    accepted_on: dt.date | None
    members: list[ProjectMemberOut]


class LookupAssetOut(Schema):
    serial_number: str
    product_model: str
    product_line: str
    vendor: str
    site: str | None
    accepted_on: dt.date | None
    warranty_months: int | None
    software_version: str
    parent: str | None
    matched: bool


class LookupContractOut(Schema):
    number: str
    service_level: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: str


class LookupCaseOut(Schema):
    number: str
    title: str
    status: str
    priority: str
    assignee: str
    created_at: dt.datetime


class LookupEngineerOut(Schema):
    username: str
    name: str
    phone: str
    email: str
    region: str
    on_call: bool
    responsible: bool = Field(..., description="Named as responsible for this customer.")
    projects: list[str] = Field(..., description="Codes of its projects they work on.")


class CandidateOut(Schema):
    code: str
    name: str
    region: str
    via: str = Field("", description="Why it is a candidate, e.g. the contact with that phone.")


class LookupOut(Schema):
    q: str
    matched_by: str | None = Field(
        None, description="customer_code | phone | serial | name; null when nothing matched."
    )
    customer: LookupCustomerOut | None
    contacts: list[LookupContactOut]
    projects: list[LookupProjectOut]
    assets: list[LookupAssetOut]
    asset_count: int = Field(..., description="All active assets; `assets` holds at most 50.")
    contracts: list[LookupContractOut]
    open_cases: list[LookupCaseOut]
    engineers: list[LookupEngineerOut]
    candidates: list[CandidateOut] = Field(
        ..., description="Customers the query may mean when it is ambiguous (customer is null)."
    )


# 404: nothing this user may see matches the query.
@router.get("/lookup", response=LookupOut, openapi_extra=documented(404))
@access(scoped("registry.view_customer"))
def lookup(request: HttpRequest, params: Query[LookupParams]):
    """Everything the seat needs about one customer, found by code, phone or serial number.

    Staff need registry.view_customer. A customer contact only ever finds their own
    organisation: any other code, phone or serial answers 404, like one that does not exist.
    """
    return lookup_out(lookup_for_user(user=request.auth, q=params.q))


def lookup_out(result: LookupResult) -> dict[str, Any]:
    """The JSON body of a lookup result (also used by bench/lookup_bench.py)."""
    customer = result.customer
    return {
        "q": result.q,
        "matched_by": result.matched_by,
        "customer": None if customer is None else _customer(customer),
        "contacts": [
            {
                "id": c.pk,
                "name": c.name,
                "phone": c.phone,
                "email": c.email,
                "role": c.role,
                "matched": c.pk in result.matched_contact_ids,
            }
            for c in result.contacts
        ],
        "projects": [
            {
                "code": p.code,
                "name": p.name,
                "started_on": p.started_on,
                "accepted_on": p.accepted_on,
                "members": [_member(m) for m in p.members.all()],
            }
            for p in result.projects
        ],
        "assets": [
            {
                "serial_number": a.serial_number,
                "product_model": a.product_model.name,
                "product_line": a.product_model.product_line,
                "vendor": a.product_model.vendor.name,
                "site": a.site.name if a.site else None,
                "accepted_on": a.accepted_on,
                "warranty_months": a.warranty_months,
                "software_version": a.software_version,
                "parent": a.parent.serial_number if a.parent else None,
                "matched": a.serial_number == result.matched_serial,
            }
            for a in result.assets
        ],
        "asset_count": result.asset_count,
        "contracts": [vars(c) for c in result.contracts],
        "open_cases": [vars(c) for c in result.open_cases],
        "engineers": [
            {
                "username": link.engineer.user.username,
                "name": link.engineer.name,
                "phone": link.engineer.phone,
                "email": link.engineer.email,
                "region": link.engineer.region,
                "on_call": link.engineer.on_call,
                "responsible": link.responsible,
                "projects": list(link.project_codes),
            }
            for link in result.engineers
        ],
        "candidates": [vars(c) for c in result.candidates],
    }


def _customer(customer) -> dict[str, Any]:
    manager = customer.service_manager
    return {
        "code": customer.code,
        "name": customer.name,
        "region": customer.region,
        "level": customer.level,
        "address": customer.address,
        "service_manager": None
        if manager is None
        else {"username": manager.username, "name": str(manager)},
    }


def _member(member) -> dict[str, Any]:
    if member.user_id is not None:
        return {
            "side": member.side,
            "name": str(member.user),
            "role": member.role,
            "username": member.user.username,
        }
    return {
        "side": member.side,
        "name": member.contact.name,
        "role": member.role,
        "contact_id": member.contact_id,
    }
