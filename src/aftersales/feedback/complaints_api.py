"""The complaint endpoints (contract.md, "Customer voice") and service supervision's quality
checks: thin, the flow lives in feedback.complaints and feedback.quality."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.core import timeline
from aftersales.core.api_steps import add_steps
from aftersales.core.openapi import documented
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.schema_types import choice_of
from aftersales.feedback import complaint_access, complaints, quality
from aftersales.feedback import complaint_promises as promises
from aftersales.feedback import complaint_selectors as selectors
from aftersales.feedback.complaint_schemas import (
    ComplaintAnswerIn,
    ComplaintAtIn,
    ComplaintCaseIn,
    ComplaintIn,
    ComplaintInformIn,
    ComplaintOut,
    ComplaintPage,
    ComplaintResolveIn,
    ComplaintVerifyIn,
    QualityCheckIn,
    QualityCheckOut,
    QualityCheckPage,
)
from aftersales.feedback.complaint_sheet import sheet_response
from aftersales.feedback.models import CheckMethod, CheckSubject, Complaint, ComplaintStatus

router = Router(tags=["complaints"])

VIEW = scoped(complaint_access.VIEW)
RECEIVE = scoped(complaint_access.ADD)
HANDLE = staff_perm(complaint_access.HANDLE)
ANSWER = staff_perm(complaint_access.ANSWER)
SHEET = staff_perm(complaint_access.VIEW)


def complaint_out(complaint: Complaint, user: Any) -> dict:
    rows = selectors.promise_rows(complaint, timezone.now())
    by_target = {row["target"]: row for row in rows}

    def of(target: str, key: str) -> Any:
        return by_target[target][key] if target in by_target else None

    internal = complaint_access.can_see_internal(user, complaint)
    who = selectors.complainant(user, complaint)
    fields = [
        "number", "status", "channel", "department", "text", "anonymous", "received_at",
        "answered_at", "informed_at", "customer_accepted", "resolved_at", "verified_at",
        "satisfied", "resent_count", "closed_at",
    ]  # fmt: skip
    hidden = ["answer", "result", "corrective_actions", "accountable", "verification_note"]
    return {
        **{name: getattr(complaint, name) for name in fields},
        **{name: getattr(complaint, name) if internal else "" for name in hidden},
        "customer": complaint.customer.code,
        "contact": who["contact"],
        "complainant_name": who["name"],
        "complainant_phone": who["phone"],
        "answer_due_at": of(promises.ANSWER, "due_at"),
        "settle_due_at": of(promises.SETTLE, "due_at"),
        "answered_late": of(promises.ANSWER, "late"),
        "settled_late": of(promises.SETTLE, "late"),
        "cases": [c.number for c in selectors.linked_cases(user, complaint)],
        "promises": rows,
        "allowed_actions": complaint_access.available_actions(user, complaint),
        "activities": timeline.activity_rows(
            selectors.activities_for_user(user=user, complaint=complaint)
        ),
    }


def _get(request: HttpRequest, number: str) -> Complaint:
    return selectors.complaint_get_for_user(user=request.auth, number=number)


def _fresh(request: HttpRequest, obj: Complaint) -> dict:
    return complaint_out(_get(request, obj.number), request.auth)


class ComplaintListParams(Schema):
    status: choice_of(ComplaintStatus, blank=True) = ""  # type: ignore[valid-type]
    customer: str = Field("", max_length=40)
    overdue: bool | None = None
    q: str = Field("", max_length=200)
    limit: Limit = 50
    offset: Offset = 0


@router.post("/complaints", response={201: ComplaintOut}, openapi_extra=documented(422))
@access(RECEIVE)
def complaint_create(request: HttpRequest, payload: ComplaintIn):
    """File a complaint: its tracking sheet goes to the department at once; the 2-hour answer
    and the 15-day settlement run from `at` (default now). A contact files for their own
    customer only."""
    obj = complaints.complaint_receive(
        by=request.auth,
        customer=payload.customer,
        text=payload.text,
        channel=payload.channel,
        department=payload.department,
        cases=[payload.case] if payload.case else [],
        contact=payload.contact,
        complainant_name=payload.complainant_name,
        complainant_phone=payload.complainant_phone,
        anonymous=payload.anonymous,
        at=payload.at,
    )
    return Status(201, _fresh(request, obj))


@router.get("/complaints", response=ComplaintPage)
@access(VIEW)
def complaint_list(request: HttpRequest, params: Query[ComplaintListParams]):
    filters = selectors.ComplaintFilters(
        status=params.status, customer=params.customer, overdue=params.overdue, q=params.q
    )
    qs = selectors.complaint_list(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [
        {
            "number": c.number,
            "status": c.status,
            "customer": c.customer.code,
            "channel": c.channel,
            "department": c.department,
            "anonymous": c.anonymous,
            "resent_count": c.resent_count,
            "received_at": c.received_at,
            "next_due_at": c.next_due_at,
            "closed_at": c.closed_at,
        }
        for c in result["items"]
    ]
    return result


@router.get("/complaints/{number}", response=ComplaintOut)
@access(VIEW)
def complaint_detail(request: HttpRequest, number: str):
    return complaint_out(_get(request, number), request.auth)


@router.get("/complaints/{number}/sheet.pdf", response={200: None})
@access(SHEET)
def complaint_sheet(request: HttpRequest, number: str):
    """The tracking sheet (《投诉跟踪单》) as a Chinese PDF; 503 when the server lacks a
    Chinese font."""
    return sheet_response(_get(request, number), request.auth)


# The steps: each body's fields are the service's keyword arguments.
add_steps(
    router,
    path="/complaints",
    steps={
        "answer": (complaints.complaint_answer, ComplaintAnswerIn),
        "resolve": (complaints.complaint_resolve, ComplaintResolveIn),
    },
    subject="complaint",
    load=_get,
    show=_fresh,
    guard=access(ANSWER),
    response=ComplaintOut,
    prefix="complaint",
)
add_steps(
    router,
    path="/complaints",
    steps={
        "inform": (complaints.complaint_inform, ComplaintInformIn),
        "verify": (complaints.complaint_verify, ComplaintVerifyIn),
        "close": (complaints.complaint_close, ComplaintAtIn),
    },
    subject="complaint",
    load=_get,
    show=_fresh,
    guard=access(HANDLE),
    response=ComplaintOut,
    prefix="complaint",
)


@router.post(
    "/complaints/{number}/cases", response=ComplaintOut, openapi_extra=documented(409, 422)
)
@access(HANDLE)
def complaint_link_case(request: HttpRequest, number: str, payload: ComplaintCaseIn):
    """Link one of the customer's cases to the complaint."""
    obj = complaints.complaint_link_case(
        complaint=_get(request, number), by=request.auth, case=payload.case
    )
    return _fresh(request, obj)


