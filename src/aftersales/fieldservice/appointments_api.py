"""Field service endpoints (contract.md, "Field service"): thin; the flow lives in services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from aftersales.accounts.endpoint_access import PUBLIC, access, scoped, staff_perm
from aftersales.core import timeline
from aftersales.core.openapi import documented
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.schema_types import Date, DateTime, ShortText, StrictInt, choice_of
from aftersales.core.uploads import stored_file_response
from aftersales.fieldservice import appointment_access as access_rules
from aftersales.fieldservice import appointment_parts, appointments, dispatch, job_photos
from aftersales.fieldservice import appointment_selectors as selectors
from aftersales.fieldservice.appointment_schemas import (
    AppointmentCancelIn,
    AppointmentIn,
    AppointmentOut,
    AppointmentPage,
    ChooseIn,
    DispatchAssignIn,
    JobPhotoOut,
    LinkOut,
    MoveIn,
    ProposalIn,
    ProposeIn,
    RescheduleIn,
    StepIn,
    SuggestionOut,
)
from aftersales.fieldservice.models import Appointment, AppointmentStatus, JobPhoto

router = Router(tags=["field service"])

VIEW = scoped(access_rules.VIEW)
ADD = staff_perm(access_rules.ADD)
CHANGE = staff_perm(access_rules.CHANGE)
CHOOSE = scoped(access_rules.CHANGE)
WORK = staff_perm(access_rules.VIEW)


def slot_rows(obj: Appointment) -> list[dict]:
    return [
        {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at, "chosen": s.chosen}
        for s in obj.slots.all()
    ]


def appointment_out(obj: Appointment, user: Any) -> dict:
    return {
        "id": obj.pk,
        "engineer": obj.engineer.username,
        "engineer_name": str(obj.engineer),
        "starts_at": obj.starts_at,
        "ends_at": obj.ends_at,
        "kind": obj.kind,
        "status": obj.status,
        "case": obj.case.number if obj.case_id else None,
        "visit": obj.visit_id,
        "delivery": obj.delivery_id,
        "repair": obj.repair_order_id,
        "customer": obj.customer.code if obj.customer_id else None,
        "site": obj.site_id,
        "region": obj.region,
        "address": obj.address,
        "notes": obj.notes,
        "departed_at": obj.departed_at,
        "arrived_at": obj.arrived_at,
        "finished_at": obj.finished_at,
        "slots": slot_rows(obj),
        "photos": [photo_out(p) for p in obj.photos.all()],
        "allowed_actions": access_rules.available_actions(user, obj),
        "activities": timeline.activity_rows(
            selectors.activities_for_user(user=user, appointment=obj)
        ),
    }


def photo_out(photo: JobPhoto) -> dict:
    return {
        "id": photo.pk,
        "name": photo.name,
        "caption": photo.caption,
        "content_type": photo.content_type,
        "size": photo.size,
        "uploaded_at": photo.uploaded_at,
        "url": f"/api/v1/appointments/{photo.appointment_id}/photos/{photo.pk}",
    }


def _get(request: HttpRequest, pk: int) -> Appointment:
    return selectors.appointment_get_for_user(user=request.auth, pk=pk)


def _fresh(request: HttpRequest, obj: Appointment) -> dict:
    return appointment_out(_get(request, obj.pk), request.auth)


class AppointmentListParams(Schema):
    engineer: str = Field("", max_length=150)
    date_from: Date | None = None
    date_to: Date | None = None
    case: str = Field("", max_length=32)
    customer: str = Field("", max_length=40)
    status: choice_of(AppointmentStatus, blank=True) = ""  # type: ignore[valid-type]
    limit: Limit = 50
    offset: Offset = 0


@router.post("/appointments", response={201: AppointmentOut}, openapi_extra=documented(409, 422))
@access(ADD)
def appointment_create(request: HttpRequest, payload: AppointmentIn):
    """Book an engineer. A retry with the same `client_key` (or `Idempotency-Key` header)
    returns the first booking; an overlap or impossible travel is refused with 409."""
    key = payload.client_key or request.headers.get("Idempotency-Key", "")
    obj, _created = appointments.appointment_book(
        by=request.auth,
        engineer=payload.engineer,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        case=payload.case or "",
        customer=payload.customer or "",
        site=payload.site,
        address=payload.address,
        notes=payload.notes,
        client_key=key,
        visit=payload.visit,
        delivery=payload.delivery,
        repair=payload.repair,
    )
    return Status(201, _fresh(request, obj))


@router.get("/appointments", response=AppointmentPage)
@access(VIEW)
def appointment_list(request: HttpRequest, params: Query[AppointmentListParams]):
    filters = selectors.AppointmentFilters(
        engineer=params.engineer,
        date_from=params.date_from,
        date_to=params.date_to,
        case=params.case,
        customer=params.customer,
        status=params.status,
    )
    qs = selectors.appointment_list(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [
        {
            "id": a.pk,
            "engineer": a.engineer.username,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "kind": a.kind,
            "status": a.status,
            "case": a.case.number if a.case_id else None,
            "customer": a.customer.code if a.customer_id else None,
            "address": a.address,
        }
        for a in result["items"]
    ]
    return result


@router.post(
    "/appointments/proposals", response={201: AppointmentOut}, openapi_extra=documented(409, 422)
)
@access(ADD)
def appointment_proposal_create(request: HttpRequest, payload: ProposalIn):
    """A new appointment offered to the customer in two or three slots; the link goes out."""
    obj = appointments.appointment_propose_new(
        by=request.auth,
        engineer=payload.engineer,
        slots=[(s.starts_at, s.ends_at) for s in payload.slots],
        case=payload.case or "",
        customer=payload.customer or "",
        site=payload.site,
        address=payload.address,
        notes=payload.notes,
    )
    return Status(201, _fresh(request, obj))


@router.get("/appointments/{pk}", response=AppointmentOut)
@access(VIEW)
def appointment_detail(request: HttpRequest, pk: int):
    return appointment_out(_get(request, pk), request.auth)


@router.post(
    "/appointments/{pk}/cancel", response=AppointmentOut, openapi_extra=documented(409, 422)
)
@access(CHANGE)
def appointment_cancel(request: HttpRequest, pk: int, payload: AppointmentCancelIn):
    obj = appointments.appointment_cancel(
        appointment=_get(request, pk), by=request.auth, reason=payload.reason
    )
    return _fresh(request, obj)


@router.post("/appointments/{pk}/move", response=AppointmentOut, openapi_extra=documented(409, 422))
@access(CHANGE)
def appointment_move(request: HttpRequest, pk: int, payload: MoveIn):
    obj = appointments.appointment_move(
        appointment=_get(request, pk),
        by=request.auth,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        engineer=payload.engineer,
    )
    return _fresh(request, obj)


@router.post(
    "/appointments/{pk}/propose", response=AppointmentOut, openapi_extra=documented(409, 422)
)
@access(CHANGE)
def appointment_propose(request: HttpRequest, pk: int, payload: ProposeIn):
    obj = appointments.appointment_propose(
        appointment=_get(request, pk),
        by=request.auth,
        slots=[(s.starts_at, s.ends_at) for s in payload.slots],
    )
    return _fresh(request, obj)


@router.post(
    "/appointments/{pk}/choose", response=AppointmentOut, openapi_extra=documented(409, 422)
)
@access(CHOOSE)
def appointment_choose(request: HttpRequest, pk: int, payload: ChooseIn):
    """Pick one of the proposed slots (the customer's contact, or the seat for them)."""
    obj = appointments.appointment_choose(
        appointment=_get(request, pk), by=request.auth, slot_id=payload.slot
    )
    return _fresh(request, obj)


@router.post(
    "/appointments/{pk}/reschedule", response=AppointmentOut, openapi_extra=documented(409, 422)
)
@access(CHOOSE)
def appointment_reschedule(request: HttpRequest, pk: int, payload: RescheduleIn):
    """The customer asks for other times."""
    obj = appointments.appointment_ask_reschedule(
        appointment=_get(request, pk), by=request.auth, text=payload.text
    )
    return _fresh(request, obj)


def _step_endpoint(step: str) -> None:
    @router.post(
        f"/appointments/{{pk}}/{step}",
        response=AppointmentOut,
        openapi_extra=documented(409, 422),
        operation_id=f"appointment_{step}",
    )
    @access(WORK)
    def endpoint(request: HttpRequest, pk: int, payload: StepIn):
        obj = appointments.appointment_step(
            appointment=_get(request, pk),
            by=request.auth,
            step=step,
            at=payload.at,
            text=payload.text,
            client_key=payload.client_key or request.headers.get("Idempotency-Key", ""),
        )
        return _fresh(request, obj)

    endpoint.__doc__ = (
        f"The engineer's onsite step “{step}” (a retry with the same key is a no-op)."
    )


for _step in appointments.STEPS:
    _step_endpoint(_step)


class PartUseIn(Schema):
    part_number: ShortText = Field(..., min_length=1)
    quantity: StrictInt = 1
    serial: ShortText = ""


class PartUsedOut(Schema):
    part_number: str
    name: str
    quantity: int
    warehouse: str
    serial: str
    at: DateTime


def _part_out(move: Any) -> dict:
    return {
        "part_number": move.part.part_number,
        "name": move.part.name,
        "quantity": move.quantity,
        "warehouse": move.warehouse.code,
        "serial": move.serial,
        "at": move.at,
    }


@router.post(
    "/appointments/{pk}/parts",
    response={201: list[PartUsedOut]},
    openapi_extra=documented(409, 422),
)
@access(WORK)
def appointment_use_part(request: HttpRequest, pk: int, payload: PartUseIn):
    """A part used on the job, booked from the engineer's car stock; returns all used so far."""
    obj = _get(request, pk)
    appointment_parts.appointment_use_part(
        appointment=obj,
        by=request.auth,
        part_number=payload.part_number,
        quantity=payload.quantity,
        serial=payload.serial,
    )
    return Status(201, [_part_out(m) for m in appointment_parts.parts_used(obj)])


@router.get("/appointments/{pk}/parts", response=list[PartUsedOut])
@access(VIEW)
def appointment_parts_used(request: HttpRequest, pk: int):
    """The parts used on the job."""
    return [_part_out(m) for m in appointment_parts.parts_used(_get(request, pk))]


@router.post(
    "/appointments/{pk}/photos",
    response={200: JobPhotoOut, 201: JobPhotoOut},
    openapi_extra=documented(409, 422),
)
@access(WORK)
def appointment_photo_add(
    request: HttpRequest,
    pk: int,
    file: File[UploadedFile],
    caption: str = Form("", max_length=200),
    client_key: str = Form("", max_length=64),
):
    """A photo taken on the job (PNG, JPG or GIF). A retry with the same `client_key` (or
    `Idempotency-Key` header) returns the first photo with 200."""
    photo, created = job_photos.job_photo_add(
        appointment=_get(request, pk),
        by=request.auth,
        file=file,
        caption=caption,
        client_key=client_key or request.headers.get("Idempotency-Key", "")[:64],
    )
    return Status(201 if created else 200, photo_out(photo))


@router.get("/appointments/{pk}/photos/{photo_id}", response={200: None})
@access(VIEW)
def appointment_photo_file(request: HttpRequest, pk: int, photo_id: int):
    """The photo itself, as a download."""
    photo = job_photos.photo_of(_get(request, pk), photo_id)
    return stored_file_response(photo.file, name=photo.name, content_type=photo.content_type)


class SuggestParams(Schema):
    # Required, but said by the selector (422 naming the field) once the caller may ask.
    starts_at: DateTime | None = None
    ends_at: DateTime | None = None
    case: str = Field("", max_length=32)
    region: str = Field("", max_length=20)
    skill: str = Field("", max_length=40)


@router.get("/dispatch/suggestions", response=list[SuggestionOut], openapi_extra=documented(422))
@access(WORK)
def dispatch_suggestions(request: HttpRequest, params: Query[SuggestParams]):
    """The nearest qualified free engineers for the slot (a case's region first)."""
    rows = dispatch.suggest_for(
        user=request.auth,
        starts_at=params.starts_at,
        ends_at=params.ends_at,
        case=params.case,
        region=params.region,
        skill=params.skill,
    )
    return [
        {
            "engineer": r.user.username,
            "name": r.name,
            "region": r.region,
            "load": r.load,
            "same_region": r.same_region,
        }
        for r in rows
    ]


@router.post("/dispatch/assign", response={201: AppointmentOut}, openapi_extra=documented(409, 422))
@access(ADD)
def dispatch_assign(request: HttpRequest, payload: DispatchAssignIn):
    """Assign the case to the engineer and book them for the slot, in one transaction."""
    obj, _created = appointments.appointment_book(
        by=request.auth,
        engineer=payload.engineer,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        case=payload.case,
        client_key=payload.client_key or request.headers.get("Idempotency-Key", ""),
        assign_case=True,
    )
    return Status(201, _fresh(request, obj))


def _link_out(obj: Appointment) -> dict:
    return {
        "status": obj.status,
        "customer": obj.customer.name if obj.customer_id else None,
        "engineer_name": str(obj.engineer),
        "slots": slot_rows(obj),
    }


@router.get("/appointment-links/{token}", response=LinkOut, auth=None)
@access(PUBLIC)
def appointment_link(request: HttpRequest, token: str):
    """What the customer's signed link offers (no login)."""
    return _link_out(appointments.appointment_for_link(token))


@router.post(
    "/appointment-links/{token}/choose",
    response=LinkOut,
    auth=None,
    openapi_extra=documented(404, 409, 422),
)
@access(PUBLIC)
def appointment_link_choose(request: HttpRequest, token: str, payload: ChooseIn):
    """The customer picks a slot through the signed link (no login)."""
    obj = appointments.appointment_choose(
        appointment=appointments.appointment_for_link(token), slot_id=payload.slot
    )
    return _link_out(obj)
