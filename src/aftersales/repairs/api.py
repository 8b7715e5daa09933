"""Repair-order endpoints: thin, the flow lives in repairs.services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from aftersales.accounts.access import is_staff_member
from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.cases import selectors as case_selectors
from aftersales.contracts.entitlement import reason_text
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.core.openapi import optional_body_doc
from aftersales.core.parser import optional_body
from aftersales.registry.models import Asset
from aftersales.repairs import access as repair_access
from aftersales.repairs import selectors, services
from aftersales.repairs.models import RepairOrder
from aftersales.repairs.report import render_report_pdf
from aftersales.repairs.schemas import (
    DecisionIn,
    RepairIn,
    RepairOut,
    RepairStepIn,
    RepairUpdateIn,
    SignOffIn,
    StockPartIn,
    VerifyIn,
)
from aftersales.sla.numbered import is_late

router = Router(tags=["repairs"])

UNKNOWN_SERIAL = _("This serial number is not registered for the case's customer.")
UNKNOWN_ENGINEER = _("Unknown engineer username: %(name)s")


def money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def repair_out(order: RepairOrder, user: Any) -> dict:
    promise = selectors.return_promise(order)
    quote = None
    if order.quoted_at:
        quote = {
            "amount": money(order.quote_amount),
            "sent_at": order.quoted_at,
            "decided_at": order.approval_decided_at,
            "decided_by": order.approval_by_name or None,
            "channel": order.approval_channel or None,
            "refusal_note": order.refusal_note,
            "device_returned_at": order.device_returned_at,
        }
    signed = None
    if order.signed_off_at:
        signed = {
            "at": order.signed_off_at,
            "name": order.signer_name,
            "channel": order.signoff_channel,
            "signature": bool(order.customer_signature),
        }
    return {
        "id": order.pk,
        "number": order.number,
        "case": order.case.number,
        "customer": order.customer.code,
        "serial_number": order.asset.serial_number if order.asset_id else None,
        "status": order.status,
        "service_mode": order.service_mode,
        "fault_category": order.fault_category.code,
        "fault_text": order.fault_text,
        "diagnosis": order.diagnosis,
        "cause": order.cause,
        "decision": order.decision,
        "solution": order.solution,
        "process": order.process,
        "test_results": order.test_results,
        "appointment_at": order.appointment_at,
        "engineers": [u.username for u in order.engineers.all()],
        "entitlement": {
            "status": order.entitlement_status,
            "reason": reason_text(order.entitlement_reason),
        },
        "exclusion": order.exclusion,
        "chargeable": order.chargeable,
        "replacement_proposed": order.replacement_proposed,
        "replacement_reason": order.replacement_reason,
        "parts": [
            {
                "id": p.pk,
                "name": p.name,
                "part_number": p.part_number,
                "quantity": p.quantity,
                "unit_price": money(p.unit_price),
                "amount": money(p.amount),
                "warranty_until": p.warranty_until,
                "from_stock": p.from_stock,
                "warehouse": p.warehouse.code if p.warehouse_id else None,
                "serial": p.serial,
            }
            for p in order.parts.select_related("warehouse")
        ],
        "labour_minutes": order.labour_minutes,
        "travel_mode": order.travel_mode,
        "travel_km": f"{order.travel_km:.1f}",
        "cost": {
            "parts": money(order.parts_cost),
            "labour": money(order.labour_cost),
            "travel": money(order.travel_cost),
            "total": money(order.total_cost),
            "customer_pays": money(order.customer_amount),
        },
        "quote": quote,
        "signed_off": signed,
        "warranty_until": order.warranty_until,
        "received_at": order.received_at,
        "device_returned_at": order.device_returned_at,
        "return_due": promise.due_at if promise else None,
        "returned_late": is_late(promise),
        "report_url": reverse("api:repair_report", args=[order.pk]),
        "allowed_actions": repair_access.available_actions(user, order),
        "events": [
            {
                "at": e.at,
                "actor": str(e.actor) if e.actor_id else None,
                "kind": e.kind,
                "text": e.text,
            }
            for e in timeline.for_subject(
                "repair", order.pk, include_internal=is_staff_member(user)
            )
        ],
    }


def _order(request: HttpRequest, pk: int) -> RepairOrder:
    return selectors.repair_get_for_user(user=request.auth, pk=pk)


def _fresh(request: HttpRequest, order: RepairOrder) -> dict:
    return repair_out(_order(request, order.pk), request.auth)


@router.post("/cases/{number}/repairs", response={201: RepairOut})
@access(staff_perm("repairs.add_repairorder"))
def repair_create(request: HttpRequest, number: str, payload: RepairIn):
    case = case_selectors.case_get_for_user(user=request.auth, number=number)
    # Refused before the serial number is looked up: a wrong role learns nothing from a 422.
    repair_access.can_open.enforce_who(request.auth, case)
    asset = None
    if payload.serial_number:
        asset = Asset.objects.filter(
            customer=case.customer, serial_number__iexact=payload.serial_number.strip()
        ).first()
        if asset is None:
            raise Invalid(UNKNOWN_SERIAL, field="serial_number")
    order = services.repair_create(
        by=request.auth,
        case=case,
        service_mode=payload.service_mode,
        fault_category=payload.fault_category,
        fault_text=payload.fault_text,
        diagnosis=payload.diagnosis,
        asset=asset,
    )
    return Status(201, _fresh(request, order))


@router.get("/repairs/{int:pk}", response=RepairOut)
@access(scoped("repairs.view_repairorder"))
def repair_detail(request: HttpRequest, pk: int):
    return repair_out(_order(request, pk), request.auth)


@router.patch("/repairs/{int:pk}", response=RepairOut)
@access(staff_perm("repairs.change_repairorder"))
def repair_update(request: HttpRequest, pk: int, payload: RepairUpdateIn):
    order = _order(request, pk)
    data = payload.dict(exclude_unset=True)
    engineers = None
    if "engineers" in data:
        names = data.pop("engineers") or []
        users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        missing = [n for n in names if n not in users]
        if missing:
            raise Invalid(UNKNOWN_ENGINEER % {"name": ", ".join(missing)}, field="engineers")
        engineers = [users[n] for n in names]
    parts = data.pop("parts", None)
    order = services.repair_update(
        by=request.auth, order=order, parts=parts, engineers=engineers, **data
    )
    return _fresh(request, order)


@router.post("/repairs/{int:pk}/quote", response=RepairOut)
@access(staff_perm("repairs.change_repairorder"))
def repair_quote(request: HttpRequest, pk: int):
    return _fresh(request, services.repair_quote(by=request.auth, order=_order(request, pk)))


def _optional_body(request: HttpRequest, schema: type[Schema]) -> Schema:
    """Parse a body that may be absent altogether, by the API's own rules (core.parser)."""
    return optional_body(request, schema)


