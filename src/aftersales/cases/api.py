"""Case endpoints of contract.md: thin, the workflow lives in services."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.accounts.models import User
from aftersales.cases import export, organize, selectors, services, similar
from aftersales.cases.models import Case
from aftersales.cases.schemas import (
    ApprovalIn,
    AssignIn,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CasePage,
    CommentIn,
    EscalateIn,
    OnsiteIn,
    OptionalTextIn,
    SimilarOut,
    TextIn,
    VersionIn,
)
from aftersales.cases.services.comments import NO_SOLUTION
from aftersales.contracts.entitlement import reason_text
from aftersales.core import timeline
from aftersales.core.errors import Invalid, NotFound
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.parser import optional_body
from aftersales.core.schema_types import DateTime, SearchText, ShortText
from aftersales.registry import selectors as registry_selectors
from aftersales.registry.models import Contact, Vendor

router = Router(tags=["cases"])

# Bodies that may be left out entirely, documented by hand since ninja cannot express that.
_OPTIONAL_VERSION_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"version": {"type": "integer"}}}
            }
        },
    }
}
_ONSITE_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "text": {"type": "string"},
                        "version": {"type": "integer"},
                    },
                }
            }
        },
    }
}
_OPTIONAL_TEXT_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"text": {"type": "string"}, "version": {"type": "integer"}},
                }
            }
        },
    }
}


class CaseFilterParams(Schema):
    status: str = Field("", max_length=20, description="A status, or `open`.")
    priority: str = Field("", max_length=2)
    customer: str = Field("", max_length=40)
    case_type: str = Field("", max_length=40)
    vendor: ShortText = ""
    assignee: str = Field("", max_length=150)
    created_after: DateTime | None = None
    created_before: DateTime | None = None
    q: SearchText = ""
    queue: str = Field("", max_length=20)
    sort: str = Field("", pattern="^(|due)$")
    tag: str = Field("", max_length=40, description="A tag's name (staff only).")
    contract: str = Field("", max_length=40, description="A contract number.")
    region: str = Field("", max_length=20, description="The customer's region.")
    team: str = Field("", max_length=40, description="The assignee's team.")
    product: str = Field("", max_length=120, description="A product model or product line.")


class CaseListParams(CaseFilterParams):
    limit: Limit = 50
    offset: Offset = 0


class CaseExportParams(CaseFilterParams):
    format: str = Field("csv", pattern="^(csv|xlsx)$", description="`csv` or `xlsx`.")


def case_out(case: Case, user: User) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "description": case.description,
        "status": case.status,
        "priority": case.priority,
        "case_type": case.case_type.code,
        "channel": case.channel,
        "service_mode": case.service_mode,
        "customer": case.customer.code,
        "contact": case.contact.name if case.contact_id else None,
        "caller_name": case.caller_name,
        "caller_phone": case.caller_phone,
        "serial_number": case.serial_number,
        "vendor": case.vendor.name if case.vendor_id else None,
        "assignee": case.assignee.username if case.assignee_id else None,
        "participants": [u.username for u in case.participants.all()],
        "is_major": case.is_major,
        "version": case.version,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "responded_at": case.responded_at,
        "diagnosed_at": case.diagnosed_at,
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
        "resolution": case.resolution,
        "sla": {
            "calendar": case.sla_calendar,
            "response_due_at": case.response_due_at,
            "diagnosis_due_at": case.diagnosis_due_at,
            "resolution_due_at": case.resolution_due_at,
        },
        "entitlement": {
            "status": case.entitlement_status,
            "reason": reason_text(case.entitlement_reason),
        },
        "allowed_actions": selectors.available_actions(user=user, case=case),
        "tags": [t.name for t in organize.case_tags(user=user, case=case)],
        "merged_into": organize.merged_into_number(case),
    }


def _detail(request: HttpRequest, number: str) -> dict:
    case = selectors.case_get_for_user(user=request.auth, number=number)
    data = case_out(case, request.auth)
    data["activities"] = timeline.activity_rows(
        selectors.activities_for_user(user=request.auth, case=case)
    )
    return data


def _contact(customer, value: int | str | None) -> Contact | None:
    if value in (None, ""):
        return None
    contacts = Contact.objects.filter(customer=customer, is_active=True)
    if isinstance(value, int):
        contact = contacts.filter(pk=value).first()
    else:
        from aftersales.lib.phones import normalize_phone

        contact = (
            contacts.filter(phone_normalized=normalize_phone(value)).first()
            or contacts.filter(name=value).first()
        )
    if contact is None:
        raise Invalid(services.UNKNOWN_CONTACT, field="contact")
    return contact


@router.post("/cases", response={201: CaseOut})
@access(scoped("cases.add_case"))
def case_create(request: HttpRequest, payload: CaseIn):
    customer = registry_selectors.customer_get_for_user(user=request.auth, code=payload.customer)
    case = services.case_create(
        by=request.auth,
        customer=customer,
        title=payload.title,
        description=payload.description,
        priority=payload.priority,
        case_type=payload.case_type,
        channel=payload.channel,
        service_mode=payload.service_mode,
        serial_number=payload.serial_number or "",
        contact=_contact(customer, payload.contact),
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        fault_symptom=payload.fault_symptom,
        is_major=payload.is_major,
    )
    # The service's case has its customer, contact, type and vendor loaded: no reload. Its
    # one activity ("created") is left to GET /cases/{number}, as on every list.
    return Status(201, case_out(case, request.auth))


@router.get("/cases", response=CasePage)
@access(scoped("cases.view_case"))
def case_list(request: HttpRequest, params: Query[CaseListParams]):
    filters = selectors.CaseFilters(**params.dict(exclude={"limit", "offset"}))
    qs = (
        selectors.case_search(user=request.auth, filters=filters)
        .select_related("contact")
        .prefetch_related("participants", "approvals")
    )
    result = page(
        request, qs, limit=params.limit, offset=params.offset, count_cap=selectors.CASE_COUNT_CAP
    )
    organize.with_tags(result["items"], user=request.auth)  # one query each, not per row
    organize.with_merged_into(result["items"])
    result["items"] = [case_out(c, request.auth) for c in result["items"]]
    return result


_EXPORT_DESCRIPTION = (
    "The list's cases (same filters and order) as a CSV (UTF-8 with BOM) or XLSX file, "
    f"streamed; at most {selectors.CASE_EXPORT_CAP:,} rows, the last row saying so when cut "
    "short (header `X-Export-Cap`). Staff only."
)


# Before /cases/{number}, which would read "export" as a case number.
@router.get("/cases/export", description=_EXPORT_DESCRIPTION)
@access(staff_perm("cases.view_case"))
def case_export(request: HttpRequest, params: Query[CaseExportParams]):
    filters = selectors.CaseFilters(**params.dict(exclude={"format"}))
    qs = selectors.case_export(user=request.auth, filters=filters)
    name = f"cases-{timezone.localtime():%Y%m%d-%H%M}"
    return export.export_response(qs, fmt=params.format, filename=name)


@router.get("/cases/{number}", response=CaseDetailOut)
@access(scoped("cases.view_case"))
def case_detail(request: HttpRequest, number: str):
    return _detail(request, number)


class SimilarParams(Schema):
    limit: int = Field(10, ge=1, le=50)


_SIMILAR_DESCRIPTION = (
    "Earlier cases and knowledge articles like this one, most alike first. Cases share words "
    "of the title and fault symptom with it. Staff get them ranked by the knowledge search "
    "(the same order and scores on every database; synonyms count), the same product model "
    "weighing a fifth more; customers get the newest 2,000 such earlier cases of their own "
    "ranked on words they may see. `terms`: the words that matched. `articles`: "
    "knowledge articles the caller may read that match the case's title and fault symptom "
    "(id, title, score, snippet, terms, url)."
)


@router.get("/cases/{number}/similar", response=SimilarOut, description=_SIMILAR_DESCRIPTION)
@access(scoped("cases.view_case"))
def case_similar(request: HttpRequest, number: str, params: Query[SimilarParams]):
    case = selectors.case_get_for_user(user=request.auth, number=number)
    found = similar.similar_cases(user=request.auth, case=case, limit=params.limit)
    articles = similar.similar_articles(user=request.auth, case=case, limit=params.limit)
    return {"cases": [_similar_out(c) for c in found], "articles": articles}


def _similar_out(case: Case) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "priority": case.priority,
        "customer": case.customer.code,
        "case_type": case.case_type.code,
        "created_at": case.created_at,
        "resolved_at": case.resolved_at,
        # Customer-visible: a contact reads the solution on the case itself too.
        "resolution": case.resolution,
        "score": case.score,
        "terms": getattr(case, "terms", []),
    }


def _visible(request: HttpRequest, number: str) -> Case:
    return selectors.case_get_for_user(user=request.auth, number=number)


def _staff_user(username: str, field: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise Invalid(services.NOT_AN_ENGINEER, field=field)
    return user


@router.post("/cases/{number}/assign", response=CaseDetailOut)
@access(staff_perm("cases.assign_case"))
def case_assign(request: HttpRequest, number: str, payload: AssignIn):
    services.case_assign(
        case=_visible(request, number),
        engineer=_staff_user(payload.engineer, "engineer"),
        by=request.auth,
        version=payload.version,
    )
    return _detail(request, number)


def _optional_body(request: HttpRequest, schema: type[Schema]) -> Schema:
    """Parse a body that may be absent altogether, by the API's own rules (core.parser)."""
    return optional_body(request, schema)


