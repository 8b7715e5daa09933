"""The bell's badge and the polling intervals of the pages that refresh themselves."""

from __future__ import annotations

from django import template

from aftersales.notify import notices

register = template.Library()
BADGE_MAX = 99


@register.filter
def badge_text(count: int) -> str:
    """The badge's figure: "99+" beyond 99."""
    return f"{BADGE_MAX}+" if count > BADGE_MAX else str(count)


@register.simple_tag
def poll_seconds(name: str) -> int:
    """Seconds between two refreshes of the bell ("notices"), the queue or a home board."""
    return notices.poll_seconds(name)
