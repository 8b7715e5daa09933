"""Engineer pages: list, detail, create and edit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.decorators import permission_required
from aftersales.accounts.roles import Role
from aftersales.registry import forms, selectors, services
from aftersales.registry.views.pages import ListPage, edit_page, form_page, get_or_404


def _role_labels(engineer: Any) -> None:
    # Groups are prefetched; the names are Role values, shown by their translated labels.
    names = [g.name for g in engineer.user.groups.all()]
    engineer.role_labels = [Role(n).label for n in names if n in Role.values]


ENGINEER_LIST = ListPage(
    "registry/engineer_list.html",
    forms.EngineerFilter,
    selectors.engineer_list,
    text=("region",),
    ids=("skill",),
    raw=("on_call", "customer"),
    decorate=lambda rows: [_role_labels(row) for row in rows],
)


@permission_required("registry.view_engineer")
def engineer_list(request: HttpRequest) -> HttpResponse:
    return ENGINEER_LIST.render(request)


@permission_required("registry.view_engineer")
def engineer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engineer = get_or_404(selectors.engineer_get, request, pk)
    _role_labels(engineer)
    customers = engineer.customers.order_by("code")
    return render(
        request, "registry/engineer_detail.html", {"engineer": engineer, "customers": customers}
    )


@permission_required("registry.add_engineer")
def engineer_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        forms.EngineerCreateForm(request.POST or None, user=request.user),
        lambda data: services.engineer_register(by=request.user, **data),
        lambda e: reverse("registry:engineer_detail", args=[e.pk]),
        title=_("New engineer"),
        cancel=reverse("registry:engineer_list"),
    )


@permission_required("registry.change_engineer")
def engineer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    engineer = get_or_404(selectors.engineer_get, request, pk)
    return edit_page(
        request,
        obj=engineer,
        kind="engineer",
        form_class=forms.EngineerForm,
        save=lambda data: services.engineer_update(engineer=engineer, by=request.user, **data),
        back=reverse("registry:engineer_detail", args=[pk]),
        title=_("Edit engineer %(name)s") % {"name": engineer},
    )


urlpatterns = [
    path("engineers/", engineer_list, name="engineer_list"),
    path("engineers/new/", engineer_create, name="engineer_create"),
    path("engineers/<int:pk>/", engineer_detail, name="engineer_detail"),
    path("engineers/<int:pk>/edit/", engineer_edit, name="engineer_edit"),
]
