"""Earlier cases like this one: the case page's card and GET /api/v1/cases/{number}/similar.

"Like" means sharing any word of the case's title and fault symptom (or, when those have none,
of the start of its description): the words are ORed, where a search ANDs them. Of the earlier
cases the user may see that share a word, only the newest WINDOW are ranked (a common word
matches most of a million cases, and a helpdesk wants recent fixes anyway); the best come first,
with a small boost for the same product model, the newest first among equals. Customers match
on the words they may see only, as in search.py, so an internal note never tells them anything.
Staff are ranked by a registered ranker instead when there is one (the knowledge base's index:
the same order and scores on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Value, When
from django.db.models import Case as CaseWhen

from aftersales.accounts.access import can
from aftersales.cases import search, selectors
from aftersales.cases.models import Case

# Matching earlier cases ranked, newest first; older matches are not looked at.
WINDOW = 2000
# Added to the rank of a case about the same product model. PostgreSQL's ts_rank stays mostly
# below 1, so there a same-model match usually comes before other models' matches; SQLite's
# bm25 scores are larger and the boost weighs less.
SAME_MODEL_BOOST = 1.0
DESCRIPTION_CHARS = 200


def similarity_words(case: Case) -> list[str]:
    """The words a similar case shares: title and symptom, else the start of the description."""
    words = search.query_words(f"{case.title} {case.fault_symptom}")
    return words or search.query_words(case.description[:DESCRIPTION_CHARS])


# Finders of knowledge articles like a case, `finder(user=, case=, limit=) -> list[dict]`: the
# knowledge base registers one from its AppConfig.ready (cases never imports kb).
_article_finders: list[Callable[..., list[dict]]] = []


def register_article_finder(finder: Callable[..., list[dict]]) -> None:
    if finder not in _article_finders:
        _article_finders.append(finder)


def similar_articles(*, user: Any, case: Case, limit: int = 10) -> list[dict]:
    """Knowledge articles like `case` that the user may read (empty without a finder)."""
    found: list[dict] = []
    for finder in _article_finders:
        found.extend(finder(user=user, case=case, limit=limit))
    return found[:limit]


# Rankers of earlier cases like a case, `ranker(user=, case=, limit=) -> [(case id, score,
# terms)]` most alike first: the knowledge base registers one over its own index, which ranks
# the same on SQLite and PostgreSQL (each database's full-text score does not).
_case_rankers: list[Callable[..., list[tuple[int, float, list[str]]]]] = []


def register_case_ranker(ranker: Callable[..., list[tuple[int, float, list[str]]]]) -> None:
    if ranker not in _case_rankers:
        _case_rankers.append(ranker)


def unregister_case_ranker(ranker: Callable[..., list[tuple[int, float, list[str]]]]) -> None:
    if ranker in _case_rankers:
        _case_rankers.remove(ranker)


def similar_cases(*, user: Any, case: Case, limit: int = 10) -> list[Case]:
    """Earlier cases the user may see that share a word with `case`, most alike first.

    Each carries `score` (higher is more alike) and `terms`. A case without any word has none;
    the case itself and later cases are never returned.
    """
    words = similarity_words(case)
    if not words or limit < 1:
        return []
    internal = can(user, "cases.view_internal")
    if internal and _case_rankers:
        # The ranker's index holds internal notes too: only those who read them use it.
        return _ranked_cases(_case_rankers[0](user=user, case=case, limit=limit))
    earlier = (
        selectors.cases_for_user(user).filter(created_at__lt=case.created_at).exclude(pk=case.pk)
    )
    if connection.vendor == "postgresql":
        # The full-vector condition is what the GIN index serves; the public one keeps only
        # rows whose customer-visible words match (search.filter_cases does the same).
        matching = earlier.filter(_PgAnyMatch(F("search_text"), words))
        if not internal:
            matching = matching.filter(_PgAnyMatch(F("search_text"), words, public_only=True))
        rank: Any = _PgAnyRank(F("search_text"), words, public_only=not internal)
    else:
        match = search.fts_query(words, joined_by="OR", public_only=not internal)
        matching = earlier.filter(search.FtsMatch(F("pk"), Value(match)))
        rank = search.FtsRank(F("pk"), Value(match))
    newest = matching.order_by("-created_at", "-id").values("pk")[:WINDOW]
    if case.product_model_id is not None:
        rank = rank + CaseWhen(
            When(product_model_id=case.product_model_id, then=Value(SAME_MODEL_BOOST)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    # `newest` is already the user's cases: filtering by customer again outside would only
    # tempt PostgreSQL to walk all of a big customer's cases instead of looking up 2,000 ids.
    qs = (
        Case.objects.filter(pk__in=newest)
        .select_related("customer", "case_type")
        .defer("search_text")
        .annotate(score=rank)
        .order_by("-score", "-created_at", "-id")
    )
    found = list(qs[:limit])
    for other in found:
        other.terms = shared_words(words, other)
    return found


def _ranked_cases(ranked: list[tuple[int, float, list[str]]]) -> list[Case]:
    by_id = Case.objects.select_related("customer", "case_type").defer("search_text")
    cases = by_id.in_bulk([pk for pk, _score, _terms in ranked])
    found = []
    for pk, score, terms in ranked:
        if pk in cases:
            cases[pk].score, cases[pk].terms = score, terms
            found.append(cases[pk])
    return found


def shared_words(words: Sequence[str], other: Case) -> list[str]:
    """The words of the query that `other` holds in its title, symptom or description start:
    what explains the match to the reader."""
    theirs = set(
        search.query_words(f"{other.title} {other.fault_symptom}")
        + search.query_words(other.description[:DESCRIPTION_CHARS])
    )
    return [w for w in words if w in theirs]


# --- SQL of the two backends ---------------------------------------------------------------
# Func subclasses rather than raw SQL, so the column reference follows Django's table aliases.


class _PgAny(Func):
    """`search_text`, then one plainto_tsquery per word ORed together: no escaping needed."""

    def __init__(self, column: Any, words: Sequence[str], *, public_only: bool = False) -> None:
        super().__init__(column, *(Value(w) for w in words))
        self.public_only = public_only

    def _parts(self, compiler: Any) -> tuple[str, str, list]:
        params: list = []
        sqls = []
        for expression in self.source_expressions:
            sql, sql_params = compiler.compile(expression)
            sqls.append(sql)
            params.extend(sql_params)
        column, *words = sqls
        vector = search.vector_sql(column, public_only=self.public_only)
        query = " || ".join(f"plainto_tsquery('simple'::regconfig, {w})" for w in words)
        return vector, f"({query})", params


class _PgAnyMatch(_PgAny):
    output_field = BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        vector, query, params = self._parts(compiler)
        return f"{vector} @@ {query}", params


class _PgAnyRank(_PgAny):
    output_field = FloatField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        vector, query, params = self._parts(compiler)
        return f"ts_rank({vector}, {query})", params
