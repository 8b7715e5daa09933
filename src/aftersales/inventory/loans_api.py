"""Loaner endpoints: lend, take back, list and read loans (thin; the rules live in loans)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field, StringConstraints

from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.core.errors import Invalid
from aftersales.core.openapi import documented
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.parser import optional_body
from aftersales.core.schema_types import DateTime, StrictBool, choice_of
from aftersales.inventory import access as rules
from aftersales.inventory import loans
from aftersales.inventory.models import Loan, LoanCondition, LoanRefKind
from aftersales.registry.models import Asset, Customer

router = Router(tags=["inventory"])

READ = scoped(rules.VIEW)
WRITE = staff_perm(rules.MOVE)

UNKNOWN_CUSTOMER = _("Unknown customer code.")
UNKNOWN_ASSET = _("Unknown asset serial number.")

Text80 = Annotated[str, StringConstraints(max_length=80)]


class LoanIn(Schema):
    serial: Text80
    customer: Annotated[str, StringConstraints(max_length=40)]
    part_number: Text80 = ""
    ref_kind: choice_of(LoanRefKind, blank=True) = ""  # type: ignore[valid-type]
    ref: Text80 = ""
    asset: Text80 = ""
    at: DateTime | None = None


class LoanerPoolIn(Schema):
    part_number: Text80
    serial: Text80
    loaner: StrictBool = True


class LoanerUnitOut(Schema):
    part_number: str
    serial: str
    loaner: bool
    state: str
    warehouse: str | None


class LoanReturnIn(Schema):
    condition: choice_of(LoanCondition) = LoanCondition.GOOD  # type: ignore[valid-type]
    at: DateTime | None = None


class LoanOut(Schema):
    id: int
    serial: str
    part_number: str
    part_name: str
    warehouse: str
    customer: str
    customer_name: str
    asset: str | None
    ref_kind: str
    ref: str
    lent_at: dt.datetime
    returned_at: dt.datetime | None
    condition: str
    open: bool
    days_out: int


class LoanPage(BaseModel):
    items: list[LoanOut]
    count: int
    next: str | None


class LoanListParams(Schema):
    open: bool | None = None
    customer: str = Field("", max_length=40)
    q: str = Field("", max_length=80)
    limit: Limit = 50
    offset: Offset = 0


def loan_out(loan: Loan, now: dt.datetime) -> dict:
    return {
        "id": loan.pk,
        "serial": loan.unit.serial,
        "part_number": loan.unit.part.part_number,
        "part_name": loan.unit.part.name,
        "warehouse": loan.warehouse.code,
        "customer": loan.customer.code,
        "customer_name": loan.customer.name,
        "asset": loan.asset.serial_number if loan.asset_id else None,
        "ref_kind": loan.ref_kind,
        "ref": loan.ref,
        "lent_at": loan.lent_at,
        "returned_at": loan.returned_at,
        "condition": loan.condition,
        "open": loan.returned_at is None,
        "days_out": loans.days_out(loan, now),
    }


def _fresh(request: HttpRequest, loan: Loan) -> dict:
    return loan_out(loans.loan_get_for_user(user=request.auth, pk=loan.pk), timezone.now())


@router.post("/loaners", response=LoanerUnitOut, openapi_extra=documented(409, 422))
@access(WRITE)
def loaner_pool(request: HttpRequest, payload: LoanerPoolIn):
    """Put a unit in stock into the loaner pool (`loaner`: false takes it out)."""
    rules.enforce(rules.can_lend(request.auth, None), request.auth)
    unit = loans.loaner_pool_set(
        by=request.auth,
        part=loans.part_for_pool(payload.part_number),
        serial=payload.serial,
        loaner=payload.loaner,
    )
    return {
        "part_number": unit.part.part_number,
        "serial": unit.serial,
        "loaner": unit.is_loaner,
        "state": unit.state,
        "warehouse": unit.warehouse.code if unit.warehouse_id else None,
    }


@router.post("/loans", response={201: LoanOut}, openapi_extra=documented(409, 422))
@access(WRITE)
def loan_create(request: HttpRequest, payload: LoanIn):
    # The role is refused before codes are looked up: a wrong user learns nothing from a 422.
    rules.enforce(rules.can_lend(request.auth, None), request.auth)
    customer = Customer.objects.filter(code=payload.customer.strip(), is_active=True).first()
    if customer is None:
        raise Invalid(UNKNOWN_CUSTOMER, field="customer")
    asset = None
    if payload.asset.strip():
        asset = Asset.objects.filter(serial_number=payload.asset.strip()).first()
        if asset is None:
            raise Invalid(UNKNOWN_ASSET, field="asset")
    loan = loans.loan_lend(
        by=request.auth,
        serial=payload.serial,
        customer=customer,
        part_number=payload.part_number,
        ref_kind=payload.ref_kind,
        ref=payload.ref,
        asset=asset,
        at=payload.at,
    )
    return Status(201, _fresh(request, loan))


@router.post(
    "/loans/{loan_id}/return",
    response=LoanOut,
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": LoanReturnIn.model_json_schema()}},
        },
        **documented(409, 422),
    },
)
@access(WRITE)
def loan_return(request: HttpRequest, loan_id: int):
    loan = loans.loan_get_for_user(user=request.auth, pk=loan_id)
    payload = optional_body(request, LoanReturnIn)
    loan = loans.loan_return(loan=loan, by=request.auth, condition=payload.condition, at=payload.at)
    return _fresh(request, loan)


@router.get("/loans", response=LoanPage)
@access(READ)
def loan_list(request: HttpRequest, params: Query[LoanListParams]):
    qs = loans.loan_list(user=request.auth, open=params.open, customer=params.customer, q=params.q)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    now = timezone.now()
    result["items"] = [loan_out(loan, now) for loan in result["items"]]
    return result


@router.get("/loans/{loan_id}", response=LoanOut)
@access(READ)
def loan_detail(request: HttpRequest, loan_id: int):
    return loan_out(loans.loan_get_for_user(user=request.auth, pk=loan_id), timezone.now())
