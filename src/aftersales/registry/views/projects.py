"""Project pages: list, detail, create and edit, and the project's members on both sides."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core import html_errors
from aftersales.core.errors import ApplicationError
from aftersales.registry import forms, selectors, services
from aftersales.registry.views.pages import (
    SAVED,
    ListPage,
    edit_page,
    form_errors,
    form_page,
    get_or_404,
)

PROJECT_ASSETS_SHOWN = 50

PROJECT_LIST = ListPage(
    "registry/project_list.html",
    forms.CustomerScopedFilter,
    selectors.project_list,
    raw=("customer",),
)


@permission_required("registry.view_project")
def project_list(request: HttpRequest) -> HttpResponse:
    return PROJECT_LIST.render(request)


@permission_required("registry.view_project")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_or_404(selectors.project_get, request, pk)
    assets = selectors.asset_list(user=request.user, project=project.pk)
    return render(
        request,
        "registry/project_detail.html",
        {
            "project": project,
            "members": selectors.project_members(project),
            "staff_form": forms.StaffMemberForm(),
            "contact_form": forms.ContactMemberForm(project=project),
            "assets": assets[:PROJECT_ASSETS_SHOWN],
        },
    )


@permission_required("registry.add_project")
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_or_404(selectors.customer_get, request, pk)
    return form_page(
        request,
        forms.ProjectForm(request.POST or None),
        lambda data: services.project_create(customer=customer, by=request.user, **data),
        lambda p: reverse("registry:project_detail", args=[p.pk]),
        title=_("New project of %(name)s") % {"name": customer},
        cancel=reverse("registry:customer_detail", args=[pk]),
    )


@permission_required("registry.change_project")
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_or_404(selectors.project_get, request, pk)
    return edit_page(
        request,
        obj=project,
        kind="project",
        form_class=forms.ProjectForm,
        save=lambda data: services.project_update(project=project, by=request.user, **data),
        back=reverse("registry:project_detail", args=[pk]),
        title=_("Edit project %(name)s") % {"name": project},
    )


@permission_required("registry.add_projectmember")
@require_POST
def project_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a member of either side: the posted `side` says which of the two forms it is."""
    project = get_or_404(selectors.project_get, request, pk)
    if request.POST.get("side") == "customer":
        form = forms.ContactMemberForm(request.POST, project=project)
    else:
        form = forms.StaffMemberForm(request.POST)
    if form.is_valid():
        try:
            services.project_member_add(project=project, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            html_errors.flash_error(request, exc)
        else:
            messages.success(request, SAVED)
    else:
        messages.error(request, form_errors(form))
    return redirect("registry:project_detail", pk=pk)


@permission_required("registry.change_projectmember")
@require_POST
def project_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = get_or_404(selectors.project_get, request, pk)
    member = selectors.project_members(project).filter(pk=member_pk).first()
    if member is None:
        raise Http404
    services.project_member_remove(member=member, by=request.user)
    messages.success(request, _("Member removed."))
    return redirect("registry:project_detail", pk=pk)


urlpatterns = [
    path("customers/<int:pk>/projects/new/", project_create, name="project_create"),
    path("projects/", project_list, name="project_list"),
    path("projects/<int:pk>/", project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", project_edit, name="project_edit"),
    path("projects/<int:pk>/members/add/", project_member_add, name="project_member_add"),
    path(
        "projects/<int:pk>/members/<int:member_pk>/remove/",
        project_member_remove,
        name="project_member_remove",
    ),
]