@router.delete(
    "/complaints/{number}/cases/{case}", response=ComplaintOut, openapi_extra=documented(409, 422)
)
@access(HANDLE)
def complaint_unlink_case(request: HttpRequest, number: str, case: str):
    """Unlink a case linked by mistake."""
    obj = complaints.complaint_unlink_case(
        complaint=_get(request, number), by=request.auth, case=case
    )
    return _fresh(request, obj)


# --- service supervision ---------------------------------------------------------------------


def quality_out(check: Any, labels: dict[int, str]) -> dict:
    return {
        "id": check.pk,
        "subject_kind": check.subject_kind,
        "subject": labels.get(check.pk, ""),
        "customer": check.customer.code,
        "method": check.method,
        "score": check.score,
        "person_checked": check.person_checked.username if check.person_checked else None,
        "findings": check.findings,
        "checked_at": check.checked_at,
        "checked_by": check.checked_by.username,
    }


class QualityListParams(Schema):
    subject_kind: choice_of(CheckSubject, blank=True) = ""  # type: ignore[valid-type]
    method: choice_of(CheckMethod, blank=True) = ""  # type: ignore[valid-type]
    person: str = Field("", max_length=150)
    limit: Limit = 50
    offset: Offset = 0


@router.post(
    "/quality-checks",
    response={201: QualityCheckOut},
    openapi_extra=documented(422),
    tags=["quality checks"],
)
@access(staff_perm(quality.ADD))
def quality_check_create(request: HttpRequest, payload: QualityCheckIn):
    """Record a sampled quality check of a closed case (`subject`: its number) or a callback
    (`subject`: its id); `person_checked` defaults to the engineer or the agent."""
    check = quality.quality_check_record(by=request.auth, **payload.model_dump())
    check = quality.quality_checks_for_user(
        user=request.auth, filters=quality.QualityFilters()
    ).get(pk=check.pk)
    return Status(201, quality_out(check, quality.subject_labels([check])))


@router.get("/quality-checks", response=QualityCheckPage, tags=["quality checks"])
@access(staff_perm(quality.VIEW))
def quality_check_list(request: HttpRequest, params: Query[QualityListParams]):
    filters = quality.QualityFilters(
        subject_kind=params.subject_kind, method=params.method, person=params.person
    )
    qs = quality.quality_checks_for_user(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    checks = list(result["items"])
    labels = quality.subject_labels(checks)
    result["items"] = [quality_out(c, labels) for c in checks]
    return result
