"""Chinese-aware full-text search over cases: one function, the database's own index.

jieba splits the words once, when the document is written; the database then only sees
space-separated words. `Case.search_text` holds two lines: what the customer may see (number,
title, description, fault symptom, serial, public comments) and, after a newline, the internal
notes. Staff search both lines, customers only the first, so an internal note never makes a
customer's case show up (nor rank higher) for a word only that note contains.

PostgreSQL: a stored generated column `search_vector` (public words weight A, internal notes
weight D) with a GIN index (migration 0005); the 'simple' configuration lower-cases and keeps
every word, which is right for jieba's Chinese words and for English.
SQLite: an FTS5 table `cases_case_fts(public, internal)` keyed by the case id, written by
`index_case` wherever `search_text` changes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, QuerySet, Value

from aftersales.cases.models import Case
from aftersales.lib import wordfreq

_SPACES = re.compile(r"\s+")
MAX_DOCUMENT_CHARS = 100_000
MAX_PART_CHARS = MAX_DOCUMENT_CHARS // 2
# A query is a few words typed into a box: longer input is cut, not refused.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
FTS_TABLE = "cases_case_fts"


@functools.cache
def _jieba() -> ModuleType:
    """jieba with its dictionary loaded, only in processes that index or search (web workers
    at start, see warm_up; the Huey consumer when a task first needs it).

    The dictionary is lib.wordfreq's compact table (~10 MiB) rather than jieba's own dict
    (~55 MiB a process); the words found are the same.
    """
    return wordfreq.load_jieba()


def warm_up() -> None:
    """Load jieba's dictionary now, so that no request pays for it (web workers call this)."""
    _jieba()


def tokens(text: str) -> list[str]:
    """Words of a Chinese or English text, lower-cased, for indexing and for queries."""
    words = (w.strip().lower() for w in _jieba().cut_for_search(text or ""))
    return [w for w in words if w and not _is_punctuation(w)]


def _is_punctuation(word: str) -> bool:
    return all(not ch.isalnum() for ch in word)


def _join(words: list[str]) -> str:
    return _SPACES.sub(" ", " ".join(words)).strip()[:MAX_PART_CHARS]


def split_document(document: str) -> tuple[str, str]:
    """(public words, internal words) of a stored document; old one-line documents are public."""
    public, _, internal = (document or "").partition("\n")
    return public, internal


def document_for(case: Case, *, extra: str = "", internal: bool = False) -> str:
    """The indexed text of a case; a comment (`extra`) is appended to the line it belongs to."""
    if extra and case.search_text:
        public, notes = split_document(case.search_text)
        added = _join(tokens(extra))
        if internal:
            notes = _join([notes, added])
        else:
            public = _join([public, added])
        return f"{public}\n{notes}"
    parts = [case.number, case.title, case.description, case.fault_symptom, case.serial_number]
    # The whole number is one word too, so "CS-20261123-0042" matches as typed.
    public = _join([case.number.lower(), *tokens(" ".join(parts))])
    return f"{public}\n"


# Callables run with the case wherever its search_text changes (the knowledge base's index
# registers one from its AppConfig.ready: cases never imports kb).
_index_listeners: list[Callable[[Case], None]] = []


def register_index_listener(listener: Callable[[Case], None]) -> None:
    """Have `listener(case)` called, in the writing transaction, whenever a case is indexed."""
    if listener not in _index_listeners:
        _index_listeners.append(listener)


def index_case(case: Case) -> None:
    """Bring the full-text index in step with `case.search_text` (SQLite's FTS5 table), and
    tell the registered listeners.

    PostgreSQL's expression index follows the column by itself: nothing to do there.
    """
    for listener in _index_listeners:
        listener(case)
    if connection.vendor != "sqlite":
        return
    public, internal = split_document(case.search_text)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, public, internal) VALUES (%s, %s, %s)",
            [case.pk, public, internal],
        )


def query_words(query: str) -> list[str]:
    """The distinct words of a query, in order, at most MAX_QUERY_WORDS.

    jieba's search mode adds the parts of a long word (交换机: 交换, 换机, 交换机); a document
    holding the whole word holds its parts too, so only the whole word is asked for. The parts
    would not change the matches, but PostgreSQL multiplies their frequencies as if they were
    independent, guesses a hundred matches where there are fifty thousand and plans badly.
    """
    words: list[str] = []
    for word in tokens((query or "")[:MAX_QUERY_CHARS]):
        if word not in words:
            words.append(word)
    whole = [w for w in words if not any(w != other and w in other for other in words)]
    return whole[:MAX_QUERY_WORDS]


