from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from aftersales.accounts.access import is_customer_contact
from aftersales.accounts.endpoint_access import PUBLIC, SIGNED_IN, access


@access(PUBLIC)
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", whatever its class
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@dataclass(frozen=True)
class HomeBoard:
    """A board on the staff home page: `load(request)` gives what its template shows as `board`,
    or None when the user may not see it; the template's `board` partial is its HTMX refresh."""

    name: str
    template: str
    load: Callable[[HttpRequest], Any]


# Filled by apps above core in AppConfig.ready (the promise engine's "due next" board).
_HOME_BOARDS: dict[str, HomeBoard] = {}


def register_home_board(board: HomeBoard) -> None:
    _HOME_BOARDS[board.name] = board


@access(SIGNED_IN)
@login_required
def home(request: HttpRequest) -> HttpResponse:
    if is_customer_contact(request.user):
        return redirect("portal:home")
    wanted = request.GET.get("board", "")
    if getattr(request, "htmx", False) and wanted in _HOME_BOARDS:
        # The board's live refresh: only its partial.
        board = _HOME_BOARDS[wanted]
        loaded = board.load(request)
        if loaded is None:
            return HttpResponse(status=204)
        return render(request, f"{board.template}#board", {"board": loaded})
    shown = [(b.template, x) for b in _HOME_BOARDS.values() if (x := b.load(request)) is not None]
    if not shown:
        return redirect("registry:lookup")
    return render(request, "core/home.html", {"boards": shown})
