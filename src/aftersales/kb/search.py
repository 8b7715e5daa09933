"""One search over knowledge articles and cases, best first, the same on SQLite and PostgreSQL.

A query's words (kb.text) become groups of index words: the word and its synonyms; for ASCII
words also the index words it begins (02310K finds 02310KHN) and, when the word is unknown,
those one edit away (typos); for an unknown Chinese word its known parts. Each index word's
heaviest TOP_K postings are read (one UNION ALL query, ORDER BY impact DESC, document ASC, so
both databases read the same rows), scored in Python (idf × impact × how the word was found),
and the best documents are checked against the live rows: a customer sees published public
articles only; staff see articles not retired (drafts and articles in review only when they
wrote them or may publish) and the cases cases.selectors.cases_for_user allows.
"""

from __future__ import annotations

import datetime as dt
import heapq
import html
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_customer_contact
from aftersales.cases import selectors as case_selectors
from aftersales.core.errors import Invalid
from aftersales.kb import text
from aftersales.kb.models import (
    Article,
    ArticleStatus,
    Category,
    DocumentKind,
    Posting,
    SearchDocument,
    SearchTerm,
    Visibility,
)

# Postings read per index word, heaviest first: a word in half a million documents is not
# worth reading all of; the best TOP_K of it are where its best matches are.
TOP_K = 2000
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
MAX_LIMIT = 50
# Index words a query word may bring in by prefix and by typo.
PREFIX_MIN_CHARS = 3
PREFIX_EXPANSIONS = 20
PREFIX_SCAN = 1000  # index words of a prefix's range looked at, in term order
TYPO_MIN_CHARS = 4
TYPO_EXPANSIONS = 3
MAX_TERMS = 60
# How much a word found each way counts (an exact word or synonym counts 1).
PREFIX_FACTOR = 0.8
TYPO_FACTOR = 0.6
PARTS_FACTOR = 0.5
# A fixed corpus size for idf: a live document count would cost a count of a million rows
# per query and make scores drift with every write; ranking only needs idf to fall with df.
IDF_N = 1_000_000
# Documents looked up per round while filling the page (access and state are checked live).
ROUND = 200
MAX_ROUNDS = 20
SNIPPET_CHARS = 160

QUERY_REQUIRED = _("Enter a word to search for.")
QUERY_TOO_LONG = _("The search is too long: at most %(limit)d characters.")

_TYPO_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Hit:
    """One result: an article or a case the user may see."""

    kind: str  # "article" | "case"
    id: int  # the article's id, the case's id
    title: str
    score: float  # higher is better, rounded to 6 places
    snippet: str  # HTML-escaped text with <mark> around the matched words: safe to render
    terms: tuple[str, ...]  # the index words that matched, to explain the match
    url: str
    number: str = ""  # the case number (cases only)


@dataclass(frozen=True)
class _Term:
    term: str
    id: int
    df: int
    factor: float
    group: int
    summed: bool = False  # parts of an unknown word add up; alternatives take the best


@dataclass(frozen=True)
class _Found:
    """A document the user may see, before its snippet is made."""

    score: float
    kind: str
    id: int
    document: int
    title: str
    body: str  # the text the snippet is cut from
    number: str = ""


def validate_query(q: str | None) -> str:
    """The query stripped; Invalid (field "q") when empty or longer than MAX_QUERY_CHARS."""
    q = (q or "").strip()
    if not q:
        raise Invalid(QUERY_REQUIRED, field="q", loc="query")
    if len(q) > MAX_QUERY_CHARS:
        raise Invalid(QUERY_TOO_LONG % {"limit": MAX_QUERY_CHARS}, field="q", loc="query")
    return q


