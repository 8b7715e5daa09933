"""The customer portal's view of its own contracts: read-only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from aftersales.accounts.decorators import contact_required
from aftersales.contracts import selectors
from aftersales.contracts.entitlement import service_level_label
from aftersales.core.errors import NotFound


@contact_required
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = (
        selectors.contracts_for_user(request.user).select_related("sla_policy").order_by("-ends_on")
    )
    return render(
        request,
        "portal/contract_list.html",
        {"contracts": contracts, "today": timezone.localdate()},
    )


@contact_required
def contract_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        contract = selectors.contract_get_for_user(user=request.user, number=number)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "portal/contract_detail.html",
        {
            "contract": contract,
            "level": service_level_label(contract.sla_policy.code),
            "assets": contract.assets.select_related("product_model__vendor"),
            "projects": contract.projects.all(),
            "today": timezone.localdate(),
        },
    )


urlpatterns = [
    path("", contract_list, name="contract_list"),
    path("<str:number>/", contract_detail, name="contract_detail"),
]
