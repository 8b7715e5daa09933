"""FAQ candidates (常见问题手册): the questions that recur, as clusters of resolved cases that
share a word, and a draft FAQ article made from one cluster.

A cluster is built greedily: the words of the period's resolved cases (cases.similar's words of
title and symptom) are taken from the most shared down; each takes the cases holding it that no
earlier cluster took, and stands when it keeps at least MIN_SIZE of them. Ties go to the word
that sorts first, so the same cases always give the same clusters.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases.models import Case, Status
from aftersales.cases.selectors import cases_for_user
from aftersales.cases.similar import similarity_words
from aftersales.core.errors import Invalid
from aftersales.core.schema_types import checked_text
from aftersales.kb import access, articles
from aftersales.kb.models import Article, ArticleKind, Category

DEFAULT_DAYS = 90
MAX_DAYS = 3660
MIN_SIZE = 3
CLUSTERS_MAX = 20
SAMPLES = 5
# The newest resolved cases of the period looked at: a FAQ is about what recurs now.
SCAN = 1000

BAD_DAYS = _("Give a period of 1 to %(max)s days.")
NO_SUCH_CLUSTER = _("No such group of cases in this period any more.")


@dataclass(frozen=True)
class Cluster:
    word: str
    label: str
    count: int
    samples: list[Case] = field(default_factory=list)


def period_days(value: Any) -> int:
    """The period in days (default 90); Invalid naming `days` outside 1..MAX_DAYS."""
    if value in (None, ""):
        return DEFAULT_DAYS
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DAYS:
        raise Invalid(BAD_DAYS % {"max": MAX_DAYS}, field="days")
    return int(text)


def _significant(word: str) -> bool:
    # One Chinese character or a short code says too little to name a question.
    return len(word) >= (3 if word.isascii() else 2) and not word.isdigit()


def faq_candidates(
    *, user: Any, days: int = DEFAULT_DAYS, now: dt.datetime | None = None
) -> list[Cluster]:
    """Clusters of similar cases resolved in the last `days` days that `user` may see,
    the biggest first."""
    now = now or timezone.now()
    cases = list(
        cases_for_user(user)
        .filter(
            status__in=(Status.RESOLVED, Status.CLOSED),
            resolved_at__gte=now - dt.timedelta(days=days),
            resolved_at__lte=now,
        )
        .order_by("-resolved_at", "-id")[:SCAN]
    )
    words_of = {c.pk: sorted({w for w in similarity_words(c) if _significant(w)}) for c in cases}
    df = Counter(w for words in words_of.values() for w in words)
    taken: set[int] = set()
    clusters: list[Cluster] = []
    for word, _count in sorted(df.items(), key=lambda item: (-item[1], item[0])):
        if _count < MIN_SIZE or len(clusters) >= CLUSTERS_MAX:
            break
        members = [c for c in cases if c.pk not in taken and word in words_of[c.pk]]
        if len(members) < MIN_SIZE:
            continue
        taken.update(c.pk for c in members)
        others = Counter(w for c in members for w in words_of[c.pk] if w != word)
        company = [w for w, n in sorted(others.items(), key=lambda i: (-i[1], i[0]))[:2] if n > 1]
        clusters.append(
            Cluster(
                word=word,
                label=" ".join([word, *company]),
                count=len(members),
                samples=members[:SAMPLES],
            )
        )
    clusters.sort(key=lambda c: (-c.count, c.word))
    return clusters


def faq_body(cluster: Cluster) -> str:
    """The draft's text: one section per sample case, its question and its solution."""
    parts = [f"本条汇总了 {cluster.count} 个相似案例的处理经验（关键词：{cluster.label}）。"]
    for case in cluster.samples:
        parts.append(f"### {case.title}")
        symptom = case.fault_symptom.strip()
        if symptom:
            parts.append(f"**现象**：{symptom}")
        parts.append(f"**解决方案**：{case.resolution.strip() or '-'}")
        parts.append(f"（案例 {case.number}）")
    return "\n\n".join(parts)


def faq_draft(*, by: User, word: str, days: int = DEFAULT_DAYS, category: Any = None) -> Article:
    """A draft FAQ article made from the cluster named by `word`, linked to its sample cases."""
    access.can_create.enforce_who(by, None)
    word = checked_text(word, field="word", limit=100, required=True)
    found = next((c for c in faq_candidates(user=by, days=days) if c.word == word), None)
    if found is None:
        raise Invalid(NO_SUCH_CLUSTER, field="word")
    if category in (None, ""):
        chosen = Category.objects.filter(parent=None, retired=False).order_by("position").first()
        if chosen is None:
            raise Invalid(articles.NO_CATEGORY, field="category")
    else:
        chosen = category
    with transaction.atomic():
        article = articles.article_create(
            by=by,
            title=f"常见问题：{found.label}"[:200],
            body=faq_body(found),
            category=chosen,
            kind=ArticleKind.FAQ,
            note=word,
        )
        for case in found.samples:
            articles.article_link_case(article=article, by=by, case=case)
    return article