def search(
    *,
    user: Any,
    q: str,
    limit: int = 10,
    kinds: Sequence[str] = ("article", "case"),
    category: int | Category | None = None,
    product_line: str = "",
    article_kind: str = "",
    since: dt.datetime | dt.date | None = None,
    until: dt.datetime | dt.date | None = None,
) -> list[Hit]:
    """The `limit` best articles and cases for `q` that `user` may see, best first.

    Ties go by kind, then id. `category` keeps articles of that category or below it (cases
    have none); `since`/`until` bound the article's publication (else last edit) or the case's
    creation. Raises Invalid (field "q") for an empty or over-long query.
    """
    q = validate_query(q)
    limit = max(1, min(int(limit), MAX_LIMIT))
    kinds = _allowed_kinds(user, kinds)
    if not kinds:
        return []
    lex = text.lexicon()
    words = text.query_words(q, lex=lex)[:MAX_QUERY_WORDS]
    terms = expand(words, lex)
    if not terms:
        return []
    postings = _postings(terms)
    scores = _score(terms, postings)
    if not scores:
        return []
    documents = _document_filter(user, kinds, category, product_line, article_kind, since, until)
    found: list[_Found] = []
    for chunk in _ranked(scores):
        rows = documents.filter(_pk_in(SearchDocument, chunk)).values_list(
            "pk", "kind", "object_id"
        )
        indexed = {pk: (kind, object_id) for pk, kind, object_id in rows}
        found.extend(_visible(user, chunk, indexed, scores))
        if len(found) >= limit:
            break
    found.sort(key=lambda f: (-f.score, f.kind, f.id))
    # Snippets and matched words only for the page: the round may hold 200 documents.
    customer = is_customer_contact(user)
    return [_hit(f, terms, postings, lex, customer) for f in found[:limit]]


def expand(words: Sequence[str], lex: text.Lexicon) -> list[_Term]:
    """The index words each query word stands for: itself and its synonyms, prefixes and typos
    of ASCII words, the known parts of an unknown Chinese word."""
    wanted: dict[int, list[tuple[str, float, bool]]] = {}
    for group, word in enumerate(words):
        options = [(v, 1.0, False) for v in _variants(word, lex)]
        if not _typo_word(word) and not word.isascii() and len(word) > 2:
            options += [(p, PARTS_FACTOR, True) for p in _parts(word, lex)]
        wanted[group] = options
    starts = sorted({w for w in words if text.is_ascii_word(w) and len(w) >= PREFIX_MIN_CHARS})
    lookup = {t for options in wanted.values() for t, _f, _s in options}
    known, prefixed = _known_terms(lookup, starts)
    # Typos only for the words nothing else found: their edits are a thousand words each.
    typo_groups = [
        group
        for group, word in enumerate(words)
        if _typo_word(word)
        and not prefixed.get(word)
        and not any(f == 1.0 and t in known for t, f, _s in wanted[group])
    ]
    for group in typo_groups:
        # A synonym is indexed under its set's key: "swtich" finds switch's key 交换机.
        edits = sorted(_edits(words[group]))
        wanted[group] += [(lex.normalize(t), TYPO_FACTOR, False) for t in edits]
    if typo_groups:
        typos = {t for g in typo_groups for t, f, _s in wanted[g] if f == TYPO_FACTOR}
        known.update(_known_terms(typos - known.keys(), [])[0])
    terms: list[_Term] = []
    for group, word in enumerate(words):
        exact = [t for t, f, _s in wanted[group] if f == 1.0 and t in known]
        chosen = [(t, 1.0, False) for t in exact]
        for term, _pk, _df in prefixed.get(word, ()):
            if term not in exact:
                chosen.append((term, PREFIX_FACTOR, False))
        if not chosen:
            typos = [t for t, f, _s in wanted[group] if f == TYPO_FACTOR and t in known]
            typos.sort(key=lambda t: (-known[t][1], t))
            chosen = [(t, TYPO_FACTOR, False) for t in typos[:TYPO_EXPANSIONS]]
        if not chosen:
            chosen = [(t, f, s) for t, f, s in wanted[group] if s and t in known]
        seen: set[str] = set()
        for term, factor, summed in chosen:
            if term in seen or term not in known:
                continue
            seen.add(term)
            pk, df = known[term]
            terms.append(_Term(term, pk, df, factor, group, summed))
    return terms[:MAX_TERMS]


def _typo_word(word: str) -> bool:
    return text.is_ascii_word(word) and len(word) >= TYPO_MIN_CHARS


