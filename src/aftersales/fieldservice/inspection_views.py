"""Console pages of field service (inspections): visits and plans, a contract's plan, and the
visit page an engineer works on a phone (checklist, findings, changes, signature)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core.errors import ApplicationError, Invalid, NotFound
from aftersales.core.html_errors import flash_error
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.core.moments import typed_moment
from aftersales.core.uploads import stored_file_response
from aftersales.fieldservice import inspection_access, inspections
from aftersales.fieldservice import inspection_selectors as selectors
from aftersales.fieldservice.inspection_pdf import request_report_pdf, visit_report_pdf
from aftersales.fieldservice.models import (
    ChecklistItemKind,
    InspectionVisit,
    VisitCheck,
    VisitStatus,
)
from aftersales.sla.selectors import promise_views

VIEW = "fieldservice.view_inspectionvisit"
PER_PAGE = 50
DONE = _("Done.")
PLAN_MADE = _("Plan made: %(count)s visits.")
PLAN_EXISTS = _("The contract year already has its plan.")
BAD_DATE = _("Give the day as YYYY-MM-DD.")
CASE_OPENED = _("Case %(number)s opened.")


class VisitFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses"))] + VisitStatus.choices
    )
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=40)
    engineer = forms.IntegerField(label=_("Engineer"), required=False, min_value=1)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    inactive = None


@permission_required(VIEW)
def visit_list(request: HttpRequest) -> HttpResponse:
    filters = VisitFilter(request.GET)
    qs = selectors.visit_list(
        user=request.user,
        filters=selectors.VisitFilters(
            status=filters.value("status") or "",
            customer=filters.value("customer") or "",
            engineer=filters.value("engineer"),
            overdue=bool(filters.value("overdue")),
            q=filters.value("q") or "",
        ),
    )
    return list_page(
        request,
        "fieldservice/inspection_list.html",
        qs,
        filters,
        per_page=PER_PAGE,
        today=timezone.localdate(),
        can_plan=request.user.has_perm("fieldservice.add_inspectionplan"),
    )


@permission_required("fieldservice.view_inspectionplan")
def plan_list(request: HttpRequest) -> HttpResponse:
    filters = ListFilter(request.GET)
    qs = selectors.plan_list(user=request.user)
    q = filters.value("q") or ""
    if q:
        qs = qs.filter(contract__number__icontains=q.strip()) | qs.filter(
            customer__name__icontains=q.strip()
        )
    return list_page(request, "fieldservice/inspection_plans.html", qs, filters, per_page=PER_PAGE)


@permission_required("fieldservice.view_inspectionplan")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    visits = plan.visits.select_related("engineer").order_by("sequence")
    context = {"plan": plan, "visits": visits, "today": timezone.localdate()}
    return render(request, "fieldservice/inspection_plan.html", context)


@permission_required("fieldservice.add_inspectionplan")
@require_POST
def plan_generate(request: HttpRequest) -> HttpResponse:
    """The "generate plan" action of a contract (its number and, optionally, visits a year)."""
    raw = (request.POST.get("visits_per_year") or "").strip()
    try:
        if raw and not raw.isdigit():
            raise Invalid(inspections.plans.BAD_VISITS, field="visits_per_year")
        done = inspections.plan_create(
            by=request.user,
            contract=request.POST.get("contract", ""),
            visits_per_year=int(raw) if raw else None,
            engineer=request.POST.get("engineer", ""),
        )
    except ApplicationError as exc:
        flash_error(request, exc)
        return redirect("inspections:list")
    if done.created:
        messages.success(request, PLAN_MADE % {"count": done.plan.visits.count()})
    else:
        messages.info(request, PLAN_EXISTS)
    return redirect("inspections:plan", pk=done.plan.pk)


def _get(request: HttpRequest, pk: int) -> InspectionVisit:
    try:
        return selectors.visit_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def checklist_rows(visit: InspectionVisit) -> list[dict]:
    """The checklist's lines with what was recorded (template items merged with checks)."""
    done = {c.item_id: c for c in VisitCheck.objects.filter(visit=visit)}
    rows = []
    for item in inspections.checklist_items(visit):
        check = done.get(item.pk)
        rows.append({"item": item, "check": check})
    return rows


@permission_required(VIEW)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _get(request, pk)
    rows = checklist_rows(obj)
    actions = inspection_access.available_actions(request.user, obj)
    context = {
        "obj": obj,
        "rows": rows,
        "systems": [r for r in rows if r["item"].section == "system"],
        "generals": [r for r in rows if r["item"].section == "general"],
        "findings": obj.finding_rows.select_related("case", "asset"),
        "clocks": promise_views("inspection_visit", obj.pk, timezone.now()),
        "events": selectors.activities_for_user(user=request.user, visit=obj),
        "actions": actions,
        "editable": "checks" in actions,
        "can_open_case": inspection_access.can_open_case(request.user, obj),
        "overdue": obj.status in (VisitStatus.PLANNED, VisitStatus.NOTIFIED)
        and obj.planned_on < timezone.localdate(),
        "MEASURE": ChecklistItemKind.MEASURE,
        "CHECK": ChecklistItemKind.CHECK,
    }
    return render(request, "fieldservice/visit_detail.html", context)


