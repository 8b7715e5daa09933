"""The "due next" board of the staff home page (core.views registers it from SlaConfig.ready)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from aftersales.core.errors import Forbidden
from aftersales.sla.promises import (
    BOARD_DEFAULT_HOURS,
    BOARD_DEFAULT_SCOPE,
    BOARD_HOURS,
    BOARD_SCOPES,
    Board,
    due_board,
)

BOARD_NAME = "due_next"
BOARD_TEMPLATE = "sla/_due_board.html"


def load_due_board(request: HttpRequest) -> Board | None:
    """The board for `?hours=&scope=` (unknown values: the defaults); None when not allowed."""
    raw = request.GET.get("hours", "")
    hours = int(raw) if raw in {str(h) for h in BOARD_HOURS} else BOARD_DEFAULT_HOURS
    scope = request.GET.get("scope", "")
    if scope not in {code for code, _label in BOARD_SCOPES}:
        scope = BOARD_DEFAULT_SCOPE
    try:
        return due_board(user=request.user, hours=hours, scope=scope, now=timezone.now())
    except Forbidden:
        return None