def _known_terms(
    words: set[str], starts: Sequence[str]
) -> tuple[dict[str, tuple[int, int]], dict[str, list[tuple[str, int, int]]]]:
    """({word: (id, df)} of `words` in the index, {start: index words beginning with it});
    one query. Per start the PREFIX_EXPANSIONS most frequent of the first PREFIX_SCAN words of
    its range, the most frequent first.

    The prefix is a range on the term's unique index: code-point order on SQLite and on
    PostgreSQL's C collation alike.
    """
    table = SearchTerm._meta.db_table
    parts, params = [], []
    if words:
        marks = ", ".join(["%s"] * len(words))
        parts.append(f"SELECT -1, term, id, df FROM {table} WHERE df > 0 AND term IN ({marks})")
        params += sorted(words)
    for n, start in enumerate(starts):
        # The first PREFIX_SCAN words of the range in index order, then the most frequent of
        # them: "cs2" begins a million case numbers, and sorting those by df takes seconds.
        parts.append(
            f"SELECT * FROM (SELECT {n}, term, id, df FROM (SELECT term, id, df FROM {table}"
            f" WHERE term > %s AND term < %s AND df > 0 ORDER BY term LIMIT {int(PREFIX_SCAN)})"
            f" AS r{n} ORDER BY df DESC, term ASC LIMIT {int(PREFIX_EXPANSIONS)}) AS s{n}"
        )
        params += [start, start + "\U0010ffff"]
    known: dict[str, tuple[int, int]] = {}
    prefixed: dict[str, list[tuple[str, int, int]]] = {}
    if not parts:
        return known, prefixed
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    for n, term, pk, df in rows:
        known[term] = (pk, df)
        if n >= 0:
            prefixed.setdefault(starts[n], []).append((term, pk, df))
    for found in prefixed.values():
        # UNION ALL keeps no order: the most frequent first, then code-point order (as the
        # C collation and SQLite sort).
        found.sort(key=lambda row: (-row[2], row[0]))
    return known, prefixed


def _variants(word: str, lex: text.Lexicon) -> list[str]:
    """The word's synonym key first (what new writes index), then the set's other words
    (what documents indexed before the set existed hold)."""
    key = lex.normalize(word)
    return list(dict.fromkeys([key, word, *lex.variants(word)]))