def _decide(request: HttpRequest, pk: int, approve: bool) -> dict:
    payload = _optional_body(request, DecisionIn)
    order = services.repair_quote_decide(
        by=request.auth,
        order=_order(request, pk),
        approve=approve,
        name=payload.name,
        decided_at=payload.decided_at,
        note=payload.note,
    )
    return _fresh(request, order)


@router.post(
    "/repairs/{int:pk}/approve-quote",
    response=RepairOut,
    openapi_extra=optional_body_doc(DecisionIn),
)
@access(scoped("repairs.record_quote_approval"))
def repair_approve_quote(request: HttpRequest, pk: int):
    return _decide(request, pk, True)


@router.post(
    "/repairs/{int:pk}/refuse-quote",
    response=RepairOut,
    openapi_extra=optional_body_doc(DecisionIn),
)
@access(scoped("repairs.record_quote_approval"))
def repair_refuse_quote(request: HttpRequest, pk: int):
    return _decide(request, pk, False)


@router.post("/repairs/{int:pk}/start", response=RepairOut)
@access(staff_perm("repairs.change_repairorder"))
def repair_start(request: HttpRequest, pk: int):
    return _fresh(request, services.repair_start(by=request.auth, order=_order(request, pk)))


@router.post("/repairs/{int:pk}/verify", response=RepairOut)
@access(staff_perm("repairs.change_repairorder"))
def repair_verify(request: HttpRequest, pk: int, payload: VerifyIn):
    order = services.repair_verify(
        by=request.auth,
        order=_order(request, pk),
        test_results=payload.test_results,
        signature=payload.signature,
    )
    return _fresh(request, order)


