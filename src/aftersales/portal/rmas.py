"""The customer's RMAs on the portal: where the spare is, when the faulty part is due back."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import NotFound
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.rma import selectors
from aftersales.rma.models import RmaStatus
from aftersales.sla.selectors import promise_views

PER_PAGE = 20


class RmaFilter(ListFilter):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(RmaStatus.choices)
    )
    q = None  # a customer has few RMAs: the status is the filter
    inactive = None


@contact_required
def rma_list(request: HttpRequest) -> HttpResponse:
    filters = RmaFilter(request.GET)
    rmas = selectors.rma_list(
        user=request.user, filters=selectors.RmaFilters(status=filters.value("status") or "")
    )
    return list_page(request, "portal/rma_list.html", rmas, filters, per_page=PER_PAGE)


@contact_required
def rma_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        rma = selectors.rma_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc
    context = {
        "rma": rma,
        "clocks": promise_views("rma", rma.pk, timezone.now()),
        "events": selectors.activities_for_user(user=request.user, rma=rma),
    }
    return render(request, "portal/rma_detail.html", context)


urlpatterns = [
    path("rmas/", rma_list, name="rma_list"),
    path("rmas/<str:number>/", rma_detail, name="rma_detail"),
]
