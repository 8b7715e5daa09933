"""Contact pages: list, create and edit, and the contact's customer-portal login."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.core import html_errors
from aftersales.core.errors import ApplicationError
from aftersales.registry import forms, selectors, services
from aftersales.registry.views.pages import (
    ListPage,
    customer_url,
    edit_page,
    form_page,
    get_or_404,
)

CONTACT_LIST = ListPage(
    "registry/contact_list.html",
    forms.CustomerScopedFilter,
    selectors.contact_list,
    raw=("customer",),
)


@permission_required("registry.view_contact")
def contact_list(request: HttpRequest) -> HttpResponse:
    return CONTACT_LIST.render(request)


@permission_required("registry.add_contact")
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_or_404(selectors.customer_get, request, pk)
    detail = reverse("registry:customer_detail", args=[pk])
    return form_page(
        request,
        forms.ContactCreateForm(request.POST or None),
        lambda data: services.contact_create(customer=customer, by=request.user, **data),
        lambda c: detail,
        title=_("New contact of %(name)s") % {"name": customer},
        cancel=detail,
    )


@permission_required("registry.change_contact")
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_or_404(selectors.contact_get, request, pk)
    return edit_page(
        request,
        obj=contact,
        kind="contact",
        form_class=forms.ContactForm,
        save=lambda data: services.contact_update(contact=contact, by=request.user, **data),
        back=customer_url(contact),
        title=_("Edit contact %(name)s") % {"name": contact},
    )


@permission_required("registry.change_contact")
def contact_login(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_or_404(selectors.contact_get, request, pk)
    initial = {"username": contact.user.username} if contact.user_id else None
    return form_page(
        request,
        forms.PortalLoginForm(request.POST or None, initial=initial),
        lambda data: services.contact_portal_login_set(contact=contact, by=request.user, **data),
        customer_url,
        title=_("Portal login of %(name)s") % {"name": contact},
        cancel=customer_url(contact),
    )


@permission_required("registry.change_contact")
@require_POST
def contact_login_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_or_404(selectors.contact_get, request, pk)
    try:
        services.contact_portal_login_revoke(contact=contact, by=request.user)
    except ApplicationError as exc:
        html_errors.flash_error(request, exc)
    else:
        messages.success(request, _("Portal login revoked."))
    return redirect(customer_url(contact))


urlpatterns = [
    path("customers/<int:pk>/contacts/new/", contact_create, name="contact_create"),
    path("contacts/", contact_list, name="contact_list"),
    path("contacts/<int:pk>/edit/", contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/login/", contact_login, name="contact_login"),
    path("contacts/<int:pk>/login/revoke/", contact_login_revoke, name="contact_login_revoke"),
]
