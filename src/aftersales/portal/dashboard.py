"""The customer's dashboard (/portal/dashboard/): their open cases, how the promises made to
them were kept, inspections done against due, and their equipment's warranty state.

Only the contact's own organisation: every read goes through the contact's scoped selectors
and reports.filters.filter_for_user (which holds a contact to their own customer).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from aftersales.accounts.access import customer_id_of
from aftersales.accounts.decorators import contact_required
from aftersales.cases import selectors as case_selectors
from aftersales.cases.models import OPEN_STATUSES, Status
from aftersales.contracts.entitlement import (
    IN_CONTRACT,
    IN_WARRANTY,
    OUT_OF_WARRANTY,
    entitlements_for,
)
from aftersales.core.errors import Invalid
from aftersales.fieldservice.inspection_selectors import visit_compliance
from aftersales.registry import selectors
from aftersales.reports import kpis
from aftersales.reports.filters import ReportFilter, filter_for_user, parse_filter, promises
from aftersales.sla.models import Target
from aftersales.sla.promises import promises_for_user
from aftersales.sla.subjects import any_target_label

# The warranty summary reads every active asset of the organisation (a customer holds
# hundreds, not millions); beyond this many the equipment page is the place to look.
ASSETS_MAX = 5000


@dataclass(frozen=True)
class CustomerDashboard:
    filter: ReportFilter
    open_by_state: list[tuple[str, str, int]]  # (status, label, count)
    open_total: int
    compliance: list[tuple[str, str, kpis.Compliance]]  # (target, label, figures)
    inspections: dict[str, int]  # due, done, missed, open
    warranty: dict[str, int]  # in_contract, in_warranty, out_of_warranty
    assets_total: int


def _target_label(target: str) -> str:
    if target in Target.values:
        return str(Target(target).label)
    return any_target_label(target).replace("_", " ")


def customer_dashboard(*, user: Any, raw: Any, now: dt.datetime | None = None) -> CustomerDashboard:
    """The contact's own figures for the query's period (default: the last 30 days); Invalid
    naming the field of a bad period."""
    f = filter_for_user(user, parse_filter(raw))
    now = now or timezone.now()
    rows = dict(
        case_selectors.cases_for_user(user)
        .filter(status__in=OPEN_STATUSES)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    open_by_state = [(s, str(Status(s).label), rows.get(s, 0)) for s in OPEN_STATUSES]
    # Kinds hidden from contacts (complaints) stay hidden: the two querysets intersect.
    theirs = promises_for_user(user) & promises(f)
    compliance = [
        (target, _target_label(target), figures)
        for target, figures in kpis.compliance_by(theirs, f, "target").items()
    ]
    customer_id = customer_id_of(user)
    visits = visit_compliance(
        start=f.since, end=f.until, customer_id=customer_id, by="customer", now=now
    ).get(customer_id, {"due": 0, "done": 0, "missed": 0, "open": 0})
    assets = list(
        selectors.assets_for_user(user).select_related("product_model").order_by("pk")[:ASSETS_MAX]
    )
    states = Counter(
        e.status for e in entitlements_for(assets=assets, on=timezone.localdate(now)).values()
    )
    warranty = {s: states.get(s, 0) for s in (IN_CONTRACT, IN_WARRANTY, OUT_OF_WARRANTY)}
    return CustomerDashboard(
        filter=f,
        open_by_state=open_by_state,
        open_total=sum(n for _s, _l, n in open_by_state),
        compliance=compliance,
        inspections=visits,
        warranty=warranty,
        assets_total=len(assets),
    )


@require_GET
@contact_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """The customer's dashboard; a bad period answers 422 with the field's message."""
    try:
        board = customer_dashboard(user=request.user, raw=request.GET)
    except Invalid as exc:
        context = {
            "error": str(exc.message),
            "error_field": exc.field,
            "start": request.GET.get("from", "")[:10],
            "end": request.GET.get("to", "")[:10],
        }
        return render(request, "portal/dashboard.html", context, status=422)
    context = {
        "board": board,
        "start": board.filter.start.isoformat(),
        "end": board.filter.end.isoformat(),
        "cases_url": reverse("portal:case_list"),
        "equipment_url": reverse("portal:equipment_list"),
    }
    return render(request, "portal/dashboard.html", context)


urlpatterns = [path("dashboard/", dashboard_page, name="dashboard")]
