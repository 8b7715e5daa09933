"""Site pages: list, create and edit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.decorators import permission_required
from aftersales.registry import forms, selectors, services
from aftersales.registry.views.pages import (
    ListPage,
    customer_url,
    edit_page,
    form_page,
    get_or_404,
)

SITE_LIST = ListPage(
    "registry/site_list.html",
    forms.SiteFilter,
    selectors.site_list,
    text=("region",),
    raw=("customer",),
)


@permission_required("registry.view_site")
def site_list(request: HttpRequest) -> HttpResponse:
    return SITE_LIST.render(request)


@permission_required("registry.add_site")
def site_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_or_404(selectors.customer_get, request, pk)
    detail = reverse("registry:customer_detail", args=[pk])
    return form_page(
        request,
        forms.SiteForm(request.POST or None, initial={"region": customer.region}),
        lambda data: services.site_create(customer=customer, by=request.user, **data),
        lambda s: detail,
        title=_("New site of %(name)s") % {"name": customer},
        cancel=detail,
    )


@permission_required("registry.change_site")
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_or_404(selectors.site_get, request, pk)
    return edit_page(
        request,
        obj=site,
        kind="site",
        form_class=forms.SiteForm,
        save=lambda data: services.site_update(site=site, by=request.user, **data),
        back=customer_url(site),
        title=_("Edit site %(name)s") % {"name": site},
    )


urlpatterns = [
    path("customers/<int:pk>/sites/new/", site_create, name="site_create"),
    path("sites/", site_list, name="site_list"),
    path("sites/<int:pk>/edit/", site_edit, name="site_edit"),
]
