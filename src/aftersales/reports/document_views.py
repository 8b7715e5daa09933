"""The console's written reports page (报告): pick a report, its subject and period, download
it as a PDF or XLSX. The files are the API's (quarterly/weekly/major `*_file` functions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from aftersales.accounts.access import can
from aftersales.accounts.decorators import staff_required
from aftersales.core import html_errors
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.registry.models import Customer, Engineer
from aftersales.reports.major import major_report_file
from aftersales.reports.quarterly import QUARTERLY, VIEW_REPORTS, YEARLY, customer_report_file
from aftersales.reports.rendering import file_response
from aftersales.reports.weekly import weekly_report_file

WEEKLY, MAJOR = "weekly", "major"
REPORTS = [
    (QUARTERLY, _("Quarterly maintenance summary (per customer)")),
    (YEARLY, _("Yearly maintenance summary (per customer)")),
    (WEEKLY, _("Weekly engineer report")),
    (MAJOR, _("Monthly major-request report")),
]
PICKER_MAX = 500
UNKNOWN_REPORT = _("Choose a report.")


def _defaults(today: dt.date) -> dict[str, str]:
    """The last closed period of each kind: what a person usually wants."""
    last_quarter_end = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(1)
    last_week = today - dt.timedelta(days=7)
    iso = last_week.isocalendar()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    return {
        "quarter": f"{last_quarter_end.year}-Q{(last_quarter_end.month - 1) // 3 + 1}",
        "year": str(today.year - 1),
        "week": f"{iso.year}-W{iso.week:02d}",
        "month": f"{last_month.year}-{last_month.month:02d}",
    }


def _download(user: Any, values: dict[str, str]) -> tuple[bytes, str, str]:
    report, fmt = values["report"], values["format"]
    if report in (QUARTERLY, YEARLY):
        return customer_report_file(
            user=user,
            code=values["customer"],
            kind=report,
            period=values["quarter" if report == QUARTERLY else "year"],
            fmt=fmt,
            contract=values["contract"],
        )
    if report == WEEKLY:
        return weekly_report_file(
            user=user, username=values["engineer"], week=values["week"], fmt=fmt
        )
    if report == MAJOR:
        return major_report_file(user=user, month=values["month"], fmt=fmt)
    raise Invalid(UNKNOWN_REPORT, field="report", loc="query")


@require_GET
@staff_required
def documents_page(request: HttpRequest) -> HttpResponse:
    """The form; with ?format= the chosen report comes back as a file (403/404 as the API)."""
    reader = can(request.user, VIEW_REPORTS)
    values = {**_defaults(timezone.localdate()), "engineer": request.user.get_username()}
    names = ("report", "customer", "contract", "engineer", "quarter", "year", "week", "month")
    for name in names:
        given = request.GET.get(name, "").strip()[:160]
        if given:
            values[name] = given
    values.setdefault("report", QUARTERLY if reader else WEEKLY)
    for name in ("customer", "contract"):
        values.setdefault(name, "")
    error, field, status = "", "", 200
    if request.GET.get("format"):
        values["format"] = request.GET["format"]
        try:
            content, content_type, filename = _download(request.user, values)
        except ApplicationError as exc:
            html_errors.raise_http(exc)
            error, status = str(exc.message), exc.status_code
            field = getattr(exc, "field", "") or ""
        else:
            return file_response(content, content_type, filename)
    context = {
        "values": values,
        "reports": REPORTS if reader else [r for r in REPORTS if r[0] == WEEKLY],
        "reader": reader,
        "error": error,
        "error_field": field,
        "customers": (
            Customer.objects.order_by("code").values("code", "name")[:PICKER_MAX] if reader else []
        ),
        "engineers": (
            Engineer.objects.select_related("user").order_by("user__username")[:PICKER_MAX]
            if reader
            else []
        ),
    }
    return render(request, "reports/documents.html", context, status=status)


urlpatterns: list = [
    path("documents/", documents_page, name="documents"),
]
