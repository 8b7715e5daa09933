"""The console's at-risk page: running promises by their chance of being missed."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from aftersales.accounts.decorators import staff_required
from aftersales.cases.models import Priority
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.core.html_errors import raise_http
from aftersales.core.views import HomeBoard, register_home_board
from aftersales.reports import risk
from aftersales.reports.filters import parse_filter

MIN_CHOICES = (("", 0.0), ("40", risk.WATCH_AT), ("70", risk.FLAG_AT))
DIMENSIONS = ("customer", "team", "engineer", "priority")


@require_GET
@staff_required
def at_risk_page(request: HttpRequest) -> HttpResponse:
    """Highest risk first; ?min=40|70 and the filter's dimensions; a bad value: 422."""
    values = {name: request.GET.get(name, "")[:200] for name in (*DIMENSIONS, "min")}
    minimum = dict(MIN_CHOICES).get(values["min"], 0.0)
    context: dict = {
        "values": values,
        "priorities": list(Priority.values),
        "min_choices": [code for code, _p in MIN_CHOICES if code],
        "flag_at": round(risk.FLAG_AT * 100),
    }
    try:
        f = parse_filter({name: values[name] for name in DIMENSIONS})
        rows = risk.at_risk(request.user, f, now=timezone.now(), min_probability=minimum)
    except Invalid as exc:
        context |= {"error": str(exc.message), "error_field": exc.field, "rows": []}
        return render(request, "reports/risk.html", context, status=422)
    except ApplicationError as exc:
        raise_http(exc)
        raise
    context["rows"] = rows
    return render(request, "reports/risk.html", context)


BOARD_NAME = "at_risk"
BOARD_TEMPLATE = "reports/_risk_board.html"
BOARD_ROWS = 5


@dataclass(frozen=True)
class RiskBoard:
    rows: list[risk.RiskRow]
    url: str


def load_risk_board(request: HttpRequest) -> RiskBoard | None:
    """The home page's board: the few promises likeliest to be missed (staff only; engineers
    see their own cases'); None for anyone the list refuses."""
    try:
        rows = risk.at_risk(
            request.user, now=timezone.now(), limit=BOARD_ROWS, min_probability=risk.WATCH_AT
        )
    except ApplicationError:
        return None
    return RiskBoard(rows=rows, url=reverse("reports:at_risk"))


def register() -> None:
    """Put the at-risk board on the staff home page (ReportsConfig.ready calls this)."""
    register_home_board(HomeBoard(BOARD_NAME, BOARD_TEMPLATE, load_risk_board))


urlpatterns = [path("at-risk/", at_risk_page, name="at_risk")]
