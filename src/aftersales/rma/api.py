"""RMA endpoints (contract.md, "Spare parts and RMA"): thin, the flow lives in rma.services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.cases import selectors as case_selectors
from aftersales.contracts.entitlement import reason_text
from aftersales.core import timeline
from aftersales.core.api_steps import add_steps
from aftersales.core.openapi import documented, optional_body_doc
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.parser import optional_body
from aftersales.core.schema_types import choice_of
from aftersales.rma import access as rma_access
from aftersales.rma import promises, selectors, services
from aftersales.rma.models import Rma, RmaStatus
from aftersales.rma.schemas import (
    AtIn,
    CancelIn,
    FaultyShippedIn,
    ReserveIn,
    RmaIn,
    RmaOut,
    RmaPage,
    ShipIn,
    VendorBackIn,
    VendorSentIn,
)

router = Router(tags=["rma"])

VIEW = scoped("rma.view_rma")
WORK = staff_perm("rma.work_rma")


def rma_out(rma: Rma, user: Any) -> dict:
    now = timezone.now()
    rows = selectors.promise_rows(rma, now)
    by_target = {row["target"]: row for row in rows}

    def due(target: str) -> Any:
        return by_target[target]["due_at"] if target in by_target else None

    def late(target: str) -> bool | None:
        return by_target[target]["late"] if target in by_target else None

    return {
        "number": rma.number,
        "status": rma.status,
        "case": rma.case.number,
        "customer": rma.customer.code,
        "serial_number": rma.asset.serial_number if rma.asset_id else None,
        "part_number": rma.part_number,
        "faulty_serial": rma.faulty_serial,
        "fault": rma.fault,
        "doa": rma.doa,
        "mode": rma.mode,
        "entitlement": {
            "status": rma.entitlement_status,
            "reason": reason_text(rma.entitlement_reason),
        },
        "confirmed_at": rma.confirmed_at,
        "warehouse": rma.warehouse_code,
        "carrier": rma.carrier,
        "tracking": rma.tracking,
        "shipped_serial": rma.shipped_serial,
        "reserved_at": rma.reserved_at,
        "shipped_at": rma.shipped_at,
        "delivered_at": rma.delivered_at,
        "faulty_shipped_at": rma.faulty_shipped_at,
        "faulty_received_at": rma.faulty_received_at,
        "vendor": {
            "name": rma.vendor_name,
            "reference": rma.vendor_reference,
            "sent_at": rma.vendor_sent_at,
            "back_at": rma.vendor_back_at,
            "cost": None if rma.vendor_cost is None else f"{rma.vendor_cost:.2f}",
        },
        "repaired_at": rma.repaired_at,
        "closed_at": rma.closed_at,
        "ship_by": due(promises.SHIP_BY),
        "return_due": due(promises.FAULTY_RETURN),
        "repair_due": due(promises.SWAP_REPAIR),
        "shipped_late": late(promises.SHIP_BY),
        "returned_late": late(promises.FAULTY_RETURN),
        "promises": rows,
        "allowed_actions": rma_access.available_actions(user, rma),
        "activities": timeline.activity_rows(selectors.activities_for_user(user=user, rma=rma)),
    }


def _rma(request: HttpRequest, number: str) -> Rma:
    return selectors.rma_get_for_user(user=request.auth, number=number)


def _fresh(request: HttpRequest, rma: Rma) -> dict:
    return rma_out(_rma(request, rma.number), request.auth)


class RmaListParams(Schema):
    status: choice_of(RmaStatus, blank=True) = ""  # type: ignore[valid-type]
    customer: str = Field("", max_length=40)
    limit: Limit = 50
    offset: Offset = 0


@router.post("/rmas", response={201: RmaOut}, openapi_extra=documented(409, 422))
@access(WORK)
def rma_create(request: HttpRequest, payload: RmaIn):
    case = case_selectors.case_get_for_user(user=request.auth, number=payload.case)
    rma = services.rma_open(
        case=case,
        by=request.auth,
        part_number=payload.part_number,
        fault=payload.fault,
        doa=payload.doa,
        faulty_serial=payload.faulty_serial,
        confirmed_at=payload.confirmed_at,
    )
    return Status(201, _fresh(request, rma))


@router.get("/rmas", response=RmaPage)
@access(VIEW)
def rma_list(request: HttpRequest, params: Query[RmaListParams]):
    filters = selectors.RmaFilters(status=params.status, customer=params.customer)
    qs = selectors.rma_list(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [
        {
            "number": r.number,
            "status": r.status,
            "case": r.case.number,
            "customer": r.customer.code,
            "part_number": r.part_number,
            "next_due_at": r.next_due_at,
            "created_at": r.created_at,
        }
        for r in result["items"]
    ]
    return result


@router.get("/rmas/{number}", response=RmaOut)
@access(VIEW)
def rma_detail(request: HttpRequest, number: str):
    return rma_out(_rma(request, number), request.auth)


@router.post(
    "/rmas/{number}/reserve", response=RmaOut, openapi_extra=optional_body_doc(ReserveIn, 409, 422)
)
@access(WORK)
def rma_reserve(request: HttpRequest, number: str):
    payload = optional_body(request, ReserveIn)
    rma = services.rma_reserve(
        rma=_rma(request, number), by=request.auth, warehouse_code=payload.warehouse, at=payload.at
    )
    return _fresh(request, rma)


# Every other step: its body's fields are the service's keyword arguments.
add_steps(
    router,
    path="/rmas",
    steps={
        "ship": (services.rma_ship, ShipIn),
        "delivered": (services.rma_delivered, AtIn),
        "faulty-shipped": (services.rma_faulty_shipped, FaultyShippedIn),
        "faulty-received": (services.rma_faulty_received, AtIn),
        "vendor-sent": (services.rma_vendor_sent, VendorSentIn),
        "vendor-back": (services.rma_vendor_back, VendorBackIn),
        "repaired": (services.rma_repaired, AtIn),
        "close": (services.rma_close, AtIn),
        "cancel": (services.rma_cancel, CancelIn),
    },
    subject="rma",
    load=_rma,
    show=_fresh,
    guard=access(WORK),
    response=RmaOut,
    prefix="rma",
)
