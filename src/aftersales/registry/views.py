"""Staff console pages for the registry (CRUD with search, filters and pagination)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.accounts.roles import Role
from aftersales.core.errors import Invalid, NotFound
from aftersales.core.pagination import console_page
from aftersales.registry import forms, selectors, services
from aftersales.registry.models import ProjectMember

PER_PAGE = 50
CUSTOMER_ASSETS_SHOWN = 20
SAVED = _("Saved.")
DEACTIVATED = _("Deactivated.")
REACTIVATED = _("Reactivated.")


# --- helpers shared by every page ---
# The permission gate always goes outermost: a customer contact gets 404, never 405.


def _get(getter: Callable[..., Any], request: HttpRequest, pk: int) -> Any:
    try:
        return getter(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def _list_page(
    request: HttpRequest,
    template: str,
    queryset,
    filters: forms.ListFilter,
    decorate: Callable[[Any], None] | None = None,
    **context: Any,
) -> HttpResponse:
    """One list page: paginated rows; an HTMX request gets only the `rows` partial."""
    page = console_page(request, queryset, per_page=PER_PAGE)
    for row in page.object_list if decorate else ():
        decorate(row)
    context.update(page=page, filters=filters, inactive=bool(filters.value("inactive")))
    # A history restore wants the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#rows"
    return render(request, template, context)


def _form_page(
    request: HttpRequest,
    form,
    save: Callable[[dict], Any],
    success: Callable[[Any], str],
    **context: Any,
) -> HttpResponse:
    """Show a form; on a valid POST call the service and map its Invalid onto the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except Invalid as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc.message))
        else:
            messages.success(request, SAVED)
            return redirect(success(obj))
    status = 422 if request.method == "POST" else 200
    context.update(form=form)
    return render(request, "registry/form.html", context, status=status)


def _filters(cls: type[forms.ListFilter], request: HttpRequest) -> forms.ListFilter:
    return cls(request.GET)


def _id(value: Any) -> int | None:
    return getattr(value, "pk", value) or None


def _customer_url(obj: Any) -> str:
    return reverse("registry:customer_detail", args=[obj.customer_id])


# --- customers ---


@permission_required("registry.view_customer")
def customer_list(request: HttpRequest) -> HttpResponse:
    f = _filters(forms.CustomerFilter, request)
    qs = selectors.customer_list(
        user=request.user,
        q=f.value("q") or "",
        region=f.value("region") or "",
        level=f.value("level") or "",
        inactive=bool(f.value("inactive")),
    )
    return _list_page(request, "registry/customer_list.html", qs, f)


@permission_required("registry.view_customer")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _get(selectors.customer_get, request, pk)
    user = request.user
    members = Prefetch(
        "members",
        queryset=ProjectMember.objects.filter(is_active=True).select_related("user", "contact"),
        to_attr="active_members",
    )
    assets = selectors.asset_list(user=user, customer=customer.pk)
    return render(
        request,
        "registry/customer_detail.html",
        {
            "customer": customer,
            "contacts": selectors.contact_list(
                user=user, customer=customer.pk, inactive=True
            ).order_by("-is_active", "name"),
            "projects": selectors.project_list(user=user, customer=customer.pk, inactive=True)
            .prefetch_related(members)
            .order_by("-is_active", "code"),
            "sites": selectors.site_list(user=user, customer=customer.pk, inactive=True).order_by(
                "-is_active", "name"
            ),
            "assets": assets[:CUSTOMER_ASSETS_SHOWN],
            "asset_count": assets.count(),
            "topologies": selectors.topology_list(user=user, customer=customer),
            "engineers": selectors.engineer_list(user=user, customer=customer.pk),
            "responsibility_form": forms.ResponsibilityForm(),
        },
    )


@permission_required("registry.add_customer")
def customer_create(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        forms.CustomerForm(request.POST or None),
        lambda data: services.customer_register(**data),
        lambda c: reverse("registry:customer_detail", args=[c.pk]),
        title=_("New customer"),
        cancel=reverse("registry:customer_list"),
    )


