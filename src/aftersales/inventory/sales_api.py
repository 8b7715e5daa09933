"""Part-sales endpoints (备件销售): thin, the flow lives in inventory.sales."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from aftersales.accounts.endpoint_access import CONTACT, access, scoped, staff_perm
from aftersales.core import timeline
from aftersales.core.openapi import documented, optional_body_doc
from aftersales.core.pagination import page
from aftersales.core.parser import optional_body
from aftersales.inventory import sales, sales_access
from aftersales.inventory import sales_selectors as selectors
from aftersales.inventory.models import PartSale
from aftersales.inventory.sales_schemas import (
    PartSaleAcceptIn,
    PartSaleCancelIn,
    PartSaleDeclineIn,
    PartSaleIn,
    PartSaleIssueIn,
    PartSaleListParams,
    PartSaleOut,
    PartSalePage,
    PartSaleQuoteIn,
)

router = Router(tags=["part sales"])

VIEW = scoped(sales_access.VIEW)
SELL = staff_perm(sales_access.SELL)


def sale_out(sale: PartSale, user: Any) -> dict:
    return {
        "number": sale.number,
        "status": sales_access.shown_status(sale),
        "customer": sale.customer.code,
        "asset": sale.asset.serial_number if sale.asset_id else None,
        "warehouse": sale.warehouse.code,
        "total": f"{sale.total:.2f}",
        "valid_until": sale.valid_until,
        "lines": [
            {
                "part_number": line.part.part_number,
                "name": line.part.name,
                "quantity": line.quantity,
                "unit_price": f"{line.unit_price:.2f}",
                "amount": f"{line.amount:.2f}",
            }
            for line in sale.lines.all()
        ],
        "quoted_at": sale.quoted_at,
        "accepted_at": sale.accepted_at,
        "accepted_by": sale.accepted_by_name,
        "declined_at": sale.declined_at,
        "decline_reason": sale.decline_reason,
        "issued_at": sale.issued_at,
        "carrier": sale.carrier,
        "tracking": sale.tracking,
        "cancelled_at": sale.cancelled_at,
        "cancel_reason": sale.cancel_reason,
        "created_at": sale.created_at,
        "allowed_actions": sales_access.available_actions(user, sale),
        "activities": timeline.activity_rows(
            selectors.activities_for_user(user=user, sale=sale), internal_flag=False
        ),
    }


def _sale(request: HttpRequest, number: str) -> PartSale:
    return selectors.sale_get_for_user(user=request.auth, number=number)


def _fresh(request: HttpRequest, sale: PartSale) -> dict:
    return sale_out(_sale(request, sale.number), request.auth)


@router.post("/part-sales", response={201: PartSaleOut}, openapi_extra=documented(422))
@access(SELL)
def part_sale_create(request: HttpRequest, payload: PartSaleIn):
    sale = sales.part_sale_create(
        by=request.auth,
        customer=payload.customer,
        warehouse=payload.warehouse,
        asset=payload.asset,
        lines=[line.model_dump() for line in payload.lines],
    )
    return Status(201, _fresh(request, sale))


@router.get("/part-sales", response=PartSalePage)
@access(VIEW)
def part_sale_list(request: HttpRequest, params: Query[PartSaleListParams]):
    qs = selectors.sale_list(user=request.auth, status=params.status, customer=params.customer)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [
        {
            "number": s.number,
            "status": sales_access.shown_status(s),
            "customer": s.customer.code,
            "warehouse": s.warehouse.code,
            "total": f"{s.total:.2f}",
            "valid_until": s.valid_until,
            "created_at": s.created_at,
        }
        for s in result["items"]
    ]
    return result


@router.get("/part-sales/{number}", response=PartSaleOut)
@access(VIEW)
def part_sale_detail(request: HttpRequest, number: str):
    return sale_out(_sale(request, number), request.auth)


@router.post(
    "/part-sales/{number}/quote",
    response=PartSaleOut,
    openapi_extra=optional_body_doc(PartSaleQuoteIn, 409, 422),
)
@access(SELL)
def part_sale_quote(request: HttpRequest, number: str):
    payload = optional_body(request, PartSaleQuoteIn)
    sale = sales.part_sale_quote(
        sale=_sale(request, number), by=request.auth, valid_days=payload.valid_days
    )
    return _fresh(request, sale)


@router.post(
    "/part-sales/{number}/accept", response=PartSaleOut, openapi_extra=documented(409, 422)
)
@access(CONTACT)
def part_sale_accept(request: HttpRequest, number: str, payload: PartSaleAcceptIn):
    sale = selectors.sale_get_for_customer(user=request.auth, number=number)
    sale = sales.part_sale_accept(sale=sale, by=request.auth, name=payload.name)
    return _fresh(request, sale)


@router.post(
    "/part-sales/{number}/decline",
    response=PartSaleOut,
    openapi_extra=optional_body_doc(PartSaleDeclineIn, 409, 422),
)
@access(CONTACT)
def part_sale_decline(request: HttpRequest, number: str):
    payload = optional_body(request, PartSaleDeclineIn)
    sale = selectors.sale_get_for_customer(user=request.auth, number=number)
    sale = sales.part_sale_decline(sale=sale, by=request.auth, reason=payload.reason)
    return _fresh(request, sale)


@router.post(
    "/part-sales/{number}/issue",
    response=PartSaleOut,
    openapi_extra=optional_body_doc(PartSaleIssueIn, 409, 422),
)
@access(SELL)
def part_sale_issue(request: HttpRequest, number: str):
    payload = optional_body(request, PartSaleIssueIn)
    sale = sales.part_sale_issue(
        sale=_sale(request, number),
        by=request.auth,
        carrier=payload.carrier,
        tracking=payload.tracking,
        serials=[s.model_dump() for s in payload.serials],
        at=payload.at,
    )
    return _fresh(request, sale)


@router.post(
    "/part-sales/{number}/cancel", response=PartSaleOut, openapi_extra=documented(409, 422)
)
@access(SELL)
def part_sale_cancel(request: HttpRequest, number: str, payload: PartSaleCancelIn):
    sale = sales.part_sale_cancel(
        sale=_sale(request, number), by=request.auth, reason=payload.reason
    )
    return _fresh(request, sale)
