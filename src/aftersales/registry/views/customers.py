"""Customer pages: list, detail, create and edit, and the engineers responsible for one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.access import is_staff_member
from aftersales.accounts.decorators import permission_required
from aftersales.core import timeline
from aftersales.registry import forms, selectors, services
from aftersales.registry.views.pages import (
    SAVED,
    ListPage,
    edit_page,
    form_errors,
    form_page,
    get_or_404,
)

CUSTOMER_ASSETS_SHOWN = 20
# The customer page's history card: its own rows, its registry rows and its contracts (the
# many case and repair rows have their own pages).
HISTORY_KINDS = ("customer", "contact", "site", "project", "asset", "contract")

CUSTOMER_LIST = ListPage(
    "registry/customer_list.html",
    forms.CustomerFilter,
    selectors.customer_list,
    text=("region", "level"),
)


@permission_required("registry.view_customer")
def customer_list(request: HttpRequest) -> HttpResponse:
    return CUSTOMER_LIST.render(request)


@permission_required("registry.view_customer")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_or_404(selectors.customer_get, request, pk)
    user = request.user
    assets = selectors.asset_list(user=user, customer=customer.pk)
    return render(
        request,
        "registry/customer_detail.html",
        {
            "customer": customer,
            "contacts": selectors.contact_list(
                user=user, customer=customer.pk, inactive=True
            ).order_by("-is_active", "name"),
            "projects": selectors.customer_projects(user=user, customer=customer),
            "sites": selectors.site_list(user=user, customer=customer.pk, inactive=True).order_by(
                "-is_active", "name"
            ),
            "assets": assets[:CUSTOMER_ASSETS_SHOWN],
            "asset_count": assets.count(),
            "topologies": selectors.topology_list(user=user, customer=customer),
            "engineers": selectors.engineer_list(user=user, customer=customer.pk),
            "responsibility_form": forms.ResponsibilityForm(),
            "history": timeline.for_customer(customer.pk, subject_kinds=HISTORY_KINDS)
            if is_staff_member(user)
            else None,
            "show_subject": True,
            "subject_kind": "customer",
        },
    )


@permission_required("registry.add_customer")
def customer_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        forms.CustomerForm(request.POST or None),
        lambda data: services.customer_register(by=request.user, **data),
        lambda c: reverse("registry:customer_detail", args=[c.pk]),
        title=_("New customer"),
        cancel=reverse("registry:customer_list"),
    )


@permission_required("registry.change_customer")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_or_404(selectors.customer_get, request, pk)
    return edit_page(
        request,
        obj=customer,
        kind="customer",
        form_class=forms.CustomerForm,
        save=lambda data: services.customer_update(customer=customer, by=request.user, **data),
        back=reverse("registry:customer_detail", args=[pk]),
        title=_("Edit customer %(name)s") % {"name": customer},
    )


@permission_required("registry.change_engineer")
@require_POST
def customer_engineer_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_or_404(selectors.customer_get, request, pk)
    form = forms.ResponsibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("registry:customer_detail", pk=pk)
    services.engineer_responsibility_add(
        engineer=form.cleaned_data["engineer"], customer=customer, by=request.user
    )
    messages.success(request, SAVED)
    return redirect("registry:customer_detail", pk=pk)


@permission_required("registry.change_engineer")
@require_POST
def customer_engineer_remove(request: HttpRequest, pk: int, engineer_pk: int) -> HttpResponse:
    customer = get_or_404(selectors.customer_get, request, pk)
    engineer = get_or_404(selectors.engineer_get, request, engineer_pk)
    services.engineer_responsibility_remove(engineer=engineer, customer=customer, by=request.user)
    messages.success(request, SAVED)
    return redirect("registry:customer_detail", pk=pk)


urlpatterns = [
    path("customers/", customer_list, name="customer_list"),
    path("customers/new/", customer_create, name="customer_create"),
    path("customers/<int:pk>/", customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customer_edit, name="customer_edit"),
    path("customers/<int:pk>/engineers/add/", customer_engineer_add, name="customer_engineer_add"),
    path(
        "customers/<int:pk>/engineers/<int:engineer_pk>/remove/",
        customer_engineer_remove,
        name="customer_engineer_remove",
    ),
]
