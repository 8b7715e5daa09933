"""The customer's deliveries on the portal (到货验收): each with its stage and its signed forms."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from aftersales.accounts.decorators import contact_required
from aftersales.core.errors import NotFound
from aftersales.core.pagination import console_page
from aftersales.fieldservice import delivery_selectors as selectors
from aftersales.fieldservice.delivery_forms_pdf import form_response

PER_PAGE = 20


@contact_required
def delivery_list(request: HttpRequest) -> HttpResponse:
    page = console_page(request, selectors.portal_deliveries(user=request.user), per_page=PER_PAGE)
    return render(request, "portal/delivery_list.html", {"page": page})


@contact_required
def delivery_form(request: HttpRequest, pk: int, form_id: int) -> HttpResponse:
    """A signed form of the customer's own delivery (another customer's: 404)."""
    try:
        delivery = selectors.delivery_get_for_user(user=request.user, ref=pk)
        inspection = selectors.inspection_get_for_user(
            user=request.user, delivery=delivery, pk=form_id
        )
    except NotFound as exc:
        raise Http404 from exc
    if inspection.signed_at is None:
        raise Http404
    return form_response(inspection)


urlpatterns = [
    path("deliveries/", delivery_list, name="delivery_list"),
    path("deliveries/<int:pk>/forms/<int:form_id>.pdf", delivery_form, name="delivery_form"),
]