@router.post(
    "/cases/{number}/take-over", response=CaseDetailOut, openapi_extra=_OPTIONAL_VERSION_BODY
)
@access(staff_perm("cases.take_over_case"))
def case_take_over(request: HttpRequest, number: str):
    payload = _optional_body(request, VersionIn)
    services.case_take_over(
        case=_visible(request, number), by=request.auth, version=payload.version
    )
    return _detail(request, number)


def _text_action(action):
    def endpoint(request: HttpRequest, number: str, payload: TextIn):
        action(
            case=_visible(request, number),
            by=request.auth,
            text=payload.text,
            version=payload.version,
        )
        return _detail(request, number)

    return endpoint


def _optional_body_action(action, schema: type[VersionIn] = OptionalTextIn):
    """An action whose body may be left out: its fields (text, version, `at`...) reach the
    service by name."""

    def endpoint(request: HttpRequest, number: str):
        payload = _optional_body(request, schema)
        action(case=_visible(request, number), by=request.auth, **dict(payload))
        return _detail(request, number)

    return endpoint


_WORK = staff_perm("cases.work_case")
_CUSTOMER_OR_WORK = scoped("cases.work_case")  # the case's own contacts, or staff who work cases
for _path, (_action, _rule) in {
    "respond": (services.case_respond, _WORK),
    "diagnose": (services.case_diagnose, _WORK),
    "wait": (services.case_wait, _WORK),
    "rma": (services.case_hand_to_rma, _WORK),
    "resolve": (services.case_resolve, _WORK),
    "reject": (services.case_reject, _CUSTOMER_OR_WORK),
    "reopen": (services.case_reopen, _CUSTOMER_OR_WORK),
}.items():
    router.add_api_operation(
        f"/cases/{{number}}/{_path}",
        ["POST"],
        access(_rule)(_text_action(_action)),
        response=CaseDetailOut,
        operation_id=f"case_{_path}",
    )