@permission_required("registry.change_customer")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _get(selectors.customer_get, request, pk)
    detail = reverse("registry:customer_detail", args=[pk])
    return _form_page(
        request,
        forms.CustomerForm(request.POST or None, initial=forms.CustomerForm.initial_for(customer)),
        lambda data: services.customer_update(customer=customer, **data),
        lambda c: detail,
        title=_("Edit customer %(name)s") % {"name": customer},
        cancel=detail,
        obj=customer,
        kind="customer",
    )


@permission_required("registry.change_engineer")
@require_POST
def customer_engineer_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _get(selectors.customer_get, request, pk)
    form = forms.ResponsibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect("registry:customer_detail", pk=pk)
    services.engineer_responsibility_add(engineer=form.cleaned_data["engineer"], customer=customer)
    messages.success(request, SAVED)
    return redirect("registry:customer_detail", pk=pk)


@permission_required("registry.change_engineer")
@require_POST
def customer_engineer_remove(request: HttpRequest, pk: int, engineer_pk: int) -> HttpResponse:
    customer = _get(selectors.customer_get, request, pk)
    engineer = _get(selectors.engineer_get, request, engineer_pk)
    services.engineer_responsibility_remove(engineer=engineer, customer=customer)
    messages.success(request, SAVED)
    return redirect("registry:customer_detail", pk=pk)


# --- contacts ---


@permission_required("registry.view_contact")
def contact_list(request: HttpRequest) -> HttpResponse:
    f = _filters(forms.CustomerScopedFilter, request)
    qs = selectors.contact_list(
        user=request.user,
        q=f.value("q") or "",
        customer=f.value("customer"),
        inactive=bool(f.value("inactive")),
    )
    return _list_page(request, "registry/contact_list.html", qs, f)


@permission_required("registry.add_contact")
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _get(selectors.customer_get, request, pk)
    detail = reverse("registry:customer_detail", args=[pk])
    return _form_page(
        request,
        forms.ContactCreateForm(request.POST or None),
        lambda data: services.contact_create(customer=customer, **data),
        lambda c: detail,
        title=_("New contact of %(name)s") % {"name": customer},
        cancel=detail,
    )


@permission_required("registry.change_contact")
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _get(selectors.contact_get, request, pk)
    return _form_page(
        request,
        forms.ContactForm(request.POST or None, initial=forms.ContactForm.initial_for(contact)),
        lambda data: services.contact_update(contact=contact, **data),
        _customer_url,
        title=_("Edit contact %(name)s") % {"name": contact},
        cancel=_customer_url(contact),
        obj=contact,
        kind="contact",
    )


