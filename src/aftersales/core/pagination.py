"""One page shape for every list the API returns: {"items", "count", "next"}."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

MAX_LIMIT = 200


def page(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    limit: int = 50,
    offset: int = 0,
    count_cap: int | None = None,
) -> dict:
    """One page of the queryset; with count_cap, counting stops there (`count_capped` says so).

    Counting every match of a broad filter over a million rows costs more than the page itself;
    "10,000+" tells a person as much as the exact figure.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    capped = False
    if count_cap is None:
        count = queryset.count()
    else:
        count = queryset.order_by()[: count_cap + 1].count()
        capped = count > count_cap
        count = min(count, count_cap)
    items = list(queryset[offset : offset + limit])
    next_url = None
    if offset + limit < count or (capped and len(items) == limit):
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    result = {"items": items, "count": count, "next": next_url}
    if count_cap is not None:
        result["count_capped"] = capped
    return result
