"""Small display helpers for case pages: badges and labels that follow the language."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from aftersales.cases.models import Priority

register = template.Library()

PRIORITY_CSS = {"P1": "danger", "P2": "warning", "P3": "info", "P4": "secondary"}
STATUS_CSS = {
    "new": "primary",
    "assigned": "info",
    "responded": "info",
    "in_progress": "warning",
    "waiting": "secondary",
    "resolved": "success",
    "closed": "dark",
}


@register.filter
def priority_badge(priority: str) -> str:
    """P1 red, P2 amber, P3 blue, P4 grey; the code is the text, the meaning the tooltip."""
    label = Priority(priority).label if priority in Priority.values else priority
    return format_html(
        '<span class="badge text-bg-{} priority-{}" title="{}">{}</span>',
        PRIORITY_CSS.get(priority, "light"),
        priority.lower(),
        label,
        priority,
    )


@register.filter
def status_badge(case) -> str:
    return format_html(
        '<span class="badge text-bg-{} status-{}">{}</span>',
        STATUS_CSS.get(case.status, "light"),
        case.status,
        case.get_status_display(),
    )


@register.filter
def case_type_label(case_type) -> str:
    """The Chinese name, or the English one when the page is in English."""
    if case_type is None:
        return ""
    if (get_language() or "").startswith("en") and case_type.name_en:
        return case_type.name_en
    return case_type.name


@register.filter
def response_overdue(case) -> bool:
    """Open, not yet responded and past the response promise: the queue shows it red."""
    return (
        case.is_open
        and case.responded_at is None
        and case.response_due_at is not None
        and case.response_due_at < timezone.now()
    )
