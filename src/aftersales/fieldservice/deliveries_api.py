"""Field service endpoints (contract.md, "Field service"): thin; the flow lives in services.

Deliveries are named by their id (as contract.md's `{id}`) or their number (DL-…) in paths.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.contracts.entitlement import warranty_end
from aftersales.core import timeline
from aftersales.core.api_steps import add_steps
from aftersales.core.errors import NotFound
from aftersales.core.openapi import documented
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.schema_types import choice_of
from aftersales.core.uploads import stored_file_response
from aftersales.fieldservice import deliveries, delivery_access
from aftersales.fieldservice import delivery_selectors as selectors
from aftersales.fieldservice.delivery_forms_pdf import form_response
from aftersales.fieldservice.delivery_schemas import (
    DeliveryAcceptanceTestIn,
    DeliveryAtIn,
    DeliveryCancelIn,
    DeliveryFixedIn,
    DeliveryFixIn,
    DeliveryIn,
    DeliveryInspectIn,
    DeliveryOut,
    DeliveryPage,
    DeliverySignIn,
)
from aftersales.fieldservice.models import Delivery, DeliveryStage, DeliveryStatus

router = Router(tags=["field service"])

VIEW = scoped("fieldservice.view_delivery")
ADD = staff_perm("fieldservice.add_delivery")
INSPECT = staff_perm("fieldservice.inspect_delivery", "fieldservice.inspect_quality", any_of=True)
FIX = staff_perm(*delivery_access.FIXERS, any_of=True)
CHANGE = staff_perm("fieldservice.change_delivery")
API = "/api/v1/deliveries"


def inspection_out(inspection: Any, delivery: Delivery) -> dict:
    base = f"{API}/{delivery.pk}/forms/{inspection.pk}"
    fields = [
        "id", "stage", "passed", "at", "checks", "notes", "failure_reasons", "disputed",
        "authority", "fix_kind", "fix_reference", "fixed_at", "signed_by", "signed_at",
    ]  # fmt: skip
    return {
        **{name: getattr(inspection, name) for name in fields},
        "by": str(inspection.by) if inspection.by_id else None,
        "authority_report_url": f"{base}/report" if inspection.authority_report else None,
        "form_url": base,
    }


def delivery_out(delivery: Delivery, user: Any) -> dict:
    fields = [
        "id", "number", "stage", "status", "delivery_note_number", "delivered_on",
        "installed_at", "commissioned_at", "acceptance_test_at", "acceptance_test_notes",
        "accepted_on", "notes",
    ]  # fmt: skip
    return {
        **{name: getattr(delivery, name) for name in fields},
        "contract": delivery.contract.number,
        "customer": delivery.customer.code,
        "items": [
            {
                "id": item.pk,
                "product_model": item.product_model_id,
                "model_name": item.product_model.name,
                "serial_number": item.serial_number,
                "quantity": item.quantity,
                "received_quantity": item.received_quantity,
                "asset": item.asset.serial_number if item.asset_id else None,
                "warranty_ends_on": warranty_end(item.asset) if item.asset_id else None,
            }
            for item in delivery.items.all()
        ],
        "inspections": [inspection_out(i, delivery) for i in delivery.inspections.all()],
        "allowed_actions": delivery_access.available_actions(user, delivery),
        "activities": timeline.activity_rows(
            selectors.activities_for_user(user=user, delivery=delivery)
        ),
    }


def _get(request: HttpRequest, ref: str) -> Delivery:
    return selectors.delivery_get_for_user(user=request.auth, ref=ref)


def _fresh(request: HttpRequest, obj: Delivery) -> dict:
    return delivery_out(_get(request, str(obj.pk)), request.auth)


class DeliveryListParams(Schema):
    status: choice_of(DeliveryStatus, blank=True) = ""  # type: ignore[valid-type]
    stage: choice_of(DeliveryStage, blank=True) = ""  # type: ignore[valid-type]
    customer: str = Field("", max_length=40)
    contract: str = Field("", max_length=40)
    q: str = Field("", max_length=200)
    limit: Limit = 50
    offset: Offset = 0


@router.post("/deliveries", response={201: DeliveryOut}, openapi_extra=documented(422))
@access(ADD)
def delivery_create(request: HttpRequest, payload: DeliveryIn):
    """Goods delivered under a contract (its number); each item names a product model (its id
    or name) and a serial; the delivery waits for its initial inspection."""
    obj = deliveries.delivery_create(
        by=request.auth,
        contract=payload.contract,
        items=[item.model_dump() for item in payload.items],
        delivery_note_number=payload.delivery_note_number,
        delivered_on=payload.delivered_on,
        notes=payload.notes,
        at=payload.at,
    )
    return Status(201, _fresh(request, obj))


@router.get("/deliveries", response=DeliveryPage)
@access(VIEW)
def delivery_list(request: HttpRequest, params: Query[DeliveryListParams]):
    filters = selectors.DeliveryFilters(
        status=params.status,
        stage=params.stage,
        customer=params.customer,
        contract=params.contract,
        q=params.q,
    )
    qs = selectors.delivery_list(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [
        {
            "id": d.pk,
            "number": d.number,
            "stage": d.stage,
            "status": d.status,
            "contract": d.contract.number,
            "customer": d.customer.code,
            "delivered_on": d.delivered_on,
            "accepted_on": d.accepted_on,
            "created_at": d.created_at,
        }
        for d in result["items"]
    ]
    return result


@router.get("/deliveries/{id}", response=DeliveryOut)
@access(VIEW)
def delivery_detail(request: HttpRequest, id: str):
    return delivery_out(_get(request, id), request.auth)


# The steps: each body's fields are the service's keyword arguments.
add_steps(
    router,
    path="/deliveries",
    steps={"inspect": (deliveries.delivery_inspect, DeliveryInspectIn)},
    subject="delivery",
    load=_get,
    show=_fresh,
    guard=access(INSPECT),
    response=DeliveryOut,
    prefix="delivery",
)
add_steps(
    router,
    path="/deliveries",
    steps={
        "fix": (deliveries.delivery_fix_open, DeliveryFixIn),
        "fixed": (deliveries.delivery_fixed, DeliveryFixedIn),
    },
    subject="delivery",
    load=_get,
    show=_fresh,
    guard=access(FIX),
    response=DeliveryOut,
    prefix="delivery",
)
add_steps(
    router,
    path="/deliveries",
    steps={
        "installed": (deliveries.delivery_installed, DeliveryAtIn),
        "commissioned": (deliveries.delivery_commissioned, DeliveryAtIn),
        "acceptance-test": (deliveries.delivery_acceptance_test, DeliveryAcceptanceTestIn),
    },
    subject="delivery",
    load=_get,
    show=_fresh,
    guard=access(staff_perm("fieldservice.inspect_delivery")),
    response=DeliveryOut,
    prefix="delivery",
)
add_steps(
    router,
    path="/deliveries",
    steps={"sign": (deliveries.delivery_sign, DeliverySignIn)},
    subject="delivery",
    load=_get,
    show=_fresh,
    guard=access(INSPECT),
    response=DeliveryOut,
    prefix="delivery",
)
add_steps(
    router,
    path="/deliveries",
    steps={"cancel": (deliveries.delivery_cancel, DeliveryCancelIn)},
    subject="delivery",
    load=_get,
    show=_fresh,
    guard=access(CHANGE),
    response=DeliveryOut,
    prefix="delivery",
)


@router.post("/deliveries/{id}/dispute", response=DeliveryOut, openapi_extra=documented(409, 422))
@access(staff_perm("fieldservice.inspect_quality"))
def delivery_dispute(
    request: HttpRequest,
    id: str,
    authority: str = Form(..., max_length=200),
    report: File[UploadedFile] = None,
):
    """Dispute a failed professional inspection before an outside authority (multipart: the
    authority's name, and its report as a PDF or image)."""
    obj = deliveries.delivery_dispute(
        delivery=_get(request, id), by=request.auth, authority=authority, report=report
    )
    return _fresh(request, obj)


@router.get("/deliveries/{id}/forms/{form_id}", response={200: None})
@access(VIEW)
def delivery_form(request: HttpRequest, id: str, form_id: int):
    """The inspection's form as a Chinese PDF (a draft until the customer signed it)."""
    delivery = _get(request, id)
    inspection = selectors.inspection_get_for_user(user=request.auth, delivery=delivery, pk=form_id)
    return form_response(inspection)


@router.get("/deliveries/{id}/forms/{form_id}/report", response={200: None})
@access(VIEW)
def delivery_authority_report(request: HttpRequest, id: str, form_id: int):
    """The inspection authority's report attached to a disputed professional inspection."""
    inspection = selectors.inspection_get_for_user(
        user=request.auth, delivery=_get(request, id), pk=form_id
    )
    if not inspection.authority_report:
        raise NotFound(selectors.NOT_FOUND)
    return stored_file_response(inspection.authority_report, name="", content_type="")
