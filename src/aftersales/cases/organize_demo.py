"""Demo tags, one linked pair and one merged duplicate, on the demo's open cases.

Runs after the cases section; skipped when the demo has tags already.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from aftersales.accounts.roles import Role
from aftersales.cases.models import OPEN_STATUSES, Case, Tag, TagColour
from aftersales.cases.services import comments, links, tags
from aftersales.core.errors import ApplicationError
from aftersales.notify.services import outbox_demo_delivered, outbox_last_id

DEMO_TAGS = [
    ("VIP", TagColour.RED),
    ("存储", TagColour.BLUE),
    ("网络", TagColour.GREEN),
    ("待备件", TagColour.YELLOW),
    ("回访", TagColour.CYAN),
]


def load(demo: Any) -> None:
    """Tag some open cases, link two of them, merge a third pair as a duplicate and mention
    the admin and a manager in a note."""
    if Tag.objects.exists():
        return
    seat = get_user_model().objects.filter(groups__name=Role.DISPATCHER, is_active=True).first()
    if seat is None:
        demo.notes.append("No demo tags: they need a dispatcher.")
        return
    for name, colour in DEMO_TAGS:
        tags.tag_create(by=seat, name=name, colour=colour)
    open_cases = list(Case.objects.filter(status__in=OPEN_STATUSES).order_by("created_at", "id"))
    tagged = 0
    for index, case in enumerate(open_cases[:12]):
        names = [DEMO_TAGS[index % len(DEMO_TAGS)][0]]
        if index % 4 == 0:
            names.append("VIP")
        tags.case_set_tags(case=case, by=seat, names=names)
        tagged += 1
    demo.add("case tags", tagged)
    first_outbox = outbox_last_id()
    try:
        if len(open_cases) >= 2:
            links.case_link(case=open_cases[0], by=seat, other=open_cases[1].number)
            demo.add("case links", 1)
        duplicate, target = _duplicate_pair(open_cases[2:])
        if duplicate is not None:
            links.case_merge(
                case=duplicate, by=seat, into=target.number, text="客户重复报修同一故障。"
            )
            demo.add("merged cases", 1)
        if open_cases:
            # The manager's and admin's bells are not empty on a first visit.
            comments.case_comment(
                case=open_cases[0],
                by=seat,
                text="@admin @mgr1 该客户本周第二次报修同一故障，请关注合同续签与备件。",
                internal=True,
            )
            demo.add("mentions", 1)
    except ApplicationError as exc:  # a demo without suitable cases still loads
        demo.notes.append(f"Demo links: {exc.message}")
    # No mail server in a demo: the customer was told, as far as the demo goes.
    outbox_demo_delivered(first_outbox)


def _duplicate_pair(cases: list[Case]) -> tuple[Case | None, Case | None]:
    """Two open cases of one customer: the newer one is the duplicate. It is taken from a
    status that other cases share, so the demo keeps a case in every state."""
    per_status: dict[str, int] = {}
    for case in cases:
        per_status[case.status] = per_status.get(case.status, 0) + 1
    seen: dict[int, Case] = {}
    for case in cases:
        first = seen.setdefault(case.customer_id, case)
        if first is not case and per_status[case.status] > 1:
            return case, first
    return None, None
