"""The service dashboard page (/reports/) and its compact board on the staff home page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from aftersales.accounts.decorators import permission_required
from aftersales.cases.models import Priority
from aftersales.core.errors import Invalid
from aftersales.core.views import HomeBoard, register_home_board
from aftersales.registry.models import Region
from aftersales.reports import dashboard
from aftersales.reports.filters import FIELDS, VIEW_REPORTS

BOARD_NAME = "service_dashboard"
BOARD_TEMPLATE = "reports/dashboard_board.html"
FIELD_LABELS = {
    "from": pgettext_lazy("date range", "From"),
    "to": pgettext_lazy("date range", "To"),
    "customer": _("Customer code"),
    "contract": _("Contract number"),
    "region": _("Region"),
    "team": _("Team"),
    "engineer": _("Engineer (username)"),
    "product": _("Model or product line"),
    "priority": _("Priority"),
}


@require_GET
@permission_required(VIEW_REPORTS)
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Tiles and charts under the query's filter; a bad filter: 422 and the field's message."""
    values = {name: request.GET.get(name, "")[:200] for name in FIELDS}
    context: dict = {"regions": list(Region.choices), "priorities": list(Priority.values)}
    try:
        board = dashboard.dashboard_for_user(user=request.user, raw=request.GET)
    except Invalid as exc:
        context |= {"error": str(exc.message), "error_field": exc.field}
        context["fields"] = _fields(values)
        return render(request, "reports/dashboard.html", context, status=422)
    values |= board.filter.query()  # the dates the filter settled on, a contact's own customer
    context |= {"board": board, "f": board.filter, "fields": _fields(values)}
    return render(request, "reports/dashboard.html", context)


def _fields(values: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(name, str(FIELD_LABELS[name]), values.get(name, "")) for name in FIELDS]


@dataclass(frozen=True)
class KeyTiles:
    tiles: list[dashboard.Tile]
    url: str


def load_dashboard_board(request: HttpRequest) -> KeyTiles | None:
    """The home page's "service dashboard" board, for holders of reports.view_reports."""
    tiles = dashboard.key_tiles_for_user(user=request.user)
    if tiles is None:
        return None
    return KeyTiles(tiles=tiles, url=reverse("reports:dashboard"))


def register() -> None:
    """Put the compact dashboard on the staff home page (ReportsConfig.ready calls this)."""
    # Managers land on it: above the due board and the queue.
    register_home_board(HomeBoard(BOARD_NAME, BOARD_TEMPLATE, load_dashboard_board), first=True)


urlpatterns = [path("", dashboard_page, name="dashboard")]
