"""Field service endpoints (contract.md, "Field service"): thin; the flow lives in services.

Inspections (巡检): `POST /inspection-plans` answers 201 with a new plan and 200 with the
contract year's existing one (same body, `created` false); visits are read, moved, worked on
site and completed under /inspection-visits/{visit_id}.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.core import timeline
from aftersales.core.openapi import documented
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.schema_types import Date, choice_of
from aftersales.core.uploads import stored_file_response
from aftersales.fieldservice import inspection_access, inspections
from aftersales.fieldservice import inspection_selectors as selectors
from aftersales.fieldservice.inspection_pdf import visit_report_pdf
from aftersales.fieldservice.inspection_schemas import (
    InspectionPlanIn,
    InspectionPlanOut,
    InspectionPlanPage,
    VisitChangeIn,
    VisitChecksIn,
    VisitCompleteIn,
    VisitFindingCreated,
    VisitFindingIn,
    VisitMoveIn,
    VisitOut,
    VisitPage,
    VisitSignIn,
)
from aftersales.fieldservice.models import InspectionPlan, InspectionVisit, VisitCheck, VisitStatus

router = Router(tags=["field service"])

VIEW = scoped("fieldservice.view_inspectionvisit")
VIEW_PLAN = scoped("fieldservice.view_inspectionplan")
PLAN = staff_perm("fieldservice.add_inspectionplan")
MOVE = staff_perm("fieldservice.change_inspectionvisit")
WORK = staff_perm("fieldservice.work_visit")


def plan_out(plan: InspectionPlan, created: bool) -> dict:
    visits = plan.visits.order_by("sequence")
    return {
        "id": plan.pk,
        "contract": plan.contract.number,
        "customer": plan.customer.code,
        "year_starts_on": plan.year_starts_on,
        "year_ends_on": plan.year_ends_on,
        "visits_per_year": plan.visits_per_year,
        "notify_days_before": plan.notify_days_before,
        "created": created,
        "visits": [
            {
                "id": v.pk,
                "sequence": v.sequence,
                "planned_on": v.planned_on,
                "window_starts_on": v.window_starts_on,
                "window_ends_on": v.window_ends_on,
                "status": v.status,
                "due_at": v.due_at,
            }
            for v in visits
        ],
    }


def _overdue(visit: InspectionVisit) -> bool:
    return visit.status in (VisitStatus.PLANNED, VisitStatus.NOTIFIED) and (
        visit.planned_on < timezone.localdate()
    )


def visit_out(visit: InspectionVisit, user: Any) -> dict:
    fields = [
        "id", "sequence", "window_starts_on", "window_ends_on", "planned_on", "moved_reason",
        "status", "due_at", "notified_at", "started_at", "completed_at", "findings", "advice",
        "signed_by",
    ]  # fmt: skip
    return {
        **{name: getattr(visit, name) for name in fields},
        "plan": visit.plan_id,
        "contract": visit.contract.number,
        "customer": visit.customer.code,
        "engineer": visit.engineer.username if visit.engineer_id else None,
        "overdue": _overdue(visit),
        "signed": bool(visit.signature),
        "report_url": (
            f"/api/v1/inspection-visits/{visit.pk}/report"
            if visit.status == VisitStatus.DONE
            else None
        ),
        "promises": selectors.promise_rows(visit, timezone.now()),
        "checks": [
            {
                "item": c.item_id,
                "section": c.section,
                "label": c.label,
                "kind": c.kind,
                "unit": c.unit,
                "min_value": c.min_value,
                "max_value": c.max_value,
                "ok": c.ok,
                "value": c.value,
                "text": c.text,
                "out_of_range": c.out_of_range,
            }
            for c in VisitCheck.objects.filter(visit=visit)
        ],
        "finding_rows": [
            {
                "id": f.pk,
                "text": f.text,
                "serial_number": f.asset.serial_number if f.asset_id else None,
                "case": f.case.number if f.case_id else None,
                "created_at": f.created_at,
            }
            for f in visit.finding_rows.select_related("asset", "case")
        ],
        "allowed_actions": inspection_access.available_actions(user, visit),
        "activities": timeline.activity_rows(selectors.activities_for_user(user=user, visit=visit)),
    }


def _get(request: HttpRequest, visit_id: int) -> InspectionVisit:
    return selectors.visit_get_for_user(user=request.auth, pk=visit_id)


def _fresh(request: HttpRequest, visit: InspectionVisit) -> dict:
    return visit_out(_get(request, visit.pk), request.auth)


class PlanListParams(Schema):
    customer: str = Field("", max_length=40)
    contract: str = Field("", max_length=40)
    limit: Limit = 50
    offset: Offset = 0


class VisitListParams(Schema):
    status: choice_of(VisitStatus, blank=True) = ""  # type: ignore[valid-type]
    customer: str = Field("", max_length=40)
    contract: str = Field("", max_length=40)
    engineer: int | None = Field(None, ge=1, le=2**31 - 1)
    plan: int | None = Field(None, ge=1, le=2**31 - 1)
    overdue: bool = False
    planned_from: Date | None = None
    planned_to: Date | None = None
    q: str = Field("", max_length=200)
    limit: Limit = 50
    offset: Offset = 0


@router.post(
    "/inspection-plans",
    response={200: InspectionPlanOut, 201: InspectionPlanOut},
    openapi_extra=documented(422),
)
@access(PLAN)
def inspection_plan_create(request: HttpRequest, payload: InspectionPlanIn):
    """The contract year's plan with its visits: 201 when made now, 200 when it existed."""
    done = inspections.plan_create(
        by=request.auth,
        contract=payload.contract,
        visits_per_year=payload.visits_per_year,
        engineer=payload.engineer,
    )
    plan = InspectionPlan.objects.select_related("contract", "customer").get(pk=done.plan.pk)
    return Status(201 if done.created else 200, plan_out(plan, done.created))


