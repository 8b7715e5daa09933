"""One page shape for every list the API returns: {"items", "count", "next"}."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

MAX_LIMIT = 200


def page(request: HttpRequest, queryset: QuerySet, *, limit: int = 50, offset: int = 0) -> dict:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    count = queryset.count()
    items = list(queryset[offset : offset + limit])
    next_url = None
    if offset + limit < count:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"items": items, "count": count, "next": next_url}
