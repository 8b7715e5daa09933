"""The open-cases section of the call-centre lookup (registry.lookup plug-in)."""

from __future__ import annotations

from typing import Any

from aftersales.cases.models import OPEN_STATUSES
from aftersales.cases.selectors import cases_for_user
from aftersales.registry.lookup import CaseSummary
from aftersales.registry.models import Customer

SHOWN = 20


def open_cases_section(*, customer: Customer, user: Any) -> list[CaseSummary]:
    """The customer's open cases, most urgent then newest first, in one query."""
    rows = (
        cases_for_user(user)
        .filter(customer=customer, status__in=OPEN_STATUSES)
        .select_related("assignee")
        .order_by("priority", "-created_at", "-id")[:SHOWN]
    )
    return [
        CaseSummary(
            number=c.number,
            title=c.title,
            status=c.status,
            priority=c.priority,
            assignee=str(c.assignee) if c.assignee_id else "",
            created_at=c.created_at,
            status_label=str(c.get_status_display()),
            priority_label=str(c.get_priority_display()),
        )
        for c in rows
    ]
