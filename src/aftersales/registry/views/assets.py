"""Asset pages: list, detail, create (optionally as a component of another) and edit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.decorators import permission_required
from aftersales.core.db import id_or_none
from aftersales.core.errors import NotFound
from aftersales.registry import forms, selectors, services
from aftersales.registry.views.pages import ListPage, edit_page, form_page, get_or_404


def _filtered_customer(request: HttpRequest, filters: forms.ListFilter) -> dict[str, Any]:
    # Named in the heading, with an "add asset" button for that customer.
    customer_id = filters.value("customer")
    customer = None
    if customer_id:
        try:
            customer = selectors.customer_get(user=request.user, pk=customer_id)
        except NotFound:
            customer = None
    return {"customer": customer}


ASSET_LIST = ListPage(
    "registry/asset_list.html",
    forms.AssetFilter,
    selectors.asset_list,
    ids=("vendor", "product_model"),
    raw=("customer", "project", "site"),
    extra=_filtered_customer,
)


@permission_required("registry.view_asset")
def asset_list(request: HttpRequest) -> HttpResponse:
    return ASSET_LIST.render(request)


@permission_required("registry.view_asset")
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_or_404(selectors.asset_get, request, pk)
    return render(
        request,
        "registry/asset_detail.html",
        {"asset": asset, "components": selectors.asset_components(asset)},
    )


@permission_required("registry.add_asset")
def asset_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_or_404(selectors.customer_get, request, pk)
    initial = {}
    parent = id_or_none(request.GET.get("parent"))
    if parent is not None:
        # A component starts where its parent is: same site and project.
        found = selectors.asset_list(user=request.user, customer=pk).filter(pk=parent).first()
        if found is not None:
            initial = {
                "parent": found.serial_number,
                "site": found.site_id,
                "project": found.project_id,
            }
    return form_page(
        request,
        forms.AssetForm(request.POST or None, customer=customer, initial=initial),
        lambda data: services.asset_register(customer=customer, by=request.user, **data),
        lambda a: reverse("registry:asset_detail", args=[a.pk]),
        title=_("New asset of %(name)s") % {"name": customer},
        cancel=reverse("registry:customer_detail", args=[pk]),
    )


@permission_required("registry.change_asset")
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_or_404(selectors.asset_get, request, pk)
    return edit_page(
        request,
        obj=asset,
        kind="asset",
        form_class=forms.AssetForm,
        save=lambda data: services.asset_update(asset=asset, by=request.user, **data),
        back=reverse("registry:asset_detail", args=[pk]),
        title=_("Edit asset %(name)s") % {"name": asset},
        customer=asset.customer,
    )


urlpatterns = [
    path("customers/<int:pk>/assets/new/", asset_create, name="asset_create"),
    path("assets/", asset_list, name="asset_list"),
    path("assets/<int:pk>/", asset_detail, name="asset_detail"),
    path("assets/<int:pk>/edit/", asset_edit, name="asset_edit"),
]
