"""Small display helpers for case pages: badges and labels that follow the language."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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


# Short names for the queue's narrow column; the full name is the chip's tooltip.
PROMISE_SHORT = {
    "response": _("Resp."),
    "diagnosis": _("Diag."),
    "resolution": _("Res."),
    "onsite": _("Onsite"),
}


def _promise_state(view) -> tuple[str, str, str, str]:
    """(state, css class, icon, text) of one promise: never colour alone (colour-blind users)."""
    if view.state == "met":
        return "met", "text-success", "bi-check-circle-fill", str(_("met"))
    if view.state == "paused":
        return "paused", "text-secondary", "bi-pause-circle", str(_("paused"))
    if view.overdue:
        late = _("overdue %(time)s") % {"time": view.service_text}
        return "overdue", "text-danger fw-semibold overdue", "bi-alarm-fill", str(late)
    if view.breached:
        return "missed", "text-danger fw-semibold", "bi-x-circle-fill", str(_("missed"))
    if view.state == "stopped":
        return "stopped", "text-secondary", "bi-dash-circle", str(_("stopped"))
    css = "text-warning-emphasis fw-semibold" if view.colour == "amber" else "text-success"
    left = _("%(time)s left") % {"time": view.service_text}
    return "running", css, "bi-hourglass-split", str(left)


@register.filter
def promise_chips(views) -> str:
    """The case's promises in the queue: each with its state by colour, icon and word."""
    chips = []
    for view in views or ():
        state, css, icon, text = _promise_state(view)
        due = timezone.localtime(view.due).strftime("%Y-%m-%d %H:%M") if view.due else ""
        chips.append(
            (
                view.target,
                state,
                css,
                f"{view.label}: {text}" + (f" ({due})" if due else ""),
                icon,
                PROMISE_SHORT.get(view.target, view.label),
                text,
            )
        )
    return format_html_join(
        "",
        '<span class="promise promise-{} promise-{} text-nowrap {}" title="{}">'
        '<i class="bi {}" aria-hidden="true"></i> {} <span class="small">{}</span></span>',
        chips,
    )
