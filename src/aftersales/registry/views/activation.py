"""Deactivate and reactivate: one pair of POST-only URLs per kind of registry row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aftersales.accounts.decorators import permission_required
from aftersales.registry import selectors, services
from aftersales.registry.views.pages import customer_url, get_or_404

DEACTIVATED = _("Deactivated.")
REACTIVATED = _("Reactivated.")

# kind -> (URL prefix, selector that finds the row, where to go afterwards)
ACTIVATION: dict[str, tuple[str, Callable[..., Any], Callable[[Any], str]]] = {
    "customer": (
        "customers",
        selectors.customer_get,
        lambda o: reverse("registry:customer_detail", args=[o.pk]),
    ),
    "contact": ("contacts", selectors.contact_get, customer_url),
    "project": (
        "projects",
        selectors.project_get,
        lambda o: reverse("registry:project_detail", args=[o.pk]),
    ),
    "site": ("sites", selectors.site_get, customer_url),
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
    "topologyattachment": ("topology", selectors.topology_get, customer_url),
    "engineer": (
        "engineers",
        selectors.engineer_get,
        lambda o: reverse("registry:engineer_detail", args=[o.pk]),
    ),
}


def activation_view(kind: str, active: bool) -> Callable[..., HttpResponse]:
    """The view that reactivates (`active`) or deactivates one row of `kind`."""
    _prefix, getter, back = ACTIVATION[kind]

    @permission_required(f"registry.change_{kind}")
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_or_404(getter, request, pk)
        if active:
            services.reactivate(obj=obj, by=request.user)
            messages.success(request, REACTIVATED)
        else:
            services.deactivate(obj=obj, by=request.user)
            messages.success(request, DEACTIVATED)
        return redirect(back(obj))

    view.__name__ = f"{kind}_{'reactivate' if active else 'deactivate'}"
    return view


urlpatterns: list[URLPattern] = []
for _kind, (_prefix, _getter, _back) in ACTIVATION.items():
    urlpatterns += [
        path(
            f"{_prefix}/<int:pk>/deactivate/",
            activation_view(_kind, False),
            name=f"{_kind}_deactivate",
        ),
        path(
            f"{_prefix}/<int:pk>/reactivate/",
            activation_view(_kind, True),
            name=f"{_kind}_reactivate",
        ),
    ]
