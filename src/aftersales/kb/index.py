"""Writing the search index: one SearchDocument per article and case, a Posting per word.

Callers write inside their own transaction: the index changes with the row or not at all.
A posting's impact is BM25's term-frequency part with the title counted TITLE_WEIGHT times and
a FIXED average length per kind, so the same text always gets the same impact, on SQLite and
PostgreSQL alike, whatever was written before it. SearchTerm.df counts the documents holding a
word; its rows are locked and updated in id order, so two writers never deadlock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from typing import Any

from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import Count, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import is_customer_contact, require
from aftersales.cases.models import Case
from aftersales.core.errors import NotFound
from aftersales.kb import text
from aftersales.kb.models import (
    Article,
    ArticleStatus,
    DocumentKind,
    Posting,
    ReindexJob,
    ReindexStatus,
    SearchDocument,
    SearchTerm,
    Visibility,
)

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3
# Fixed average lengths (words) per kind: a corpus-wide average would change every impact
# each time a document is written.
AVERAGE_LENGTH = {DocumentKind.ARTICLE: 300.0, DocumentKind.CASE: 80.0}
BATCH = 1000
# A rebuild's batch writes its postings in INSERTs of this many rows; IN lists of words and
# ids are cut at IDS_PER_STATEMENT (SQLite allows 32,766 parameters a statement).
POSTINGS_PER_INSERT = 5000
IDS_PER_STATEMENT = 5000
# Words beyond this many in a document are not indexed (a pasted log says little more).
MAX_DOCUMENT_WORDS = 20_000


def impact(tf: float, length: int, kind: str) -> float:
    """BM25's term-frequency part of a word occurring `tf` (title-weighted) times."""
    norm = K1 * (1 - B + B * length / AVERAGE_LENGTH[kind])
    return round(tf * (K1 + 1) / (tf + norm), 9)


def article_fields(article: Article) -> dict[str, Any]:
    return {
        "category_id": article.category_id,
        "article_kind": article.kind,
        "product_line": article.product_line or "",
        "product_model": None,
        "public": article.status == ArticleStatus.PUBLISHED
        and article.visibility == Visibility.PUBLIC,
        "published": article.status == ArticleStatus.PUBLISHED,
        "dated": article.published_at or article.updated_at or article.created_at,
    }


def case_fields(case: Case) -> dict[str, Any]:
    model = case.product_model if case.product_model_id else None
    return {
        "category_id": None,
        "article_kind": "",
        "product_line": (model.product_line if model else "") or "",
        "product_model_id": case.product_model_id,
        "public": False,
        "published": False,
        "dated": case.created_at,
    }


def index_article(article: Article) -> SearchDocument:
    """Index `article` as it stands (title, body, tags' names): call after every write
    (create, edit, publish, retire), inside the writing transaction.

    A retired or unpublished article stays indexed; search checks the live row.
    """
    return _write_many(DocumentKind.ARTICLE, [_article_item(article)])[0]


def _article_item(article: Article) -> tuple[int, str, str, dict[str, Any]]:
    tags = " ".join(t.name for t in article.tags.all()) if article.pk else ""
    fields = article_fields(article)
    fields.pop("product_model")
    return article.pk, article.title, f"{article.body}\n{tags}", fields


def index_case(case: Case) -> SearchDocument:
    """Index `case` (title, then its search_text: description, symptom, serial, comments and
    internal notes); cases.search calls it, through the hook, wherever search_text changes."""
    return _write_many(DocumentKind.CASE, [_case_item(case)])[0]


def _case_item(case: Case) -> tuple[int, str, str, dict[str, Any]]:
    return case.pk, case.title, f"{case.number}\n{case.search_text or ''}", case_fields(case)


