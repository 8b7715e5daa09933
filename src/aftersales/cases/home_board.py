"""The "My queue" board of the staff home page (registered from CasesConfig.ready).

Engineers and experts see their own open cases; whoever assigns cases (the seat, managers)
sees the unassigned queue instead. Due soonest first, a few rows and a link to the full queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, has_role, is_staff_member
from aftersales.accounts.roles import Role
from aftersales.cases import access, selectors
from aftersales.cases.models import Case
from aftersales.core.views import HomeBoard, register_home_board
from aftersales.notify.notices import register_notice_link

BOARD_NAME = "my_queue"
BOARD_TEMPLATE = "cases/_my_queue_board.html"
ROWS = 10
MINE, UNASSIGNED = "mine", "unassigned"
TITLES = {MINE: _("My queue"), UNASSIGNED: _("Unassigned queue")}
EMPTY = {MINE: _("No open case is assigned to you."), UNASSIGNED: _("Every open case is assigned.")}


@dataclass(frozen=True)
class QueueBoard:
    queue: str
    cases: list[Case]
    count: int | None  # None: not loaded yet (the full page), the board fetches its rows itself
    full_url: str

    @property
    def loaded(self) -> bool:
        return self.count is not None

    @property
    def title(self) -> str:
        return str(TITLES[self.queue])

    @property
    def empty_text(self) -> str:
        return str(EMPTY[self.queue])


def queue_of(user: Any) -> str:
    """Engineers and experts work their own cases; those who assign watch the unassigned."""
    if has_role(user, Role.ENGINEER, Role.EXPERT) or not can(user, access.ASSIGN):
        return MINE
    return UNASSIGNED


def my_queue(*, user: Any, rows: bool = True) -> QueueBoard | None:
    """The board for this user, or None for those who do not see cases (and contacts);
    without `rows`, only its frame (the cases are read when the board asks for them)."""
    if not is_staff_member(user) or not can(user, access.VIEW):
        return None
    queue = queue_of(user)
    full_url = f"{reverse('cases:list')}?tab={queue}&sort=due"
    if not rows:
        return QueueBoard(queue=queue, cases=[], count=None, full_url=full_url)
    if queue == MINE:
        filters = selectors.CaseFilters(assignee="me", status="open", sort="due")
    else:
        filters = selectors.CaseFilters(queue=UNASSIGNED, sort="due")
    qs = selectors.case_search(user=user, filters=filters)
    cases = list(qs[:ROWS])
    count = len(cases) if len(cases) < ROWS else qs.order_by().count()
    selectors.with_promises(cases, timezone.now())
    return QueueBoard(queue=queue, cases=cases, count=count, full_url=full_url)


def load_my_queue(request: HttpRequest) -> QueueBoard | None:
    """The full home page gets the frame and paints at once (the due-next board comes first);
    the board's own HTMX request, at load and every minute, reads its rows."""
    return my_queue(user=request.user, rows=bool(getattr(request, "htmx", False)))


def register() -> None:
    """Put the board on the home page and link the bell's case notices to the case page."""
    register_home_board(HomeBoard(BOARD_NAME, BOARD_TEMPLATE, load_my_queue))
    register_notice_link("case", "cases:detail")
