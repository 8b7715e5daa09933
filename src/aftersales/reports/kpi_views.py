"""Console pages of the KPIs and the engineer appraisal: thin, the figures live in
reports.kpis and reports.appraisal. Each figure links to the list it counts where one exists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from aftersales.accounts.access import can
from aftersales.accounts.decorators import staff_required
from aftersales.cases.models import Priority
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.core.html_errors import raise_http
from aftersales.reports.appraisal import VIEW_APPRAISAL, appraisal_for_user, week_of
from aftersales.reports.filters import FIELDS, VIEW_REPORTS, ReportFilter
from aftersales.reports.kpis import Kpis, kpis_for_user
from aftersales.sla.models import Target

LABELS = dict(Target.choices)


def filter_values(request: HttpRequest, names: tuple[str, ...] = FIELDS) -> dict[str, str]:
    """The filter's raw query values (shown back in the form); parse_filter bounds them."""
    return {name: str(request.GET.get(name, "")).strip() for name in names}


def filter_form_context(values: Mapping[str, str], error: Invalid | None = None) -> dict:
    """What reports/_filter_form.html needs: the values, the priorities, the error's field."""
    return {
        "filter_values": values,
        "priorities": Priority.choices,
        "filter_error": str(error.message) if error else "",
        "filter_error_field": (error.field or "") if error else "",
    }


def _url(name: str, **query: str) -> str:
    kept = {k: v for k, v in query.items() if v}
    return reverse(name) + ("?" + urlencode(kept) if kept else "")


def kpi_links(f: ReportFilter) -> dict[str, str]:
    """The lists behind the figures, with the filter's dimensions those lists understand
    (the case queue: customer, priority, engineer and creation dates)."""
    cases = {"tab": "all", "customer": f.customer, "priority": f.priority, "assignee": f.engineer}
    period = {"created_from": f.start.isoformat(), "created_to": f.end.isoformat()}
    links = {
        "opened": _url("cases:list", **cases, **period),
        # The queue filters by creation date only: closed cases of any date.
        "closed": _url("cases:list", **cases, status="closed"),
        "backlog": _url("cases:list", **cases, status="open"),
        "breached": _url("cases:list", **{**cases, "tab": "breached"}),
        "surveys": _url(
            "surveys:results",
            date_from=f.start.isoformat(),
            date_to=f.end.isoformat(),
            customer=f.customer,
            engineer=f.engineer,
        ),
        "callbacks": _url("callbacks:coverage", period=f"{f.start:%Y-%m}"),
        "complaints": _url("complaints:list"),
        "inspections": _url("inspections:list", customer=f.customer),
        "rma": _url("rma:list"),
        "stock": _url("inventory:part_list"),
    }
    if f.contract:  # the penalty page shows one contract
        query = {"contract": f.contract, "from": f.start.isoformat(), "to": f.end.isoformat()}
        links["penalties"] = _url("penalties:penalties", **query)
    return links


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rows(k: Kpis) -> dict[str, Any]:
    """Compliance per target with its priorities, for the table."""
    targets = []
    for target, c in k.compliance.items():
        priorities = [
            (priority, _percent(pc.ratio))
            for (t, priority), pc in k.compliance_by_priority.items()
            if t == target
        ]
        targets.append(
            {
                "target": LABELS.get(target, target),
                "met": c.met,
                "missed": c.missed,
                "percent": _percent(c.ratio),
                "priorities": priorities,
            }
        )
    times = [
        (LABELS.get(target, target), k.service_minutes[target], k.wall_minutes[target])
        for target in k.service_minutes
    ]
    return {"targets": targets, "times": times}


@require_GET
@staff_required
def kpi_page(request: HttpRequest) -> HttpResponse:
    """The KPIs for the filter; an engineer without reports.view_reports sees their own."""
    values = filter_values(request)
    if not can(request.user, VIEW_REPORTS) and not values["engineer"]:
        values["engineer"] = request.user.get_username()
    context: dict[str, Any] = {"kpis": None}
    status = 200
    try:
        found = kpis_for_user(user=request.user, raw=values, now=timezone.now())
    except ApplicationError as exc:
        raise_http(exc)
        error = exc if isinstance(exc, Invalid) else Invalid(exc.message)
        context.update(filter_form_context(values, error))
        status = 422
    else:
        context.update(filter_form_context(values))
        context.update(
            kpis=found,
            links=kpi_links(found.filter),
            percent={
                "first_contact": _percent(found.first_contact.ratio),
                "reopen": _percent(found.reopen.ratio),
                "callbacks": _percent(found.callback_coverage.ratio),
                "inspections": _percent(found.inspections.ratio) if found.inspections else "—",
                "rma_ship": _percent(found.rma_ship_on_time),
                "faulty_return": _percent(found.faulty_return.ratio),
            },
            **_rows(found),
        )
    return render(request, "reports/kpis.html", context, status=status)


@require_GET
@staff_required
def appraisal_page(request: HttpRequest) -> HttpResponse:
    """The week's appraisal (the week picker), everyone's for holders of
    reports.view_appraisal, one's own row for other staff."""
    values = filter_values(request, ("week", "from", "to", "team", "engineer"))
    if not any(values.values()):
        values["week"] = week_of(timezone.localdate())
    context: dict[str, Any] = {"values": values, "appraisal": None, "error": ""}
    status = 200
    try:
        context["appraisal"] = appraisal_for_user(user=request.user, raw=values, now=timezone.now())
    except ApplicationError as exc:
        raise_http(exc)
        context["error"] = str(exc.message)
        status = 422
    context["sees_all"] = can(request.user, VIEW_APPRAISAL)
    return render(request, "reports/appraisal.html", context, status=status)


urlpatterns = [
    path("kpis/", kpi_page, name="kpis"),
    path("appraisal/", appraisal_page, name="appraisal"),
]