@permission_required("registry.change_contact")
def contact_login(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _get(selectors.contact_get, request, pk)
    initial = {"username": contact.user.username} if contact.user_id else None
    return _form_page(
        request,
        forms.PortalLoginForm(request.POST or None, initial=initial),
        lambda data: services.contact_portal_login_set(contact=contact, **data),
        _customer_url,
        title=_("Portal login of %(name)s") % {"name": contact},
        cancel=_customer_url(contact),
    )


@permission_required("registry.change_contact")
@require_POST
def contact_login_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _get(selectors.contact_get, request, pk)
    try:
        services.contact_portal_login_revoke(contact=contact)
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Portal login revoked."))
    return redirect(_customer_url(contact))


# --- projects and their members ---


@permission_required("registry.view_project")
def project_list(request: HttpRequest) -> HttpResponse:
    f = _filters(forms.CustomerScopedFilter, request)
    qs = selectors.project_list(
        user=request.user,
        q=f.value("q") or "",
        customer=f.value("customer"),
        inactive=bool(f.value("inactive")),
    )
    return _list_page(request, "registry/project_list.html", qs, f)


@permission_required("registry.view_project")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(selectors.project_get, request, pk)
    return render(
        request,
        "registry/project_detail.html",
        {
            "project": project,
            "members": selectors.project_members(project),
            "staff_form": forms.StaffMemberForm(),
            "contact_form": forms.ContactMemberForm(project=project),
            "assets": selectors.asset_list(user=request.user, project=project.pk)[:50],
        },
    )


@permission_required("registry.add_project")
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _get(selectors.customer_get, request, pk)
    return _form_page(
        request,
        forms.ProjectForm(request.POST or None),
        lambda data: services.project_create(customer=customer, **data),
        lambda p: reverse("registry:project_detail", args=[p.pk]),
        title=_("New project of %(name)s") % {"name": customer},
        cancel=reverse("registry:customer_detail", args=[pk]),
    )


@permission_required("registry.change_project")
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(selectors.project_get, request, pk)
    detail = reverse("registry:project_detail", args=[pk])
    return _form_page(
        request,
        forms.ProjectForm(request.POST or None, initial=forms.ProjectForm.initial_for(project)),
        lambda data: services.project_update(project=project, **data),
        lambda p: detail,
        title=_("Edit project %(name)s") % {"name": project},
        cancel=detail,
        obj=project,
        kind="project",
    )


@permission_required("registry.add_projectmember")
@require_POST
def project_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a member of either side: the posted `side` says which of the two forms it is."""
    project = _get(selectors.project_get, request, pk)
    if request.POST.get("side") == "customer":
        form = forms.ContactMemberForm(request.POST, project=project)
    else:
        form = forms.StaffMemberForm(request.POST)
    if form.is_valid():
        try:
            services.project_member_add(project=project, **form.cleaned_data)
        except Invalid as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, SAVED)
            return redirect("registry:project_detail", pk=pk)
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return redirect("registry:project_detail", pk=pk)


@permission_required("registry.change_projectmember")
@require_POST
def project_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = _get(selectors.project_get, request, pk)
    member = selectors.project_members(project).filter(pk=member_pk).first()
    if member is None:
        raise Http404
    services.project_member_remove(member=member)
    messages.success(request, _("Member removed."))
    return redirect("registry:project_detail", pk=pk)


# --- sites ---


@permission_required("registry.view_site")
def site_list(request: HttpRequest) -> HttpResponse:
    f = _filters(forms.SiteFilter, request)
    qs = selectors.site_list(
        user=request.user,
        q=f.value("q") or "",
        customer=f.value("customer"),
        region=f.value("region") or "",
        inactive=bool(f.value("inactive")),
    )
    return _list_page(request, "registry/site_list.html", qs, f)


@permission_required("registry.add_site")
def site_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _get(selectors.customer_get, request, pk)
    detail = reverse("registry:customer_detail", args=[pk])
    return _form_page(
        request,
        forms.SiteForm(request.POST or None, initial={"region": customer.region}),
        lambda data: services.site_create(customer=customer, **data),
        lambda s: detail,
        title=_("New site of %(name)s") % {"name": customer},
        cancel=detail,
    )


@permission_required("registry.change_site")
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = _get(selectors.site_get, request, pk)
    return _form_page(
        request,
        forms.SiteForm(request.POST or None, initial=forms.SiteForm.initial_for(site)),
        lambda data: services.site_update(site=site, **data),
        _customer_url,
        title=_("Edit site %(name)s") % {"name": site},
        cancel=_customer_url(site),
        obj=site,
        kind="site",
    )


# --- vendors and product models ---


@permission_required("registry.view_vendor")
def vendor_list(request: HttpRequest) -> HttpResponse:
    f = _filters(forms.ListFilter, request)
    qs = selectors.vendor_list(
        user=request.user, q=f.value("q") or "", inactive=bool(f.value("inactive"))
    )
    return _list_page(request, "registry/vendor_list.html", qs, f)


@permission_required("registry.add_vendor")
def vendor_create(request: HttpRequest) -> HttpResponse:
    back = reverse("registry:vendor_list")
    return _form_page(
        request,
        forms.VendorForm(request.POST or None),
        lambda data: services.vendor_create(**data),
        lambda v: back,
        title=_("New vendor"),
        cancel=back,
    )


@permission_required("registry.change_vendor")
def vendor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = _get(selectors.vendor_get, request, pk)
    back = reverse("registry:vendor_list")
    return _form_page(
        request,
        forms.VendorForm(request.POST or None, initial=forms.VendorForm.initial_for(vendor)),
        lambda data: services.vendor_update(vendor=vendor, **data),
        lambda v: back,
        title=_("Edit vendor %(name)s") % {"name": vendor},
        cancel=back,
        obj=vendor,
        kind="vendor",
    )


@permission_required("registry.view_productmodel")
def product_model_list(request: HttpRequest) -> HttpResponse:
    f = _filters(forms.ProductModelFilter, request)
    qs = selectors.product_model_list(
        user=request.user,
        q=f.value("q") or "",
        vendor=_id(f.value("vendor")),
        kind=f.value("kind") or "",
        inactive=bool(f.value("inactive")),
    )
    return _list_page(request, "registry/product_model_list.html", qs, f)


@permission_required("registry.add_productmodel")
def product_model_create(request: HttpRequest) -> HttpResponse:
    back = reverse("registry:product_model_list")
    initial = {"vendor": request.GET.get("vendor"), "warranty_months": 36}
    return _form_page(
        request,
        forms.ProductModelForm(request.POST or None, initial=initial),
        lambda data: services.product_model_create(**data),
        lambda m: back,
        title=_("New product model"),
        cancel=back,
    )


@permission_required("registry.change_productmodel")
def product_model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    model = _get(selectors.product_model_get, request, pk)
    back = reverse("registry:product_model_list")
    return _form_page(
        request,
        forms.ProductModelForm(
            request.POST or None, initial=forms.ProductModelForm.initial_for(model)
        ),
        lambda data: services.product_model_update(product_model=model, **data),
        lambda m: back,
        title=_("Edit product model %(name)s") % {"name": model},
        cancel=back,
        obj=model,
        kind="productmodel",
    )


# --- assets ---


@permission_required("registry.view_asset")
def asset_list(request: HttpRequest) -> HttpResponse:
    f = _filters(forms.AssetFilter, request)
    customer_id = f.value("customer")
    qs = selectors.asset_list(
        user=request.user,
        q=f.value("q") or "",
        customer=customer_id,
        vendor=_id(f.value("vendor")),
        product_model=_id(f.value("product_model")),
        project=f.value("project"),
        site=f.value("site"),
        inactive=bool(f.value("inactive")),
    )
    customer = None
    if customer_id:
        # Named in the heading, with an "add asset" button for that customer.
        try:
            customer = selectors.customer_get(user=request.user, pk=customer_id)
        except NotFound:
            customer = None
    return _list_page(request, "registry/asset_list.html", qs, f, customer=customer)


@permission_required("registry.view_asset")
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _get(selectors.asset_get, request, pk)
    return render(
        request,
        "registry/asset_detail.html",
        {"asset": asset, "components": selectors.asset_components(asset)},
    )


def _asset_save(data: dict, **target: Any) -> Any:
    if "asset" in target:
        return services.asset_update(**target, **data)
    return services.asset_register(**target, **data)


@permission_required("registry.add_asset")
def asset_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _get(selectors.customer_get, request, pk)
    initial = {}
    parent = request.GET.get("parent", "")
    if parent.isdigit():
        found = selectors.asset_list(user=request.user, customer=pk).filter(pk=parent).first()
        if found is not None:
            initial = {"parent": found.serial_number, "site": found.site_id}
            initial["project"] = found.project_id
    return _form_page(
        request,
        forms.AssetForm(request.POST or None, customer=customer, initial=initial),
        lambda data: _asset_save(data, customer=customer),
        lambda a: reverse("registry:asset_detail", args=[a.pk]),
        title=_("New asset of %(name)s") % {"name": customer},
        cancel=reverse("registry:customer_detail", args=[pk]),
    )


@permission_required("registry.change_asset")
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _get(selectors.asset_get, request, pk)
    detail = reverse("registry:asset_detail", args=[pk])
    return _form_page(
        request,
        forms.AssetForm(
            request.POST or None,
            customer=asset.customer,
            initial=forms.AssetForm.initial_for(asset),
        ),
        lambda data: _asset_save(data, asset=asset),
        lambda a: detail,
        title=_("Edit asset %(name)s") % {"name": asset},
        cancel=detail,
        obj=asset,
        kind="asset",
    )


# --- topology diagrams ---


@permission_required("registry.add_topologyattachment")
def topology_upload(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _get(selectors.customer_get, request, pk)
    detail = reverse("registry:customer_detail", args=[pk])
    return _form_page(
        request,
        forms.TopologyForm(request.POST or None, request.FILES or None, customer=customer),
        lambda data: services.topology_upload(customer=customer, by=request.user, **data),
        lambda t: detail,
        title=_("Upload a topology diagram for %(name)s") % {"name": customer},
        cancel=detail,
        multipart=True,
    )


@permission_required("registry.view_topologyattachment")
def topology_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The only way to a stored diagram: permission-checked, always a download."""
    attachment = _get(selectors.topology_get, request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    ext = os.path.splitext(attachment.file.name)[1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{attachment.title}{ext}",
        content_type=attachment.content_type or "application/octet-stream",
    )
    # Even if a browser were talked into rendering it, the file runs nothing in our origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- engineers ---


def _role_labels(engineer: Any) -> None:
    # Groups are prefetched; the names are Role values, shown by their translated labels.
    names = [g.name for g in engineer.user.groups.all()]
    engineer.role_labels = [Role(n).label for n in names if n in Role.values]


@permission_required("registry.view_engineer")
def engineer_list(request: HttpRequest) -> HttpResponse:
    f = _filters(forms.EngineerFilter, request)
    qs = selectors.engineer_list(
        user=request.user,
        q=f.value("q") or "",
        region=f.value("region") or "",
        skill=_id(f.value("skill")),
        on_call=f.value("on_call"),
        customer=f.value("customer"),
        inactive=bool(f.value("inactive")),
    )
    return _list_page(request, "registry/engineer_list.html", qs, f, decorate=_role_labels)


@permission_required("registry.view_engineer")
def engineer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engineer = _get(selectors.engineer_get, request, pk)
    _role_labels(engineer)
    customers = engineer.customers.order_by("code")
    return render(
        request, "registry/engineer_detail.html", {"engineer": engineer, "customers": customers}
    )


@permission_required("registry.add_engineer")
def engineer_create(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        forms.EngineerCreateForm(request.POST or None),
        lambda data: services.engineer_register(**data),
        lambda e: reverse("registry:engineer_detail", args=[e.pk]),
        title=_("New engineer"),
        cancel=reverse("registry:engineer_list"),
    )


@permission_required("registry.change_engineer")
def engineer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    engineer = _get(selectors.engineer_get, request, pk)
    detail = reverse("registry:engineer_detail", args=[pk])
    return _form_page(
        request,
        forms.EngineerForm(request.POST or None, initial=forms.EngineerForm.initial_for(engineer)),
        lambda data: services.engineer_update(engineer=engineer, **data),
        lambda e: detail,
        title=_("Edit engineer %(name)s") % {"name": engineer},
        cancel=detail,
        obj=engineer,
        kind="engineer",
    )


# --- deactivate / reactivate, one pair of URLs per kind ---

# kind -> (URL prefix, selector that finds the row, where to go afterwards)
ACTIVATION: dict[str, tuple[str, Callable[..., Any], Callable[[Any], str]]] = {
    "customer": (
        "customers",
        selectors.customer_get,
        lambda o: reverse("registry:customer_detail", args=[o.pk]),
    ),
    "contact": ("contacts", selectors.contact_get, _customer_url),
    "project": (
        "projects",
        selectors.project_get,
        lambda o: reverse("registry:project_detail", args=[o.pk]),
    ),
    "site": ("sites", selectors.site_get, _customer_url),
    "vendor": ("vendors", selectors.vendor_get, lambda o: reverse("registry:vendor_list")),
    "productmodel": (
        "models",
        selectors.product_model_get,
        lambda o: reverse("registry:product_model_list"),
    ),
    "asset": (
        "assets",
        selectors.asset_get,
        lambda o: reverse("registry:asset_detail", args=[o.pk]),
    ),
    "topologyattachment": ("topology", selectors.topology_get, _customer_url),
    "engineer": (
        "engineers",
        selectors.engineer_get,
        lambda o: reverse("registry:engineer_detail", args=[o.pk]),
    ),
}


def _activation_view(kind: str, active: bool) -> Callable[..., HttpResponse]:
    _prefix, getter, back = ACTIVATION[kind]

    @permission_required(f"registry.change_{kind}")
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = _get(getter, request, pk)
        if active:
            services.reactivate(obj=obj)
            messages.success(request, REACTIVATED)
        else:
            services.deactivate(obj=obj)
            messages.success(request, DEACTIVATED)
        return redirect(back(obj))

    view.__name__ = f"{kind}_{'reactivate' if active else 'deactivate'}"
    return view


urlpatterns: list = [
    path("customers/", customer_list, name="customer_list"),
    path("customers/new/", customer_create, name="customer_create"),
    path("customers/<int:pk>/", customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customer_edit, name="customer_edit"),
    path("customers/<int:pk>/contacts/new/", contact_create, name="contact_create"),
    path("customers/<int:pk>/projects/new/", project_create, name="project_create"),
    path("customers/<int:pk>/sites/new/", site_create, name="site_create"),
    path("customers/<int:pk>/assets/new/", asset_create, name="asset_create"),
    path("customers/<int:pk>/topology/new/", topology_upload, name="topology_upload"),
    path("customers/<int:pk>/engineers/add/", customer_engineer_add, name="customer_engineer_add"),
    path(
        "customers/<int:pk>/engineers/<int:engineer_pk>/remove/",
        customer_engineer_remove,
        name="customer_engineer_remove",
    ),
    path("contacts/", contact_list, name="contact_list"),
    path("contacts/<int:pk>/edit/", contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/login/", contact_login, name="contact_login"),
    path("contacts/<int:pk>/login/revoke/", contact_login_revoke, name="contact_login_revoke"),
    path("projects/", project_list, name="project_list"),
    path("projects/<int:pk>/", project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", project_edit, name="project_edit"),
    path("projects/<int:pk>/members/add/", project_member_add, name="project_member_add"),
    path(
        "projects/<int:pk>/members/<int:member_pk>/remove/",
        project_member_remove,
        name="project_member_remove",
    ),
    path("sites/", site_list, name="site_list"),
    path("sites/<int:pk>/edit/", site_edit, name="site_edit"),
    path("vendors/", vendor_list, name="vendor_list"),
    path("vendors/new/", vendor_create, name="vendor_create"),
    path("vendors/<int:pk>/edit/", vendor_edit, name="vendor_edit"),
    path("models/", product_model_list, name="product_model_list"),
    path("models/new/", product_model_create, name="product_model_create"),
    path("models/<int:pk>/edit/", product_model_edit, name="product_model_edit"),
    path("assets/", asset_list, name="asset_list"),
    path("assets/<int:pk>/", asset_detail, name="asset_detail"),
    path("assets/<int:pk>/edit/", asset_edit, name="asset_edit"),
    path("topology/<int:pk>/download/", topology_download, name="topology_download"),
    path("engineers/", engineer_list, name="engineer_list"),
    path("engineers/new/", engineer_create, name="engineer_create"),
    path("engineers/<int:pk>/", engineer_detail, name="engineer_detail"),
    path("engineers/<int:pk>/edit/", engineer_edit, name="engineer_edit"),
]
for _kind, (_prefix, _getter, _back) in ACTIVATION.items():
    urlpatterns += [
        path(
            f"{_prefix}/<int:pk>/deactivate/",
            _activation_view(_kind, False),
            name=f"{_kind}_deactivate",
        ),
        path(
            f"{_prefix}/<int:pk>/reactivate/",
            _activation_view(_kind, True),
            name=f"{_kind}_reactivate",
        ),
    ]