# Up to this many matches are ranked best first; more are listed newest first, sorted up to
# SORT_WINDOW matches and read off the date index beyond (bench/case_bench.py).
RANK_WINDOW = 1000
SORT_WINDOW = 10_000


def filter_cases(qs: QuerySet[Case], query: str, *, internal: bool = False) -> QuerySet[Case]:
    """Cases whose document holds every word of the query, best match first (newest first when
    more than RANK_WINDOW match).

    `internal=False` searches only what the customer may see. A query without any word (only
    punctuation) matches nothing. Adds `search_rank` (higher is better).
    """
    words = query_words(query)
    if not words:
        return qs.none()
    if connection.vendor == "postgresql":
        text = Value(" ".join(words))
        qs = qs.filter(_PgMatch(F("search_text"), text, public_only=False))
        if not internal:
            # The full-vector condition above is what the GIN index serves; this one keeps only
            # rows whose customer-visible words (weight A) match.
            qs = qs.filter(_PgMatch(F("search_text"), text, public_only=True))
        rank = _PgRank(F("search_text"), text, public_only=not internal)
    else:
        match = fts_query(words, joined_by="AND", public_only=not internal)
        qs = qs.filter(FtsMatch(F("pk"), Value(match)))
        rank = FtsRank(F("pk"), Value(match))
    matches = qs.order_by()[: SORT_WINDOW + 1].count()
    # Lists count their matches too (core.pagination.page): this count answers them.
    qs = qs.with_count_hint(matches, SORT_WINDOW + 1)
    if matches > SORT_WINDOW:
        # A very common word: sorting tens of thousands of matches costs more than walking the
        # date index newest first until the page is full. PostgreSQL guesses a few hundred
        # matches for words that come together (双机 切换 失败) and would sort: forbid it.
        return qs.order_by("-created_at", "-id").with_planner_settings(enable_sort=False)
    if matches > RANK_WINDOW:
        # Ranking thousands of documents tells a person little: the newest first. Sorting a few
        # thousand matches is cheaper than walking the date index past the rarer ones.
        return qs.order_by("-created_at", "-id")
    return qs.annotate(search_rank=rank).order_by("-search_rank", "-created_at", "-id")


def fts_query(words: Sequence[str], *, joined_by: str, public_only: bool) -> str:
    """An FTS5 query of the words joined by AND or OR, each quoted so none reads as an operator;
    `public_only` searches the customer-visible column alone."""
    match = f" {joined_by} ".join('"' + w.replace('"', '""') + '"' for w in words)
    return f"public : ({match})" if public_only else match


# --- SQL of the two backends ---------------------------------------------------------------
# Func subclasses rather than raw SQL, so the column reference follows Django's table aliases.

_PG_QUERY = "plainto_tsquery('simple'::regconfig, {query})"


class _TwoArgs(Func):
    def __init__(self, column: Any, value: Any, *, public_only: bool = False) -> None:
        super().__init__(column, value)
        self.public_only = public_only

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, list]:
        column, column_params = compiler.compile(self.source_expressions[0])
        value, value_params = compiler.compile(self.source_expressions[1])
        return column, value, [*column_params, *value_params]

    def _vector(self, column: str) -> str:
        return vector_sql(column, public_only=self.public_only)


def vector_sql(column: str, *, public_only: bool) -> str:
    """The stored `search_vector` of the row whose `search_text` is `column` (compiled SQL),
    public words only or all.

    The vector is a generated column outside the model (migration 0005), so it is reached
    through the table alias Django chose for `search_text`.
    """
    vector = column.rsplit(".", 1)[0] + '."search_vector"' if "." in column else column
    return f"ts_filter({vector}, '{{a}}')" if public_only else vector


class _PgMatch(_TwoArgs):
    output_field = BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        column, value, params = self._parts(compiler, connection)
        return f"{self._vector(column)} @@ {_PG_QUERY.format(query=value)}", params


class _PgRank(_TwoArgs):
    output_field = FloatField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        column, value, params = self._parts(compiler, connection)
        return f"ts_rank({self._vector(column)}, {_PG_QUERY.format(query=value)})", params


class FtsMatch(_TwoArgs):
    """SQLite: the row (its pk) matches the FTS5 query."""

    output_field = BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        pk, match, params = self._parts(compiler, connection)
        sql = f"{pk} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {match})"
        return sql, params


class FtsRank(_TwoArgs):
    """SQLite: how well the row (its pk) matches the FTS5 query, higher is better."""

    output_field = FloatField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        pk, match, params = self._parts(compiler, connection)
        # bm25() is lower-is-better; negated so both backends sort "-search_rank".
        sql = (
            f"(SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} "
            f"WHERE rowid = {pk} AND {FTS_TABLE} MATCH {match})"
        )
        return sql, params