def _edits(word: str) -> set[str]:
    """Every ASCII word one edit (delete, swap, replace, insert) away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _TYPO_ALPHABET}
    inserts = {a + c + b for a, b in splits for c in _TYPO_ALPHABET}
    return (deletes | swaps | replaces | inserts) - {word}


def _parts(word: str, lex: text.Lexicon) -> list[str]:
    """A Chinese word's known pieces: jieba's shorter words in it, then its character pairs."""
    pieces = [w for w in lex.tokenizer.cut_for_search(word) if w != word and len(w) > 1]
    pairs = [word[i : i + 2] for i in range(len(word) - 1)]
    return list(dict.fromkeys([*pieces, *pairs]))


def _idf(df: int) -> float:
    return math.log(1 + (IDF_N - df + 0.5) / (df + 0.5))


def _postings(terms: Sequence[_Term]) -> dict[int, dict[int, float]]:
    """{term id: {document id: impact}} of each term's TOP_K heaviest postings (one query)."""
    table = Posting._meta.db_table
    part = (
        f"SELECT * FROM (SELECT term_id, document_id, impact FROM {table} "
        f"WHERE term_id = %s ORDER BY impact DESC, document_id ASC LIMIT {int(TOP_K)}) AS p{{n}}"
    )
    ids = sorted({t.id for t in terms})
    sql = " UNION ALL ".join(part.format(n=n) for n in range(len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    postings: dict[int, dict[int, float]] = {pk: {} for pk in ids}
    # Rows come a term at a time; groupby and itemgetter keep the loop out of Python.
    for term_id, run in groupby(rows, key=itemgetter(0)):
        postings[term_id].update(map(itemgetter(1, 2), run))
    return postings


def _score(terms: Sequence[_Term], postings: dict[int, dict[int, float]]) -> dict[int, float]:
    """Score per document id: per query word the best alternative (or the sum of an unknown
    word's parts), summed over the query words in their order."""
    # An index word two query words share counts once, for the later one.
    by_id = {t.id: t for t in terms}
    groups: dict[int, list[_Term]] = {}
    for pk in sorted(by_id):
        groups.setdefault(by_id[pk].group, []).append(by_id[pk])
    scores: dict[int, float] = {}
    for group in sorted(groups):
        best: dict[int, float] = {}
        for term in groups[group]:
            idf, factor = _idf(term.df), term.factor
            if idf < 0 and not term.summed:
                # A word in more than IDF_N documents: matched, worth nothing (max with 0).
                idf = 0.0
            weights = postings[term.id]
            if not best:
                best = {d: idf * w * factor for d, w in weights.items()}
            elif term.summed:
                for d, w in weights.items():
                    best[d] = best.get(d, 0.0) + idf * w * factor
            else:
                for d, w in weights.items():
                    value = idf * w * factor
                    old = best.get(d)
                    if old is None or value > old:
                        best[d] = value
        if not scores:
            scores = best
            continue
        for d, value in best.items():
            scores[d] = scores.get(d, 0.0) + value
    return scores


def _ranked(scores: dict[int, float]) -> Iterator[list[int]]:
    """Document ids best first (score rounded to 6 places, then id), ROUND at a time, at most
    MAX_ROUNDS; only the first round is picked out up front, most pages need no more."""
    yield _best(scores, ROUND)
    if len(scores) <= ROUND:
        return
    ranked = [d for _s, d in sorted((-round(v, 6), d) for d, v in scores.items())]
    for start in range(ROUND, min(len(ranked), ROUND * MAX_ROUNDS), ROUND):
        yield ranked[start : start + ROUND]


def _best(scores: dict[int, float], n: int) -> list[int]:
    """The first `n` of the ranking, rounding only the scores near the n-th best."""
    items: Any = scores.items()
    if len(scores) > n:
        # round() moves a score by at most 5e-7: nothing below this cut can reach the top n.
        cut = heapq.nlargest(n, scores.values())[-1] - 1e-6
        items = [(d, v) for d, v in items if v >= cut]
    return [d for _s, d in sorted((-round(v, 6), d) for d, v in items)[:n]]


def _allowed_kinds(user: Any, kinds: Sequence[str]) -> tuple[str, ...]:
    wanted = tuple(k for k in DocumentKind.values if k in set(kinds))
    if is_customer_contact(user):
        # Contacts reach their cases through the portal's case list, not the knowledge search.
        return tuple(k for k in wanted if k == DocumentKind.ARTICLE)
    if not can(user, "kb.view_article"):
        wanted = tuple(k for k in wanted if k != DocumentKind.ARTICLE)
    if not can(user, "cases.view_case"):
        wanted = tuple(k for k in wanted if k != DocumentKind.CASE)
    return wanted


def _document_filter(
    user: Any,
    kinds: Sequence[str],
    category: Any,
    product_line: str,
    article_kind: str,
    since: Any,
    until: Any,
) -> Any:
    qs = SearchDocument.objects.filter(kind__in=list(kinds))
    if is_customer_contact(user):
        qs = qs.filter(public=True)
    if category:
        qs = qs.filter(category_id__in=category_ids(category))
    if product_line:
        qs = qs.filter(product_line=product_line)
    if article_kind:
        qs = qs.filter(article_kind=article_kind)
    if since:
        qs = qs.filter(dated__gte=_moment(since, end=False))
    if until:
        qs = qs.filter(dated__lt=_moment(until, end=True))
    return qs


def _moment(value: Any, *, end: bool) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    day = value + dt.timedelta(days=1) if end else value
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def category_ids(category: int | Category) -> list[int]:
    """The category and every category below it."""
    root = category.pk if isinstance(category, Category) else int(category)
    children: dict[int | None, list[int]] = {}
    for pk, parent in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = [], [root]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, []))
    return sorted(found)


def visible_articles(user: Any) -> Any:
    """Articles a search may show `user`: customers published public ones; staff every article
    not retired, drafts and those in review only to their writers and to publishers."""
    qs = Article.objects.all()
    if is_customer_contact(user):
        return qs.filter(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    if not can(user, "kb.view_article"):
        return qs.none()
    qs = qs.exclude(status=ArticleStatus.RETIRED)
    if can(user, "kb.publish_article"):
        return qs
    return qs.filter(Q(status=ArticleStatus.PUBLISHED) | Q(owner=user) | Q(created_by=user))


def _visible(
    user: Any,
    chunk: Sequence[int],
    indexed: dict[int, tuple[str, int]],
    scores: dict[int, float],
) -> list[_Found]:
    """The documents of `chunk` whose live article or case `user` may see."""
    article_ids = [oid for kind, oid in indexed.values() if kind == DocumentKind.ARTICLE]
    case_ids = [oid for kind, oid in indexed.values() if kind == DocumentKind.CASE]
    articles = {}
    if article_ids:
        articles = {
            pk: (title, body)
            for pk, title, body in visible_articles(user)
            .filter(_pk_in(Article, article_ids))
            .order_by()
            .values_list("pk", "title", "body")
        }
    cases = {}
    if case_ids:
        visible_cases = case_selectors.cases_for_user(user)
        cases = {
            row[0]: row[1:]
            for row in visible_cases.filter(_pk_in(visible_cases.model, case_ids))
            .order_by()
            .values_list("pk", "number", "title", "description", "fault_symptom")
        }
    found = []
    for document_id in chunk:
        if document_id not in indexed:
            continue
        kind, object_id = indexed[document_id]
        score = round(scores[document_id], 6)
        if kind == DocumentKind.ARTICLE and object_id in articles:
            title, body = articles[object_id]
            found.append(_Found(score, kind, object_id, document_id, title, body or title))
        elif kind == DocumentKind.CASE and object_id in cases:
            number, title, description, symptom = cases[object_id]
            body = "\n".join(p for p in (description, symptom) if p) or title
            found.append(_Found(score, kind, object_id, document_id, title, body, number))
    return found


def _pk_in(model: Any, ids: Sequence[int]) -> RawSQL:
    """`model.pk IN (ids)` with the ids written into the statement: integers need no quoting,
    and psycopg spends longer parsing 200 placeholders than the database spends on the query."""
    column = f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name('id')}"
    listed = ",".join(str(int(pk)) for pk in ids) or "NULL"
    return RawSQL(f"{column} IN ({listed})", (), output_field=BooleanField())


