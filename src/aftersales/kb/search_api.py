"""The search API: GET /api/v1/kb/search over articles and cases, and the index's rebuild."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from aftersales.accounts.endpoint_access import access, scoped, staff_perm
from aftersales.kb import index, search, tasks
from aftersales.kb.models import ArticleKind, ReindexJob

router = Router(tags=["knowledge base"])

_SEARCH_DESCRIPTION = (
    "Articles and cases matching `q`, best first (Chinese and English alike: synonyms, the "
    "domain dictionary, prefixes of part numbers, one-letter typos). `snippet` is HTML-escaped "
    "text with <mark> around the matched words; `terms` are the index words that matched. "
    "Customer contacts get published public articles only; staff get articles that are not "
    "retired and the cases they may see. An empty `q` or one over 200 characters: 422."
)


class KbSearchParams(Schema):
    q: str = ""
    limit: int = Field(10, ge=1, le=search.MAX_LIMIT)
    kind: Literal["article", "case"] | None = None
    category: int | None = Field(None, ge=1)
    product_line: str = Field("", max_length=120)
    type: Literal[tuple(ArticleKind.values)] | None = None  # type: ignore[valid-type]
    since: dt.date | None = None
    until: dt.date | None = None


class KbSearchHitOut(Schema):
    id: int
    kind: str
    title: str
    score: float
    snippet: str
    terms: list[str]
    url: str
    number: str = Field("", description="The case number (cases only).")


class KbSearchOut(Schema):
    items: list[KbSearchHitOut]


class KbReindexJobOut(Schema):
    id: int
    status: str
    total: int
    processed: int
    message: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


@router.get("/kb/search", response=KbSearchOut, description=_SEARCH_DESCRIPTION)
@access(scoped("kb.view_article"))
def kb_search(request: HttpRequest, params: Query[KbSearchParams]):
    hits = search.search(
        user=request.auth,
        q=params.q,
        limit=params.limit,
        kinds=(params.kind,) if params.kind else ("article", "case"),
        category=params.category,
        product_line=params.product_line,
        article_kind=params.type or "",
        since=params.since,
        until=params.until,
    )
    return {"items": [_hit_out(h) for h in hits]}


def _hit_out(hit: search.Hit) -> dict:
    return {
        "id": hit.id,
        "kind": hit.kind,
        "title": hit.title,
        "score": hit.score,
        "snippet": hit.snippet,
        "terms": list(hit.terms),
        "url": hit.url,
        "number": hit.number,
    }


@router.post("/kb/reindex", response={202: KbReindexJobOut})
@access(staff_perm(index.MANAGE))
def kb_reindex(request: HttpRequest):
    """Rebuild the whole search index in the background; poll GET /kb/reindex/{id}."""
    job = index.reindex_start(by=request.auth)
    tasks.reindex_task(job.pk)
    return Status(202, _job_out(job))


@router.get("/kb/reindex/{job_id}", response=KbReindexJobOut)
@access(staff_perm(index.MANAGE))
def kb_reindex_get(request: HttpRequest, job_id: int):
    """A rebuild's status and progress (`processed` of `total` documents)."""
    return _job_out(index.reindex_job_get(user=request.auth, job_id=job_id))


def _job_out(job: ReindexJob) -> dict:
    job.refresh_from_db()
    return {
        "id": job.pk,
        "status": job.status,
        "total": job.total,
        "processed": job.processed,
        "message": job.message,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