def remove(kind: str, object_id: int) -> None:
    """Drop a document and its postings from the index (df follows)."""
    with transaction.atomic():
        document = SearchDocument.objects.filter(kind=kind, object_id=object_id).first()
        if document is None:
            return
        old = Posting.objects.filter(document=document).values_list("term_id", flat=True)
        _change_df(dict.fromkeys(old, -1))
        Posting.objects.filter(document=document).delete()
        document.delete()


def document_words(title: str, body: str, lex: text.Lexicon) -> tuple[Counter, set[str], int]:
    """(weighted frequency per word, words in the title, length) of a document."""
    title_words = [lex.normalize(w) for w in text.tokens(title, lex=lex)]
    body_words = [lex.normalize(w) for w in text.tokens(body, lex=lex)[:MAX_DOCUMENT_WORDS]]
    counts: Counter = Counter(body_words)
    for word in title_words:
        counts[word] += TITLE_WEIGHT
    return counts, set(title_words), len(title_words) + len(body_words)


def _write_many(
    kind: str, items: Sequence[tuple[int, str, str, dict[str, Any]]]
) -> list[SearchDocument]:
    """Index documents of one kind, each (object id, title, body, fields), in a few statements
    whatever their number: one document (a save) or a rebuild's batch take the same path."""
    lex = text.lexicon()
    now = timezone.now()
    parsed = [
        (oid, fields, *document_words(title, body, lex)) for oid, title, body, fields in items
    ]
    # Inside the caller's transaction already (the usual case) no savepoint is needed: the
    # index is written with the row or not at all.
    outer = (
        transaction.atomic() if not transaction.get_connection().in_atomic_block else nullcontext()
    )
    with outer:
        existing = {
            d.object_id: d
            for d in SearchDocument.objects.filter(kind=kind, object_id__in=[i[0] for i in items])
        }
        documents, created, changed = [], [], []
        names: list[str] = []
        for object_id, fields, _counts, _in_title, length in parsed:
            values = {**fields, "length": length, "indexed_at": now}
            names = list(values)
            document = existing.get(object_id)
            if document is None:
                document = SearchDocument(kind=kind, object_id=object_id, **values)
                created.append(document)
            else:
                for name, value in values.items():
                    setattr(document, name, value)
                changed.append(document)
            documents.append(document)
        old: dict[int, set[int]] = {}
        if changed:
            SearchDocument.objects.bulk_update(changed, fields=names)
            held = Posting.objects.filter(document__in=changed)
            for document_id, term_id in held.values_list("document_id", "term_id"):
                old.setdefault(document_id, set()).add(term_id)
            if old:
                Posting.objects.filter(document__in=sorted(old)).delete()
        if created:
            # The ids come back from the INSERT (RETURNING on PostgreSQL and SQLite >= 3.35).
            SearchDocument.objects.bulk_create(created)
        terms = _terms(word for row in parsed for word in row[2])
        delta: Counter = Counter()
        postings = []
        for document, (_oid, _fields, counts, in_title, length) in zip(
            documents, parsed, strict=True
        ):
            new = {terms[w] for w in counts}
            before = old.get(document.pk, set())
            delta.update(new - before)
            delta.subtract(before - new)
            postings += [
                Posting(
                    document=document,
                    term_id=terms[word],
                    impact=impact(tf, length, kind),
                    in_title=word in in_title,
                )
                for word, tf in sorted(counts.items())
            ]
        _change_df(delta)
        Posting.objects.bulk_create(postings, batch_size=POSTINGS_PER_INSERT)
    return documents


def _terms(words: Iterable[str]) -> dict[str, int]:
    """The SearchTerm id of each word, creating the missing ones (in term order)."""
    words = sorted(set(words))
    if not words:
        return {}
    found: dict[str, int] = {}
    for start in range(0, len(words), IDS_PER_STATEMENT):
        chunk = words[start : start + IDS_PER_STATEMENT]
        found.update(SearchTerm.objects.filter(term__in=chunk).values_list("term", "pk"))
    missing = [w for w in words if w not in found]
    if missing:
        # An upsert returns every id, also of a word another writer added meanwhile.
        created = SearchTerm.objects.bulk_create(
            [SearchTerm(term=w, df=0) for w in missing],
            update_conflicts=True,
            unique_fields=["term"],
            update_fields=["term"],
        )
        found.update((t.term, t.pk) for t in created)
    return found


