"""Article bodies: Markdown rendered to HTML, then sanitised (an article may quote a customer's
mail or a log, and its writer is not trusted to write HTML)."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# Raw HTML in the source is shown as text, never passed through; nh3 then removes whatever a
# crafted link or image could still carry (javascript: URLs, event handlers).
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"style"},
    "td": {"style"},
}


def render(text: str) -> SafeString:
    """The article's Markdown as safe HTML (links get rel="noopener noreferrer")."""
    html = _MD.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
    )
    return mark_safe(cleaned)  # noqa: S308  (nh3 has just sanitised it)
