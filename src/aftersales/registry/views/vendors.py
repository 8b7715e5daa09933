"""Vendor and product-model pages: list, create and edit of each."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.decorators import permission_required
from aftersales.registry import forms, selectors, services
from aftersales.registry.views.pages import ListPage, edit_page, form_page, get_or_404

VENDOR_LIST = ListPage("registry/vendor_list.html", forms.ListFilter, selectors.vendor_list)
PRODUCT_MODEL_LIST = ListPage(
    "registry/product_model_list.html",
    forms.ProductModelFilter,
    selectors.product_model_list,
    text=("kind",),
    ids=("vendor",),
)


@permission_required("registry.view_vendor")
def vendor_list(request: HttpRequest) -> HttpResponse:
    return VENDOR_LIST.render(request)


@permission_required("registry.add_vendor")
def vendor_create(request: HttpRequest) -> HttpResponse:
    back = reverse("registry:vendor_list")
    return form_page(
        request,
        forms.VendorForm(request.POST or None),
        lambda data: services.vendor_create(by=request.user, **data),
        lambda v: back,
        title=_("New vendor"),
        cancel=back,
    )


@permission_required("registry.change_vendor")
def vendor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_or_404(selectors.vendor_get, request, pk)
    return edit_page(
        request,
        obj=vendor,
        kind="vendor",
        form_class=forms.VendorForm,
        save=lambda data: services.vendor_update(vendor=vendor, by=request.user, **data),
        back=reverse("registry:vendor_list"),
        title=_("Edit vendor %(name)s") % {"name": vendor},
    )


@permission_required("registry.view_productmodel")
def product_model_list(request: HttpRequest) -> HttpResponse:
    return PRODUCT_MODEL_LIST.render(request)


@permission_required("registry.add_productmodel")
def product_model_create(request: HttpRequest) -> HttpResponse:
    back = reverse("registry:product_model_list")
    initial = {"vendor": request.GET.get("vendor"), "warranty_months": 36}
    return form_page(
        request,
        forms.ProductModelForm(request.POST or None, initial=initial),
        lambda data: services.product_model_create(by=request.user, **data),
        lambda m: back,
        title=_("New product model"),
        cancel=back,
    )


@permission_required("registry.change_productmodel")
def product_model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    model = get_or_404(selectors.product_model_get, request, pk)
    return edit_page(
        request,
        obj=model,
        kind="productmodel",
        form_class=forms.ProductModelForm,
        save=lambda data: services.product_model_update(
            product_model=model, by=request.user, **data
        ),
        back=reverse("registry:product_model_list"),
        title=_("Edit product model %(name)s") % {"name": model},
    )


urlpatterns = [
    path("vendors/", vendor_list, name="vendor_list"),
    path("vendors/new/", vendor_create, name="vendor_create"),
    path("vendors/<int:pk>/edit/", vendor_edit, name="vendor_edit"),
    path("models/", product_model_list, name="product_model_list"),
    path("models/new/", product_model_create, name="product_model_create"),
    path("models/<int:pk>/edit/", product_model_edit, name="product_model_edit"),
]