@router.get("/inspection-plans", response=InspectionPlanPage)
@access(VIEW_PLAN)
def inspection_plan_list(request: HttpRequest, params: Query[PlanListParams]):
    qs = selectors.plan_list(user=request.auth, customer=params.customer, contract=params.contract)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [
        {
            "id": p.pk,
            "contract": p.contract.number,
            "customer": p.customer.code,
            "year_starts_on": p.year_starts_on,
            "year_ends_on": p.year_ends_on,
            "visits_per_year": p.visits_per_year,
            "done": p.done_count,
        }
        for p in result["items"]
    ]
    return result


@router.get("/inspection-plans/{plan_id}", response=InspectionPlanOut)
@access(VIEW_PLAN)
def inspection_plan_detail(request: HttpRequest, plan_id: int):
    return plan_out(selectors.plan_get_for_user(user=request.auth, pk=plan_id), False)


@router.get("/inspection-visits", response=VisitPage)
@access(VIEW)
def inspection_visit_list(request: HttpRequest, params: Query[VisitListParams]):
    filters = selectors.VisitFilters(
        status=params.status,
        customer=params.customer,
        contract=params.contract,
        engineer=params.engineer,
        plan=params.plan,
        overdue=params.overdue,
        planned_from=params.planned_from,
        planned_to=params.planned_to,
        q=params.q,
    )
    qs = selectors.visit_list(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [
        {
            "id": v.pk,
            "plan": v.plan_id,
            "contract": v.contract.number,
            "customer": v.customer.code,
            "sequence": v.sequence,
            "planned_on": v.planned_on,
            "status": v.status,
            "engineer": v.engineer.username if v.engineer_id else None,
            "due_at": v.due_at,
            "overdue": _overdue(v),
        }
        for v in result["items"]
    ]
    return result


@router.get("/inspection-visits/{visit_id}", response=VisitOut)
@access(VIEW)
def inspection_visit_detail(request: HttpRequest, visit_id: int):
    return visit_out(_get(request, visit_id), request.auth)


@router.get("/inspection-visits/{visit_id}/report", response={200: None})
@access(VIEW)
def inspection_visit_report(request: HttpRequest, visit_id: int):
    """《现场巡检报告》 as a PDF (filed once the visit is done; rendered when not filed yet)."""
    visit = _get(request, visit_id)
    inspections.require_done(visit)
    if visit.report:
        return stored_file_response(
            visit.report, name=f"现场巡检报告-{visit.pk}.pdf", content_type="application/pdf"
        )
    response = HttpResponse(visit_report_pdf(visit), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="inspection-report-{visit.pk}.pdf"'
    return response


@router.post(
    "/inspection-visits/{visit_id}/move", response=VisitOut, openapi_extra=documented(409, 422)
)
@access(MOVE)
def inspection_visit_move(request: HttpRequest, visit_id: int, payload: VisitMoveIn):
    visit = inspections.visit_move(
        visit=_get(request, visit_id),
        by=request.auth,
        planned_on=payload.planned_on,
        reason=payload.reason,
    )
    return _fresh(request, visit)


@router.post(
    "/inspection-visits/{visit_id}/checks", response=VisitOut, openapi_extra=documented(409, 422)
)
@access(WORK)
def inspection_visit_checks(request: HttpRequest, visit_id: int, payload: VisitChecksIn):
    visit = inspections.visit_record_checks(
        visit=_get(request, visit_id),
        by=request.auth,
        results=[r.model_dump() for r in payload.results],
    )
    return _fresh(request, visit)


@router.post(
    "/inspection-visits/{visit_id}/findings",
    response={201: VisitFindingCreated},
    openapi_extra=documented(409, 422),
)
@access(WORK)
def inspection_visit_finding(request: HttpRequest, visit_id: int, payload: VisitFindingIn):
    """A finding; with `open_case` a case is opened for it in the same call."""
    finding = inspections.visit_add_finding(
        visit=_get(request, visit_id),
        by=request.auth,
        text=payload.text,
        serial_number=payload.serial_number,
        open_case=payload.open_case,
    )
    return Status(
        201,
        {
            "id": finding.pk,
            "text": finding.text,
            "case": finding.case.number if finding.case_id else None,
        },
    )


@router.post(
    "/inspection-visits/{visit_id}/changes", response=VisitOut, openapi_extra=documented(409, 422)
)
@access(WORK)
def inspection_visit_change(request: HttpRequest, visit_id: int, payload: VisitChangeIn):
    """A configuration change made on an asset during the visit (archived on the asset)."""
    visit = inspections.visit_config_change(
        visit=_get(request, visit_id), by=request.auth, **payload.model_dump()
    )
    return _fresh(request, visit)


@router.post(
    "/inspection-visits/{visit_id}/sign", response=VisitOut, openapi_extra=documented(409, 422)
)
@access(WORK)
def inspection_visit_sign(request: HttpRequest, visit_id: int, payload: VisitSignIn):
    visit = inspections.visit_sign(
        visit=_get(request, visit_id),
        by=request.auth,
        signed_by=payload.signed_by,
        signature=payload.signature,
    )
    return _fresh(request, visit)


@router.post(
    "/inspection-visits/{visit_id}/complete",
    response=VisitOut,
    openapi_extra=documented(409, 422),
)
@access(WORK)
def inspection_visit_complete(request: HttpRequest, visit_id: int, payload: VisitCompleteIn):
    visit = inspections.visit_complete(
        visit=_get(request, visit_id), by=request.auth, **payload.model_dump()
    )
    return _fresh(request, visit)