for _path, (_action, _rule) in {
    "resume": (services.case_resume, _WORK),
    "confirm": (services.case_confirm, _CUSTOMER_OR_WORK),
    "close": (
        services.case_close,
        staff_perm("cases.close_case", "cases.work_case", any_of=True),
    ),
}.items():
    router.add_api_operation(
        f"/cases/{{number}}/{_path}",
        ["POST"],
        access(_rule)(_optional_body_action(_action)),
        response=CaseDetailOut,
        operation_id=f"case_{_path}",
        openapi_extra=_OPTIONAL_TEXT_BODY,
    )


# The engineer's visit: the engineers on the case, or the seat recording what they phoned in.
_ONSITE = staff_perm("cases.work_case", "cases.assign_case", any_of=True)
for _path, _action in {
    "depart": services.case_depart,
    "arrive": services.case_arrive,
    "finish": services.case_finish,
}.items():
    router.add_api_operation(
        f"/cases/{{number}}/{_path}",
        ["POST"],
        access(_ONSITE)(_optional_body_action(_action, OnsiteIn)),
        response=CaseDetailOut,
        operation_id=f"case_{_path}",
        openapi_extra=_ONSITE_BODY,
    )


@router.post("/cases/{number}/comment", response={201: CaseDetailOut})
@access(scoped("cases.view_case"))
def case_comment(request: HttpRequest, number: str, payload: CommentIn):
    services.case_comment(
        case=_visible(request, number),
        by=request.auth,
        text=payload.text,
        internal=payload.internal,
    )
    return Status(201, _detail(request, number))


class ReplyWithCaseIn(Schema):
    source: ShortText = Field(description="The number of the earlier case whose solution is sent.")


@router.post("/cases/{number}/reply-with-case", response={201: CaseDetailOut})
@access(scoped("cases.view_case"))
def case_reply_with_case(request: HttpRequest, number: str, payload: ReplyWithCaseIn):
    """Answer the customer with an earlier case's recorded solution (a public reply)."""
    case = _visible(request, number)
    try:
        source = selectors.case_get_for_user(user=request.auth, number=payload.source)
    except NotFound:
        raise Invalid(NO_SOLUTION, field="source") from None
    services.case_reply_with_solution(case=case, by=request.auth, source=source)
    return Status(201, _detail(request, number))


@router.post("/cases/{number}/escalate", response=CaseDetailOut)
@access(staff_perm("cases.work_case"))
def case_escalate(request: HttpRequest, number: str, payload: EscalateIn):
    vendor = None
    if payload.vendor:
        vendor = (
            Vendor.objects.filter(name=payload.vendor).first()
            or Vendor.objects.filter(code=payload.vendor).first()
        )
        if vendor is None:
            raise Invalid(services.VENDOR_REQUIRED, field="vendor")
    services.case_escalate(
        case=_visible(request, number),
        by=request.auth,
        to=payload.to,
        text=payload.text,
        expert=_staff_user(payload.expert, "expert") if payload.expert else None,
        vendor=vendor,
        vendor_ref=payload.vendor_ref,
        version=payload.version,
    )
    return _detail(request, number)


@router.post("/cases/{number}/approval", response={201: CaseDetailOut})
@access(staff_perm("cases.record_approval"))
def case_approval(request: HttpRequest, number: str, payload: ApprovalIn):
    services.case_record_approval(
        case=_visible(request, number),
        by=request.auth,
        approver=payload.approver,
        decision=payload.decision,
        decided_on=payload.decided_on,
        note=payload.note,
    )
    return Status(201, _detail(request, number))
