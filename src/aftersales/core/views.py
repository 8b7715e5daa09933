from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from aftersales.accounts.access import is_customer_contact, is_staff_member
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
_HOME_BOARDS: OrderedDict[str, HomeBoard] = OrderedDict()


def register_home_board(board: HomeBoard, *, first: bool = False) -> None:
    """Add a board to the staff home page; `first` puts it above those already there."""
    _HOME_BOARDS[board.name] = board
    if first:
        _HOME_BOARDS.move_to_end(board.name, last=False)


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


@access(PUBLIC)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; send them to the SVG."""
    return redirect(static("core/favicon.svg"), permanent=True)


CONSOLE_LAYOUT = "layouts/console.html"
PLAIN_LAYOUT = "layouts/plain.html"


def error_layout(request: HttpRequest) -> str:
    """The console for signed-in staff, the plain page for everybody else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return PLAIN_LAYOUT
    try:
        return CONSOLE_LAYOUT if is_staff_member(user) else PLAIN_LAYOUT
    except DatabaseError:
        # An error page must still render when the database is what failed.
        return PLAIN_LAYOUT


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: the styled page; its reason is never shown (it may be Django's, in English)."""
    return render(request, "400.html", {"layout": error_layout(request)}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: the styled page with the refusal's own message (services' are translated)."""
    context = {"layout": error_layout(request), "reason": str(exception or "")}
    return render(request, "403.html", context, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the styled page; /api/ answers JSON (RequestHygieneMiddleware swaps it)."""
    return render(request, "404.html", {"layout": error_layout(request)}, status=404)
