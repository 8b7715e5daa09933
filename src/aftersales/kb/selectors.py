"""Every read of knowledge articles that pages and the API share, scoped to the reader.

Customers see published public articles; staff every article that is not retired, drafts and
articles in review only when they write or publish them; retired ones only publishers.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_customer_contact, is_staff_member
from aftersales.cases.models import Case
from aftersales.cases.selectors import cases_for_user
from aftersales.core.db import id_or_none
from aftersales.core.errors import Invalid, NotFound
from aftersales.kb import access
from aftersales.kb.models import (
    Article,
    ArticleAttachment,
    ArticleRating,
    ArticleStatus,
    ArticleVersion,
    Category,
    Visibility,
)

NOT_FOUND = _("Not found.")
UNKNOWN_CATEGORY = _("Unknown category: give its id, its path (交换机/硬件/电源) or its name.")
AMBIGUOUS_CATEGORY = _("Several categories have this name: give its path or id.")
UNKNOWN_VERSION = _("Unknown version.")


def articles_for_user(user: Any) -> QuerySet[Article]:
    """The articles `user` may read (none for a login that is neither staff nor contact)."""
    qs = Article.objects.all()
    if is_staff_member(user):
        if not can(user, access.VIEW):
            return qs.none()
        shown = Q(status=ArticleStatus.PUBLISHED)
        if access.is_writer(user):
            shown |= Q(status__in=(ArticleStatus.DRAFT, ArticleStatus.REVIEW))
        if access.is_publisher(user):
            shown |= Q(status=ArticleStatus.RETIRED)
        return qs.filter(shown)
    if is_customer_contact(user):
        return qs.filter(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    return qs.none()


@dataclass(frozen=True)
class ArticleFilters:
    status: str = ""
    kind: str = ""
    category: int | None = None
    q: str = ""


def article_list(*, user: Any, filters: ArticleFilters | None = None) -> QuerySet[Article]:
    """The readable articles, newest change first; retired ones only when asked for by status."""
    filters = filters or ArticleFilters()
    qs = articles_for_user(user).select_related("category", "owner")
    if filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.exclude(status=ArticleStatus.RETIRED)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        # A product line or module lists what sits under it too (three levels at most).
        cid = filters.category
        qs = qs.filter(
            Q(category_id=cid) | Q(category__parent_id=cid) | Q(category__parent__parent_id=cid)
        )
    for word in (filters.q or "").split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return qs.order_by("-updated_at", "-id")


def article_get_for_user(*, user: Any, pk: Any) -> Article:
    """One article the user may read; 404 for anything else (or an id no row can have)."""
    article_id = id_or_none(pk)
    article = (
        articles_for_user(user).select_related("category", "owner").filter(pk=article_id).first()
        if article_id
        else None
    )
    if article is None:
        raise NotFound(NOT_FOUND)
    return article


def category_path(category: Category | None) -> str:
    """ "交换机/硬件/电源": the category's names from the root down."""
    names: list[str] = []
    while category is not None:
        names.append(category.name)
        category = category.parent
    return "/".join(reversed(names))


def category_resolve(value: Any, *, field: str = "category") -> Category:
    """The active category named by its id, its path from the root, or its unique name."""
    text = str(value if value is not None else "").strip()
    active = Category.objects.filter(retired=False)
    found: Category | None = None
    if (pk := id_or_none(text)) is not None:
        found = active.filter(pk=pk).first()
    elif "/" in text:
        parent: Category | None = None
        for name in [part.strip() for part in text.split("/")]:
            parent = active.filter(parent=parent, name=name).first() if name else None
            if parent is None:
                break
        found = parent
    elif text:
        matches = list(active.filter(name=text)[:2])
        if len(matches) > 1:
            raise Invalid(AMBIGUOUS_CATEGORY, field=field)
        found = matches[0] if matches else None
    if found is None:
        raise Invalid(UNKNOWN_CATEGORY, field=field)
    return found


def category_choices() -> list[tuple[int, str]]:
    """Every active category as (id, path), in tree order: the forms' select."""
    rows = list(Category.objects.filter(retired=False).select_related("parent__parent"))
    return sorted(((c.pk, category_path(c)) for c in rows), key=lambda row: row[1])


def versions(article: Article) -> QuerySet[ArticleVersion]:
    return article.versions.select_related("edited_by").order_by("-number")


def version_diff(*, article: Article, from_number: Any, to_number: Any) -> list[str]:
    """The unified diff (lines) from one saved version's text to another's, title included."""
    numbers = [id_or_none(from_number), id_or_none(to_number)]
    found = {v.number: v for v in article.versions.filter(number__in=[n for n in numbers if n])}
    for field, number in zip(("from", "to"), numbers, strict=True):
        if number not in found:
            raise Invalid(UNKNOWN_VERSION, field=field, loc="query")
    old, new = found[numbers[0]], found[numbers[1]]
    return list(
        difflib.unified_diff(
            [f"# {old.title}", "", *old.body.splitlines()],
            [f"# {new.title}", "", *new.body.splitlines()],
            fromfile=f"v{old.number}",
            tofile=f"v{new.number}",
            lineterm="",
        )
    )


def attachments(article: Article) -> QuerySet[ArticleAttachment]:
    return article.attachments.filter(removed_at=None).order_by("created_at", "id")


def attachment_get(*, article: Article, pk: Any) -> ArticleAttachment:
    """An attachment of an article the caller has already loaded for the user; else 404."""
    attachment_id = id_or_none(pk)
    found = attachments(article).filter(pk=attachment_id).first() if attachment_id else None
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def rating_of(*, user: Any, article: Article) -> bool | None:
    """The reader's own rating (helped or not), None when they have not rated."""
    if not getattr(user, "is_authenticated", False):
        return None
    row = ArticleRating.objects.filter(article=article, user=user).first()
    return None if row is None else row.helped


def linked_cases(*, user: Any, article: Article) -> QuerySet[Case]:
    """The cases linked to the article that the user may see."""
    ids = article.case_links.values("case_id")
    return cases_for_user(user).filter(pk__in=ids).order_by("-created_at")


def articles_for_case(*, user: Any, case: Case) -> QuerySet[Article]:
    """The readable articles linked to a case (the case page lists them)."""
    return articles_for_user(user).filter(case_links__case=case).order_by("title")


def review_due(today: dt.date) -> QuerySet[Article]:
    """Published articles whose review-by date has come and whose owner was not told today."""
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, review_by__lte=today)
        .exclude(owner=None)
        .exclude(review_reminded_on=today)
        .select_related("owner")
        .order_by("review_by", "id")
    )
