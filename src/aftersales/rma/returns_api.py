"""Returns and exchanges endpoints (contract.md, "Spare parts and RMA"): thin, the flow lives in
rma.returns."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.core import timeline
from aftersales.core.api_steps import add_steps
from aftersales.core.openapi import documented
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.schema_types import choice_of
from aftersales.core.uploads import stored_file_response
from aftersales.rma import return_access, returns
from aftersales.rma import return_promises as promises
from aftersales.rma import return_selectors as selectors
from aftersales.rma.models import PhotoStage, ReturnKind, ReturnPhoto, ReturnRequest, ReturnStatus
from aftersales.rma.return_schemas import (
    ExchangeIn,
    InspectIn,
    RefundIn,
    RejectIn,
    ReturnIn,
    ReturnOut,
    ReturnPage,
    ReturnPhotoOut,
)
from aftersales.rma.schemas import AtIn

router = Router(tags=["returns"])

VIEW = scoped("rma.view_rma")
REQUEST = scoped("rma.work_rma")
WORK = staff_perm("rma.work_rma")


def return_out(request: ReturnRequest, user: Any) -> dict:
    rows = selectors.promise_rows(request, timezone.now())
    by_target = {row["target"]: row for row in rows}

    def of(target: str, key: str) -> Any:
        return by_target[target][key] if target in by_target else None

    fields = [
        "number", "status", "kind", "serial_number", "purchased_on", "reason", "evidence", "doa",
        "packaging_intact", "freight_paid_by", "requested_at", "approved_at", "rejected_at",
        "rejection_reason", "received_at", "inspected_at", "inspection_passed",
        "inspection_notes", "refunded_at", "refund_amount", "exchanged_at",
        "replacement_serial", "closed_at",
    ]  # fmt: skip
    return {
        **{name: getattr(request, name) for name in fields},
        "customer": request.customer.code,
        "refund_due": of(promises.REFUND, "due_at"),
        "exchange_due": of(promises.EXCHANGE, "due_at"),
        "refunded_late": of(promises.REFUND, "late"),
        "exchanged_late": of(promises.EXCHANGE, "late"),
        "promises": rows,
        "allowed_actions": return_access.available_actions(user, request),
        "photos": [photo_out(p, request.number) for p in request.photos.all()],
        "activities": timeline.activity_rows(
            selectors.activities_for_user(user=user, request=request)
        ),
    }


def photo_out(photo: ReturnPhoto, number: str) -> dict:
    return {
        "id": photo.pk,
        "stage": photo.stage,
        "name": photo.name,
        "content_type": photo.content_type,
        "size": photo.size,
        "uploaded_at": photo.uploaded_at,
        "url": f"/api/v1/returns/{number}/photos/{photo.pk}",
    }


def _get(request: HttpRequest, number: str) -> ReturnRequest:
    return selectors.return_get_for_user(user=request.auth, number=number)


def _fresh(request: HttpRequest, obj: ReturnRequest) -> dict:
    return return_out(_get(request, obj.number), request.auth)


class ReturnListParams(Schema):
    status: choice_of(ReturnStatus, blank=True) = ""  # type: ignore[valid-type]
    kind: choice_of(ReturnKind, blank=True) = ""  # type: ignore[valid-type]
    customer: str = Field("", max_length=40)
    q: str = Field("", max_length=200)
    limit: Limit = 50
    offset: Offset = 0


@router.post("/returns", response={201: ReturnOut}, openapi_extra=documented(422))
@access(REQUEST)
def return_create(request: HttpRequest, payload: ReturnIn):
    obj = returns.return_request(
        by=request.auth,
        customer=payload.customer,
        serial_number=payload.serial_number,
        purchased_on=payload.purchased_on,
        reason=payload.reason,
        kind=payload.kind,
        doa=payload.doa,
        packaging_intact=payload.packaging_intact,
        evidence=payload.evidence,
    )
    return Status(201, _fresh(request, obj))


@router.get("/returns", response=ReturnPage)
@access(VIEW)
def return_list(request: HttpRequest, params: Query[ReturnListParams]):
    filters = selectors.ReturnFilters(
        status=params.status, customer=params.customer, kind=params.kind, q=params.q
    )
    qs = selectors.return_list(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [
        {
            "number": r.number,
            "status": r.status,
            "kind": r.kind,
            "customer": r.customer.code,
            "serial_number": r.serial_number,
            "purchased_on": r.purchased_on,
            "next_due_at": r.next_due_at,
            "created_at": r.created_at,
        }
        for r in result["items"]
    ]
    return result


@router.get("/returns/{number}", response=ReturnOut)
@access(VIEW)
def return_detail(request: HttpRequest, number: str):
    return return_out(_get(request, number), request.auth)


# The steps: each body's fields are the service's keyword arguments.
add_steps(
    router,
    path="/returns",
    steps={
        "approve": (returns.return_approve, AtIn),
        "reject": (returns.return_reject, RejectIn),
        "receive": (returns.return_receive, AtIn),
        "inspect": (returns.return_inspect, InspectIn),
        "refund": (returns.return_refund, RefundIn),
        "exchange": (returns.return_exchange, ExchangeIn),
        "close": (returns.return_close, AtIn),
    },
    subject="request",
    load=_get,
    show=_fresh,
    guard=access(WORK),
    response=ReturnOut,
    prefix="return",
)


@router.post(
    "/returns/{number}/photos", response={201: ReturnPhotoOut}, openapi_extra=documented(409, 422)
)
@access(VIEW)
def return_photo_add(
    request: HttpRequest,
    number: str,
    file: File[UploadedFile],
    stage: str = Form(PhotoStage.EVIDENCE, max_length=12),
):
    """A photo of the goods (PNG, JPG or GIF): the customer's evidence, or staff's findings at
    inspection (`stage`: evidence | inspection)."""
    photo = returns.return_photo_add(
        request=_get(request, number), by=request.auth, file=file, stage=stage
    )
    return Status(201, photo_out(photo, number))


@router.get("/returns/{number}/photos/{photo_id}", response={200: None})
@access(VIEW)
def return_photo_file(request: HttpRequest, number: str, photo_id: int):
    """The photo itself, as a download."""
    photo = returns.photo_get_for_user(
        user=request.auth, return_request=_get(request, number), pk=photo_id
    )
    return stored_file_response(photo.file, name=photo.name, content_type=photo.content_type)
