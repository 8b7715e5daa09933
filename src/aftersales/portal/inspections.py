"""The customer's preventive inspections (巡检) on the portal: visits, request forms, reports."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.core.uploads import stored_file_response
from aftersales.fieldservice import inspection_selectors as selectors
from aftersales.fieldservice import inspections
from aftersales.fieldservice.inspection_pdf import request_report_pdf, visit_report_pdf
from aftersales.fieldservice.models import InspectionVisit, VisitStatus

PER_PAGE = 20


class VisitFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(VisitStatus.choices)
    )
    q = None
    inactive = None


@contact_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    filters = VisitFilter(request.GET)
    qs = selectors.visit_list(
        user=request.user, filters=selectors.VisitFilters(status=filters.value("status") or "")
    ).exclude(status=VisitStatus.CANCELLED)
    return list_page(
        request,
        "portal/inspection_list.html",
        qs,
        filters,
        per_page=PER_PAGE,
        today=timezone.localdate(),
    )


def _get(request: HttpRequest, pk: int) -> InspectionVisit:
    try:
        return selectors.visit_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@contact_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _get(request, pk)
    context = {
        "obj": obj,
        "checks": obj.checks.all(),
        "findings": obj.finding_rows.select_related("case"),
        "events": selectors.activities_for_user(user=request.user, visit=obj),
    }
    return render(request, "portal/inspection_detail.html", context)


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@contact_required
def inspection_report(request: HttpRequest, pk: int) -> HttpResponse:
    """《现场巡检报告》 filed on the customer once the visit is done."""
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


@contact_required
def inspection_request(request: HttpRequest, pk: int) -> HttpResponse:
    """《现场巡检申请报告》 the customer was sent before the visit."""
    obj = _get(request, pk)
    if obj.request_report:
        return stored_file_response(
            obj.request_report,
            name=f"inspection-request-{obj.pk}.pdf",
            content_type="application/pdf",
        )
    return _pdf(request_report_pdf(obj), f"inspection-request-{obj.pk}.pdf")


urlpatterns = [
    path("inspections/", inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/report.pdf", inspection_report, name="inspection_report"),
    path("inspections/<int:pk>/request.pdf", inspection_request, name="inspection_request"),
]
