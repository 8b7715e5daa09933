"""One page shape for every list the API returns: {"items", "count", "next"}."""

from __future__ import annotations

from typing import Annotated

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from pydantic import Field

from aftersales.core.db import planned_for

MAX_LIMIT = 200
# Far beyond any list we hold, and far below the 64-bit OFFSET both databases can read.
MAX_OFFSET = 1_000_000_000

# The `limit` and `offset` query parameters of every paginated list: out of range is a 422
# naming the parameter (an offset past 2**63 overflowed SQLite and PostgreSQL alike).
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]


def counted(queryset: QuerySet, cap: int | None) -> int:
    """The queryset's count, reading at most cap + 1 rows; a count it carries answers first."""
    hint = getattr(queryset, "count_hint", None)
    count = hint.count(cap) if hint is not None else None
    if count is None:
        count = (queryset if cap is None else queryset.order_by()[: cap + 1]).count()
    return count


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
    offset = max(0, min(offset, MAX_OFFSET))
    capped = False
    with planned_for(queryset):
        count = counted(queryset, count_cap)
        if count_cap is not None:
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


class CappedPaginator(Paginator):
    """Django's paginator for console lists that may hold a million rows: it counts at most
    `cap` of them (`capped` says so, pages end there) and uses a count the queryset carries."""

    def __init__(self, object_list: QuerySet, per_page: int, *, cap: int = 10_000) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        count = counted(self.object_list, self.cap)
        self.capped = count > self.cap
        return min(count, self.cap)


def console_page(
    request: HttpRequest, queryset: QuerySet, *, per_page: int = 50, cap: int = 10_000
) -> Page:
    """The `?page=` page of a console list, counted up to `cap` and read at once, each statement
    planned for its own values (core.db.planned_per_call)."""
    with planned_for(queryset):
        page = CappedPaginator(queryset, per_page, cap=cap).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
    return page
