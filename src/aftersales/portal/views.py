from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aftersales.accounts.access import customer_id_of
from aftersales.accounts.decorators import contact_required
from aftersales.registry import selectors


@contact_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    customer = selectors.customers_for_user(user).get(pk=customer_id_of(user))
    assets = (
        selectors.assets_for_user(user)
        .select_related("product_model__vendor", "site")
        .order_by("serial_number")[:200]
    )
    contacts = selectors.contacts_for_user(user).order_by("name")
    projects = selectors.projects_for_user(user).order_by("code")
    return render(
        request,
        "portal/home.html",
        {"customer": customer, "assets": assets, "contacts": contacts, "projects": projects},
    )