def _checks_from_post(request: HttpRequest, visit: InspectionVisit) -> list[dict]:
    results = []
    for item in inspections.checklist_items(visit):
        ok = request.POST.get(f"ok_{item.pk}", "")
        value = request.POST.get(f"value_{item.pk}", "")
        text = request.POST.get(f"text_{item.pk}", "")
        if not (ok or value.strip() or text.strip()):
            continue
        results.append(
            {
                "item": item.pk,
                "ok": {"1": True, "0": False}.get(ok),
                "value": value.strip() or None,
                "text": text,
            }
        )
    return results


def _planned_on(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise Invalid(BAD_DATE, field="planned_on") from None


STEPS = {
    "move": lambda v, u, r: inspections.visit_move(
        visit=v,
        by=u,
        planned_on=_planned_on(r.POST.get("planned_on", "")),
        reason=r.POST.get("reason", ""),
    ),
    "checks": lambda v, u, r: inspections.visit_record_checks(
        visit=v, by=u, results=_checks_from_post(r, v)
    ),
    "findings": lambda v, u, r: inspections.visit_add_finding(
        visit=v,
        by=u,
        text=r.POST.get("text", ""),
        serial_number=r.POST.get("serial_number", ""),
        open_case=r.POST.get("open_case") == "1",
    ),
    "changes": lambda v, u, r: inspections.visit_config_change(
        visit=v,
        by=u,
        serial_number=r.POST.get("serial_number", ""),
        what=r.POST.get("what", ""),
        before=r.POST.get("before", ""),
        after=r.POST.get("after", ""),
        reason=r.POST.get("reason", ""),
    ),
    "sign": lambda v, u, r: inspections.visit_sign(
        visit=v, by=u, signed_by=r.POST.get("signed_by", ""), signature=r.POST.get("signature", "")
    ),
    "complete": lambda v, u, r: inspections.visit_complete(
        visit=v,
        by=u,
        signed_by=r.POST.get("signed_by", ""),
        findings=r.POST.get("findings", ""),
        advice=r.POST.get("advice", ""),
        at=typed_moment(r.POST.get("at", "")),
    ),
}


@permission_required(VIEW)
@require_POST
def visit_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    obj = _get(request, pk)
    if action not in STEPS:
        raise Http404
    try:
        STEPS[action](obj, request.user, request)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    anchor = {"checks": "#checklist", "findings": "#findings", "changes": "#changes"}
    return redirect(reverse("inspections:visit", args=[obj.pk]) + anchor.get(action, ""))


@permission_required(VIEW)
@require_POST
def finding_case(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    """One tap: open a case for a finding."""
    obj = _get(request, pk)
    finding = obj.finding_rows.filter(pk=finding_id).first()
    if finding is None:
        raise Http404
    try:
        case = inspections.finding_open_case(finding=finding, by=request.user)
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, CASE_OPENED % {"number": case.number})
    return redirect("inspections:visit", pk=obj.pk)


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@permission_required(VIEW)
def visit_report(request: HttpRequest, pk: int) -> HttpResponse:
    """《现场巡检报告》 (the filed copy, or rendered now while filing is under way)."""
    obj = _get(request, pk)
    try:
        inspections.require_done(obj)
    except ApplicationError as exc:
        raise Http404 from exc
    if obj.report:
        return stored_file_response(
            obj.report, name=f"inspection-report-{obj.pk}.pdf", content_type="application/pdf"
        )
    return _pdf(visit_report_pdf(obj), f"inspection-report-{obj.pk}.pdf")


@permission_required(VIEW)
def visit_request(request: HttpRequest, pk: int) -> HttpResponse:
    """《现场巡检申请报告》 of the visit."""
    obj = _get(request, pk)
    return _pdf(request_report_pdf(obj), f"inspection-request-{obj.pk}.pdf")


app_name = "inspections"
urlpatterns = [
    path("", visit_list, name="list"),
    path("plans/", plan_list, name="plans"),
    path("plans/generate/", plan_generate, name="generate"),
    path("plans/<int:pk>/", plan_detail, name="plan"),
    path("<int:pk>/", visit_detail, name="visit"),
    path("<int:pk>/report.pdf", visit_report, name="report"),
    path("<int:pk>/request.pdf", visit_request, name="request"),
    path("<int:pk>/findings/<int:finding_id>/case/", finding_case, name="finding_case"),
    path("<int:pk>/<str:action>/", visit_step, name="step"),
]
