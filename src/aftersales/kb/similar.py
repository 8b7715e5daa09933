"""Knowledge articles like a case: the case page's card and `articles` in
GET /api/v1/cases/{number}/similar."""

from __future__ import annotations

from typing import Any

from aftersales.cases import similar as case_similar
from aftersales.cases.models import Case
from aftersales.kb import search, text

DESCRIPTION_CHARS = 200
# A case about the same product model weighs this much more; a few times the limit are looked
# at so that such a case can climb into the top.
SAME_MODEL_FACTOR = 1.2
CANDIDATES_PER_RESULT = 3


def case_query(case: Case) -> str:
    """The words a case is looked up by: title and symptom, else the start of its description."""
    words = text.query_words(f"{case.title} {case.fault_symptom}")
    if not words:
        words = text.query_words(case.description[:DESCRIPTION_CHARS])
    query = ""
    for word in words[: search.MAX_QUERY_WORDS]:
        if len(query) + len(word) + 1 > search.MAX_QUERY_CHARS:
            break
        query = f"{query} {word}".strip()
    return query


def similar_articles(*, user: Any, case: Case, limit: int = 10) -> list[search.Hit]:
    """Articles the user may read that share words with the case, best first."""
    query = case_query(case)
    if not query or limit < 1:
        return []
    return search.search(user=user, q=query, limit=limit, kinds=("article",))


def article_rows(*, user: Any, case: Case, limit: int = 10) -> list[dict]:
    """similar_articles as the API's rows (the cases hook calls this)."""
    return [
        {
            "id": hit.id,
            "title": hit.title,
            "score": hit.score,
            "snippet": hit.snippet,
            "terms": list(hit.terms),
            "url": hit.url,
        }
        for hit in similar_articles(user=user, case=case, limit=limit)
    ]


def similar_case_rows(*, user: Any, case: Case, limit: int = 10) -> list[tuple[int, float, list]]:
    """Earlier cases the user may see like `case`, from the index: (id, score, terms), best
    first; the same product model weighs more, the newest first among equals."""
    query = case_query(case)
    if not query or limit < 1:
        return []
    wanted = min(search.MAX_LIMIT, limit * CANDIDATES_PER_RESULT)
    # `until` bounds the case's creation: the case itself and later ones are left out.
    hits = search.search(user=user, q=query, limit=wanted, kinds=("case",), until=case.created_at)
    models = dict(
        Case.objects.filter(pk__in=[h.id for h in hits]).values_list("pk", "product_model_id")
    )
    rows = []
    for hit in hits:
        same = case.product_model_id is not None and models.get(hit.id) == case.product_model_id
        score = round(hit.score * (SAME_MODEL_FACTOR if same else 1.0), 6)
        rows.append((hit.id, score, list(hit.terms)))
    rows.sort(key=lambda row: (-row[1], -row[0]))
    return rows[:limit]


def register() -> None:
    case_similar.register_article_finder(article_rows)
    case_similar.register_case_ranker(similar_case_rows)