def _change_df(delta: dict[int, int]) -> None:
    """df += delta per term id, in one statement per IDS_PER_STATEMENT words; on PostgreSQL
    the rows are locked first in term order, the order every writer takes them in (no
    deadlocks)."""
    ids = sorted(pk for pk, n in delta.items() if n)
    if not ids:
        return
    if transaction.get_connection().vendor == "postgresql":
        list(
            SearchTerm.objects.filter(pk__in=ids).order_by("term").select_for_update().values("pk")
        )
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start : start + IDS_PER_STATEMENT]
        steps = sorted({delta[pk] for pk in chunk})
        if len(steps) == 1:
            change: Any = Value(steps[0])
        else:
            change = CaseWhen(
                *(When(pk__in=[k for k in chunk if delta[k] == n], then=Value(n)) for n in steps),
                default=Value(0),
            )
        SearchTerm.objects.filter(pk__in=chunk).update(df=F("df") + change)


MANAGE = "kb.manage_search"
NO_SUCH_JOB = _("No such reindex job.")


def reindex_start(*, by: Any) -> ReindexJob:
    """A queued rebuild of the whole index, for those who manage search (else Forbidden); the
    caller hands its id to tasks.reindex_task."""
    _require_manager(by)
    return ReindexJob.objects.create(requested_by=by, created_at=timezone.now())


def reindex_job_get(*, user: Any, job_id: int) -> ReindexJob:
    """A rebuild's progress, for those who manage search (else Forbidden; unknown: NotFound)."""
    _require_manager(user)
    job = ReindexJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(NO_SUCH_JOB)
    return job


def _require_manager(user: Any) -> None:
    # A customer contact learns nothing of the console's jobs: not found, not forbidden.
    if is_customer_contact(user):
        raise NotFound(NO_SUCH_JOB)
    require(user, MANAGE)


def reindex_all(job: ReindexJob) -> ReindexJob:
    """Rebuild every document (articles, then cases) in batches of BATCH, each batch its own
    transaction; job.processed counts what is done, so a page can show the progress."""
    job.status = ReindexStatus.RUNNING
    job.started_at = timezone.now()
    job.total = Article.objects.count() + Case.objects.count()
    job.processed = 0
    job.save(update_fields=["status", "started_at", "total", "processed"])
    try:
        for batch in _batches(Article.objects.order_by("pk").prefetch_related("tags")):
            with transaction.atomic():
                _write_many(DocumentKind.ARTICLE, [_article_item(a) for a in batch])
            _advance(job, len(batch))
        cases = Case.objects.select_related("product_model").order_by("pk")
        for batch in _batches(cases):
            with transaction.atomic():
                _write_many(DocumentKind.CASE, [_case_item(c) for c in batch])
            _advance(job, len(batch))
    except Exception as exc:
        job.status = ReindexStatus.FAILED
        job.message = str(exc)[:500]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at"])
        raise
    recount_df()
    job.status = ReindexStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


def recount_df() -> None:
    """Set every word's df from its postings (a rebuild ends with this: whatever drifted, say
    documents dropped by hand, is counted afresh)."""
    counted = (
        Posting.objects.filter(term=OuterRef("pk"))
        .order_by()
        .values("term")
        .annotate(n=Count("*"))
        .values("n")
    )
    SearchTerm.objects.update(df=Coalesce(Subquery(counted), 0))


def _batches(qs: Any) -> Iterable[list]:
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _advance(job: ReindexJob, count: int) -> None:
    ReindexJob.objects.filter(pk=job.pk).update(processed=F("processed") + count)
    job.processed += count
