"""GET /api/v1/reports/dashboard: the service dashboard's tiles and chart series as JSON."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from aftersales.accounts.endpoint_access import access, staff_perm
from aftersales.core.openapi import documented
from aftersales.reports import dashboard
from aftersales.reports.filters import VIEW_REPORTS
from aftersales.reports.schemas import FilterParams

router = Router(tags=["reports"])


class FilterOut(Schema):
    start: str
    end: str
    customer: str
    contract: str
    region: str
    team: str
    engineer: str
    product: str
    priority: str


class TileItemOut(Schema):
    key: str
    label: str
    count: int
    url: str


class TileOut(Schema):
    key: str = Field(
        description="open_by_priority, open_by_state, due_next_hour, breached, unassigned, "
        "engineer_load, visits_today, rma_ship_due, complaints_open, penalty_exposure"
    )
    title: str
    count: int | None = Field(description="The figure; null for money (see amount)")
    amount: str | None = Field(description="Money tiles: a decimal string in CNY")
    url: str = Field(description="The console list that shows these rows")
    unlinked: list[str] = Field(description="Filter dimensions the linked list cannot apply")
    items: list[TileItemOut]


class SeriesOut(Schema):
    key: str
    name: str
    data: list[float | int | None]


class ChartOut(Schema):
    key: str = Field(
        description="backlog, compliance, durations, by_type, by_product, by_vendor, "
        "by_region, csat"
    )
    title: str
    kind: str = Field(description="line or bar")
    categories: list[str]
    series: list[SeriesOut]


class DashboardOut(Schema):
    filter: FilterOut
    tiles: list[TileOut]
    charts: list[ChartOut]


def _tile(tile: dashboard.Tile) -> dict:
    return {
        "key": tile.key,
        "title": tile.title,
        "count": None if tile.is_money else tile.count,
        "amount": f"{tile.count:.2f}" if tile.is_money else None,
        "url": tile.url,
        "unlinked": list(tile.unlinked),
        "items": [vars(i) for i in tile.items],
    }


@router.get("/reports/dashboard", response=DashboardOut, openapi_extra=documented(403, 404, 422))
@access(staff_perm(VIEW_REPORTS))
def dashboard_json(request: HttpRequest, params: Query[FilterParams]):
    """The dashboard's tiles (now, under the filter's dimensions; penalties: breaches of the
    period) and chart series (over the period). 403 without reports.view_reports; 422 names
    the filter field at fault."""
    raw = params.dict(by_alias=True)
    board = dashboard.dashboard_for_user(user=request.auth, raw=raw)
    f = board.filter
    return {
        "filter": {
            "start": f.start.isoformat(),
            "end": f.end.isoformat(),
            **{n: getattr(f, n) for n in FilterOut.model_fields if n not in ("start", "end")},
        },
        "tiles": [_tile(t) for t in board.tiles],
        "charts": board.chart_data,
    }
