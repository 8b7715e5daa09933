"""Console pages for the RMA admin: the queue by next promise, the RMA with its steps, open."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.cases import selectors as case_selectors
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.html_errors import flash_error, form_page
from aftersales.core.moments import typed_moment
from aftersales.core.pagination import console_page
from aftersales.rma import access, selectors, services
from aftersales.rma.models import RmaStatus
from aftersales.sla.selectors import promise_views, promise_views_for

PER_PAGE = 50
WAITING_SHOWN = 20
DONE = _("Done.")


class RmaOpenForm(forms.Form):
    part_number = forms.CharField(label=_("Part number"), max_length=80)
    faulty_serial = forms.CharField(label=_("Faulty part serial"), max_length=80, required=False)
    fault = forms.CharField(
        label=_("Fault"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    doa = forms.BooleanField(label=_("Dead on arrival (DOA)"), required=False)
    confirmed_at = forms.DateTimeField(
        label=_("Fault confirmed at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


@permission_required("rma.view_rma")
def rma_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in RmaStatus.values:
        status = ""
    qs = selectors.rma_list(user=request.user, filters=selectors.RmaFilters(status=status))
    page = console_page(request, qs, per_page=PER_PAGE)
    rows = list(page.object_list)
    clocks = promise_views_for("rma", [r.pk for r in rows], timezone.now())
    items = [(r, clocks.get(r.pk, [])) for r in rows]
    # Cases an engineer handed to RMA wait here until an RMA admin opens their RMA.
    waiting = (
        list(case_selectors.cases_waiting_for_rma(request.user)[:WAITING_SHOWN])
        if request.user.has_perm("rma.work_rma")
        else []
    )
    return render(
        request,
        "rma/list.html",
        {
            "page": page,
            "items": items,
            "status": status,
            "statuses": RmaStatus.choices,
            "waiting": waiting,
        },
    )


@permission_required("rma.work_rma")
def rma_open(request: HttpRequest, number: str) -> HttpResponse:
    try:
        case = case_selectors.case_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc
    form = RmaOpenForm(request.POST or None, initial={"fault": case.title})
    return form_page(
        request,
        form,
        lambda data: services.rma_open(by=request.user, case=case, **data),
        lambda rma: reverse("rma:detail", args=[rma.number]),
        "rma/new.html",
        case=case,
    )


def _rma(request: HttpRequest, number: str):
    try:
        return selectors.rma_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc


@permission_required("rma.view_rma")
def rma_detail(request: HttpRequest, number: str) -> HttpResponse:
    rma = _rma(request, number)
    context = {
        "rma": rma,
        "clocks": promise_views("rma", rma.pk, timezone.now()),
        "events": selectors.activities_for_user(user=request.user, rma=rma),
        "actions": access.available_actions(request.user, rma),
    }
    return render(request, "rma/detail.html", context)


STEPS = {
    "reserve": lambda r, u, p, at: services.rma_reserve(
        rma=r, by=u, warehouse_code=p.get("warehouse", "")[:40], at=at
    ),
    "ship": lambda r, u, p, at: services.rma_ship(
        rma=r,
        by=u,
        carrier=p.get("carrier", ""),
        tracking=p.get("tracking", ""),
        serial=p.get("serial", ""),
        at=at,
    ),
    "delivered": lambda r, u, p, at: services.rma_delivered(rma=r, by=u, at=at),
    "faulty_shipped": lambda r, u, p, at: services.rma_faulty_shipped(
        rma=r, by=u, carrier=p.get("carrier", ""), tracking=p.get("tracking", ""), at=at
    ),
    "faulty_received": lambda r, u, p, at: services.rma_faulty_received(rma=r, by=u, at=at),
    "vendor_sent": lambda r, u, p, at: services.rma_vendor_sent(
        rma=r, by=u, vendor=p.get("vendor", ""), reference=p.get("reference", ""), at=at
    ),
    "vendor_back": lambda r, u, p, at: services.rma_vendor_back(
        rma=r, by=u, cost=p.get("cost", ""), at=at
    ),
    "repaired": lambda r, u, p, at: services.rma_repaired(rma=r, by=u, at=at),
    "close": lambda r, u, p, at: services.rma_close(rma=r, by=u, at=at),
    "cancel": lambda r, u, p, at: services.rma_cancel(
        rma=r, by=u, reason=p.get("reason", ""), at=at
    ),
}


@permission_required("rma.work_rma")
@require_POST
def rma_step(request: HttpRequest, number: str, action: str) -> HttpResponse:
    rma = _rma(request, number)
    if action not in STEPS:
        raise Http404
    try:
        STEPS[action](rma, request.user, request.POST, typed_moment(request.POST.get("at", "")))
    except ApplicationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, DONE)
    return redirect("rma:detail", number=rma.number)


app_name = "rma"
urlpatterns = [
    path("", rma_list, name="list"),
    path("open/<str:number>/", rma_open, name="open"),
    path("<str:number>/", rma_detail, name="detail"),
    path("<str:number>/<str:action>/", rma_step, name="step"),
]
