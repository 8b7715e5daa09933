"""Organising cases: who may tag, link and merge, and what the pages show of it.

The writes live in cases/services/tags.py, links.py and bulk.py; this module holds their
access predicates and the reads that the pages and the API share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, prefetch_related_objects

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.cases import access
from aftersales.cases.models import Case, CaseLink, CaseLinkKind, Tag
from aftersales.cases.selectors import cases_for_user
from aftersales.core.errors import Forbidden

ADD_TAG = "cases.add_tag"


# --- predicates (architecture rule 6: the services enforce these, pages ask them) ---------


def can_tag(user: Any, case: Case, *, approval: bool = True) -> bool:
    """Staff who may work or change the case set its tags (in any state: tags sort history too).

    `approval` is accepted for services.common.lock_case; a major request's approval does not
    stop tagging."""
    return is_staff_member(user) and (
        access.can_work(user, case, approval=False) or access.can_update(user, case, approval=False)
    )


def can_add_tag(user: Any) -> bool:
    """Coining a new tag name: the seat and managers; everybody else picks existing ones."""
    return is_staff_member(user) and can(user, ADD_TAG)


def can_link(user: Any, case: Case) -> bool:
    """Relating cases is part of working or sorting them: the same people as tagging."""
    return can_tag(user, case)


def can_merge(user: Any, case: Case) -> bool:
    """Merging closes the duplicate by cancelling it: closers only (every role that assigns
    cases also holds cases.close_case), so engineers cannot merge."""
    return is_staff_member(user) and access.can_cancel(user, case)


def can_bulk(user: Any) -> bool:
    """The queue's bulk bar: staff who see cases; each row is then judged on its own."""
    return is_staff_member(user) and can(user, access.VIEW)


# --- reads ---------------------------------------------------------------------------------


def tags_for_user(*, user: Any) -> list[Tag]:
    """Every tag, for staff who see cases (tags are never shown to customers)."""
    if not can_bulk(user):
        raise Forbidden(NOT_ALLOWED)
    return list(Tag.objects.order_by("name"))


def tags_marked_for_case(*, user: Any, case: Case) -> list[Tag]:
    """Every tag, each with `on_case` (whether this case has it): the tag editor, one query."""
    if not can_bulk(user):
        raise Forbidden(NOT_ALLOWED)
    on_case = Case.tags.through.objects.filter(case_id=case.pk, tag_id=OuterRef("pk"))
    return list(Tag.objects.annotate(on_case=Exists(on_case)).order_by("name"))


def case_tags(*, user: Any, case: Case) -> list[Tag]:
    """The case's tags for staff; nothing for customers' contacts."""
    if not is_staff_member(user):
        return []
    return list(case.tags.all())


def with_tags(cases: Iterable[Case], *, user: Any) -> None:
    """Load `tags` of a page of cases in one query (staff only: contacts never read them)."""
    if is_staff_member(user):
        prefetch_related_objects(list(cases), "tags")


@dataclass(frozen=True)
class LinkedCase:
    number: str
    title: str
    status: str
    status_label: str
    kind: str  # "related", "duplicate" (this case is a duplicate of it), "duplicated_by"


def linked_cases(*, user: Any, case: Case) -> list[LinkedCase]:
    """The cases linked to this one, either way, that the user may see; Forbidden for
    customers' contacts (links may name another customer's case)."""
    if not is_staff_member(user):
        raise Forbidden(NOT_ALLOWED)
    links = list(
        CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case))
        .select_related("from_case", "to_case")
        .order_by("created_at", "id")
    )
    if not links:
        return []
    others = {link.to_case_id for link in links} | {link.from_case_id for link in links}
    visible = set(cases_for_user(user).filter(pk__in=others).values_list("pk", flat=True))
    found: dict[int, LinkedCase] = {}
    for link in links:
        outgoing = link.from_case_id == case.pk
        other = link.to_case if outgoing else link.from_case
        if other.pk not in visible:
            continue
        kind = link.kind
        if kind == CaseLinkKind.DUPLICATE and not outgoing:
            kind = "duplicated_by"
        # A pair linked both ways shows once; being a duplicate says more than "related".
        if other.pk in found and kind == CaseLinkKind.RELATED:
            continue
        found[other.pk] = LinkedCase(
            other.number, other.title, other.status, other.get_status_display(), kind
        )
    return list(found.values())


def queue_tags(cases: Iterable[Case], *, user: Any) -> list[Tag]:
    """Every tag (the queue's filter and bulk bar), and each listed case's `tags` loaded:
    one query, a second only when any tag exists. Nothing for those without the bulk bar."""
    if not can_bulk(user):
        return []
    tags = list(Tag.objects.order_by("name"))
    if tags:
        prefetch_related_objects(list(cases), "tags")
    return tags


def merged_into_number(case: Case) -> str | None:
    """The number of the case this one was merged into (loaded once per case)."""
    return case.merged_into.number if case.merged_into_id else None


def with_merged_into(cases: Iterable[Case]) -> None:
    """Load the merge targets of a page of cases: one query, and only if any was merged."""
    cases = [c for c in cases if c.merged_into_id]
    if cases:
        prefetch_related_objects(cases, "merged_into")
