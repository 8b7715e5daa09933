"""Tags, links and merges on the case page and the queue: data for the shared page's slots.

The case page's view is shared, so its `_tags.html` and `_links.html` ask here, through the
organize selectors and predicates, with the request's user and the page's case.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join

from aftersales.cases import duplicates, organize
from aftersales.cases.models import Priority

register = template.Library()


@register.simple_tag(takes_context=True)
def case_organize(context: template.Context) -> dict[str, Any]:
    """What the case page shows and offers about tags, links and a merge."""
    user, case = context["request"].user, context["case"]
    # Asked by two slots of the same page: answered once per case object.
    cached = getattr(case, "_organize_slots", None)
    if cached is not None:
        return cached
    can_tag = organize.can_tag(user, case)
    if can_tag:  # the editor lists every tag, marked: the case's own come from the same query
        all_tags = organize.tags_marked_for_case(user=user, case=case)
        tags = [t for t in all_tags if t.on_case]
    else:
        all_tags, tags = [], organize.case_tags(user=user, case=case)
    can_merge = case.is_open and not case.merged_into_id and organize.can_merge(user, case)
    case._organize_slots = {
        "tags": tags,
        "tag_ids": {t.pk for t in tags},
        "can_tag": can_tag,
        "can_add_tag": can_tag and organize.can_add_tag(user),
        "all_tags": all_tags,
        "merged_into": organize.merged_into_number(case),
        "links": organize.linked_cases(user=user, case=case),
        "can_link": organize.can_link(user, case),
        "can_merge": can_merge,
        # Flagged for those who may merge: the same customer's report again, just now.
        "duplicates": duplicates.possible_duplicates(user=user, case=case) if can_merge else [],
    }
    return case._organize_slots


@register.simple_tag(takes_context=True)
def can_bulk(context: template.Context) -> bool:
    """Whether the queue offers its bulk bar (ticks and actions) to this user."""
    return organize.can_bulk(context["request"].user)


@register.filter
def tag_badges(case: Any) -> str:
    """The case's tags as coloured badges (the queue loaded them with organize.with_tags)."""
    cache = getattr(case, "_prefetched_objects_cache", {})
    if "tags" not in cache:
        return ""
    return format_html_join(
        " ",
        '<span class="badge text-bg-{} case-tag">{}</span>',
        ((t.colour, t.name) for t in cache["tags"]),
    )


@register.simple_tag
def bulk_priorities() -> list[tuple[str, str]]:
    """The priorities the bulk bar offers, as (value, label)."""
    return list(Priority.choices)
