"""The seat's lookup screen: one box, the whole customer on one page (HTMX partial on search)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from aftersales.accounts.decorators import permission_required
from aftersales.core import html_errors
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.registry.lookup import ASSET_LIMIT, lookup_for_user


@permission_required("registry.view_customer")
def lookup(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    result = error = None
    if q:
        try:
            result = lookup_for_user(user=request.user, q=q)
        except Invalid as exc:
            error = exc.message
        except ApplicationError as exc:
            html_errors.raise_http(exc)
            raise
    template = "registry/lookup.html"
    # A history restore asks for the whole page, a search from the box for the results only.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    context = {"q": q, "result": result, "error": error, "asset_limit": ASSET_LIMIT}
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