@router.post(
    "/repairs/{int:pk}/sign-off", response=RepairOut, openapi_extra=optional_body_doc(SignOffIn)
)
@access(scoped("repairs.change_repairorder"))
def repair_sign_off(request: HttpRequest, pk: int):
    payload = _optional_body(request, SignOffIn)
    order = services.repair_sign_off(
        by=request.auth, order=_order(request, pk), name=payload.name, signature=payload.signature
    )
    return _fresh(request, order)


@router.post("/repairs/{int:pk}/cancel", response=RepairOut)
@access(staff_perm("repairs.change_repairorder"))
def repair_cancel(request: HttpRequest, pk: int):
    return _fresh(request, services.repair_cancel(by=request.auth, order=_order(request, pk)))


@router.post(
    "/repairs/{int:pk}/receive", response=RepairOut, openapi_extra=optional_body_doc(RepairStepIn)
)
@access(staff_perm("repairs.change_repairorder"))
def repair_receive(request: HttpRequest, pk: int):
    """Carry-in: the service centre received the product; `return_due` is 72 hours later."""
    payload = _optional_body(request, RepairStepIn)
    order = services.repair_receive(by=request.auth, order=_order(request, pk), at=payload.at)
    return _fresh(request, order)


@router.post(
    "/repairs/{int:pk}/return-device",
    response=RepairOut,
    openapi_extra=optional_body_doc(RepairStepIn),
)
@access(staff_perm("repairs.change_repairorder"))
def repair_return_device(request: HttpRequest, pk: int):
    """Carry-in: the repaired device went back to the customer; `returned_late` says how."""
    payload = _optional_body(request, RepairStepIn)
    order = services.repair_return_device(by=request.auth, order=_order(request, pk), at=payload.at)
    return _fresh(request, order)


@router.post("/repairs/{int:pk}/parts", response={201: RepairOut})
@access(staff_perm("repairs.change_repairorder"))
def repair_part_draw(request: HttpRequest, pk: int, payload: StockPartIn):
    """Draw a part from a warehouse's stock (409 when no unit is available)."""
    order = _order(request, pk)
    services.repair_part_draw(
        by=request.auth,
        order=order,
        warehouse=payload.warehouse,
        part_number=payload.part_number,
        quantity=payload.quantity,
        serial=payload.serial,
    )
    return Status(201, _fresh(request, order))


@router.post("/repairs/{int:pk}/parts/{int:part_id}/return", response=RepairOut)
@access(staff_perm("repairs.change_repairorder"))
def repair_part_return(request: HttpRequest, pk: int, part_id: int):
    """Put an unverified part drawn from stock back into its warehouse."""
    order = services.repair_part_return(by=request.auth, order=_order(request, pk), part_id=part_id)
    return _fresh(request, order)


@router.get("/repairs/{int:pk}/report.pdf", url_name="repair_report")
@access(scoped("repairs.view_repairorder"))
def repair_report(request: HttpRequest, pk: int):
    """The archived report once signed off; before that a draft rendered on the fly."""
    order = _order(request, pk)
    return report_response(order)


def report_response(order: RepairOrder) -> HttpResponse:
    if order.report_id:
        with order.report.file.open("rb") as fh:
            pdf = fh.read()
    else:
        pdf = render_report_pdf(order)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response