def _hit(
    found: _Found,
    terms: Sequence[_Term],
    postings: dict[int, dict[int, float]],
    lex: text.Lexicon,
    customer: bool,
) -> Hit:
    matched = {t.term for t in terms if found.document in postings[t.id]}
    words = _surface(matched, lex)
    if found.kind == DocumentKind.ARTICLE:
        url = _url("portal:kb_article" if customer else "kb:article_detail", found.id)
    else:
        url = _url("cases:detail", found.number)
    return Hit(
        found.kind,
        found.id,
        found.title,
        found.score,
        snippet(found.body, words),
        tuple(sorted(matched)),
        url,
        found.number,
    )


def _url(name: str, arg: Any) -> str:
    try:
        return reverse(name, args=[arg])
    except NoReverseMatch:
        # The articles pages may not be mounted yet: the console address they will have.
        return f"/kb/articles/{arg}/" if name != "cases:detail" else f"/cases/{arg}/"


def _surface(terms: set[str], lex: text.Lexicon) -> list[str]:
    """The words to mark in a text: each matched index word and its synonyms."""
    words: set[str] = set()
    for term in terms:
        words.add(term)
        words.update(lex.synonym_words.get(term, ()))
    return sorted(words, key=lambda w: (-len(w), w))


# Markdown's markup, which a snippet shows as the words only: images, link targets, heading
# and quote marks at a line's start, emphasis and code marks, table pipes and rules.
_MARKUP = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(?m)^\s{0,3}(?:#{1,6}|>|[-*+]|\d+\.)\s+"), ""),
    (re.compile(r"(?m)^\s*(?:[-*_]\s*){3,}$|^\s*\|?[\s:|-]*-{3,}[\s:|-]*$"), ""),
    (re.compile(r"\*\*|__|`+|~~|\|"), " "),
    # *emphasis* (a lone asterisk between words, as in 2*3, stays)
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
)


def plain_text(body: str) -> str:
    """The words of a Markdown text, without its markup (snippets show these)."""
    for pattern, replacement in _MARKUP:
        body = pattern.sub(replacement, body)
    return body


def snippet(body: str, words: Sequence[str], *, size: int = SNIPPET_CHARS) -> str:
    """A piece of `body` around the first matched word, HTML-escaped, each match in <mark>;
    Markdown's markup is left out."""
    body = re.sub(r"\s+", " ", plain_text(body or "")).strip()
    pattern = _pattern(words)
    first = pattern.search(body) if pattern else None
    start = 0
    if first and first.start() > size // 3:
        start = first.start() - size // 3
    piece = body[start : start + size]
    out: list[str] = ["…" if start else ""]
    at = 0
    for match in pattern.finditer(piece) if pattern else ():
        out.append(html.escape(piece[at : match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        at = match.end()
    out.append(html.escape(piece[at:]))
    if start + size < len(body):
        out.append("…")
    return "".join(out)


def _pattern(words: Sequence[str]) -> re.Pattern | None:
    words = [w for w in words if w]
    if not words:
        return None
    alternatives = sorted(set(words), key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in alternatives), re.IGNORECASE)
