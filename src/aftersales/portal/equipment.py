"""The customer's equipment: each active asset with its warranty or contract state."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from aftersales.accounts.decorators import contact_required
from aftersales.contracts.entitlement import entitlements_for, warranty_end
from aftersales.core.list_pages import ListFilter, list_page
from aftersales.registry import selectors

PER_PAGE = 25


def with_warranty_ends(rows: list[Any]) -> None:
    """Each asset's warranty or contract state and warranty end: the page's contracts at once."""
    found = entitlements_for(assets=rows, on=timezone.localdate())
    for row in rows:
        row.entitlement = found[row.pk]
        row.warranty_ends = warranty_end(row)


@contact_required
def equipment_list(request: HttpRequest) -> HttpResponse:
    filters = ListFilter(request.GET)
    queryset = selectors.asset_search_for_user(user=request.user, q=filters.value("q") or "")
    return list_page(
        request, "portal/equipment_list.html", queryset, filters, with_warranty_ends, PER_PAGE
    )
