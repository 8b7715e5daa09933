"""The articles API: create, edit, review, publish, rate and link knowledge articles.

Thin: the rules live in kb.articles (writes), kb.selectors (reads) and kb.access (who may).
Anyone signed in reaches the reads; what they see is scoped by the selectors (a customer
contact: published public articles only, 404 for the rest).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from aftersales.accounts.endpoint_access import SIGNED_IN, access, staff_perm
from aftersales.core.openapi import documented
from aftersales.core.pagination import Limit, Offset, page
from aftersales.core.schema_types import SearchText, choice_of
from aftersales.core.uploads import stored_file_response
from aftersales.kb import access as kb_access
from aftersales.kb import articles, selectors
from aftersales.kb.markdown import render
from aftersales.kb.models import Article, ArticleAttachment, ArticleKind, ArticleStatus
from aftersales.kb.schemas import (
    KbArticleIn,
    KbArticleOut,
    KbArticlePage,
    KbArticlePatchIn,
    KbAttachmentOut,
    KbCaseIn,
    KbDiffOut,
    KbFromCaseIn,
    KbLinkOut,
    KbRateIn,
    KbRetireIn,
    KbReturnIn,
    KbVersionPage,
)

router = Router(tags=["knowledge base"])

READ = SIGNED_IN
WRITE = staff_perm(kb_access.CHANGE)
ADD = staff_perm(kb_access.ADD)
PUBLISH = staff_perm(kb_access.PUBLISH)


def category_out(article: Article) -> dict:
    category = article.category
    return {"id": category.pk, "name": category.name, "path": selectors.category_path(category)}


def row_out(article: Article) -> dict:
    fields = [
        "id", "title", "kind", "status", "visibility", "product_line", "version",
        "helped_count", "not_helped_count", "published_at", "updated_at",
    ]  # fmt: skip
    return {**{name: getattr(article, name) for name in fields}, "category": category_out(article)}


def attachment_out(attachment: ArticleAttachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "created_at": attachment.created_at,
        "url": f"/api/v1/kb/articles/{attachment.article_id}/attachments/{attachment.pk}",
    }


def article_out(article: Article, user: Any) -> dict:
    return {
        **row_out(article),
        "body": article.body,
        "html": str(render(article.body)),
        "product_models": [m.name for m in article.product_models.all()],
        "tags": [t.name for t in article.tags.all()],
        "owner": article.owner.get_username() if article.owner else None,
        "review_by": article.review_by,
        "source_case": article.source_case.number if article.source_case_id else None,
        "retired_at": article.retired_at,
        "created_at": article.created_at,
        "my_rating": selectors.rating_of(user=user, article=article),
        "allowed_actions": kb_access.available_actions(user, article),
        "attachments": [attachment_out(a) for a in selectors.attachments(article)],
        "cases": [c.number for c in selectors.linked_cases(user=user, article=article)],
    }


def _get(request: HttpRequest, article_id: Any) -> Article:
    return selectors.article_get_for_user(user=request.auth, pk=article_id)


def _fresh(request: HttpRequest, article: Article) -> dict:
    return article_out(_get(request, article.pk), request.auth)


class KbArticleListParams(Schema):
    status: choice_of(ArticleStatus, blank=True) = ""  # type: ignore[valid-type]
    kind: choice_of(ArticleKind, blank=True) = ""  # type: ignore[valid-type]
    category: str = Field("", max_length=400)
    q: SearchText = ""
    limit: Limit = 50
    offset: Offset = 0


class KbDiffParams(Schema):
    from_: int = Field(..., alias="from", ge=1, le=1_000_000)
    to: int = Field(..., ge=1, le=1_000_000)


@router.post("/kb/articles", response={201: KbArticleOut}, openapi_extra=documented(422))
@access(ADD)
def kb_article_create(request: HttpRequest, payload: KbArticleIn):
    """Write an article: a draft, or published at once (public unless "visibility" says
    internal) by those who may publish."""
    article = articles.article_create(
        by=request.auth,
        title=payload.title,
        body=payload.body,
        category=payload.category,
        kind=payload.kind,
        product_line=payload.product_line,
        product_models=payload.product_models,
        tags=payload.tags,
        visibility=payload.visibility or None,
        review_by=payload.review_by,
        published=payload.published,
    )
    return Status(201, _fresh(request, article))


@router.get("/kb/articles", response=KbArticlePage)
@access(READ)
def kb_article_list(request: HttpRequest, params: Query[KbArticleListParams]):
    category = None
    if params.category:
        category = selectors.category_resolve(params.category).pk
    filters = selectors.ArticleFilters(
        status=params.status, kind=params.kind, category=category, q=params.q
    )
    qs = selectors.article_list(user=request.auth, filters=filters)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [row_out(a) for a in result["items"]]
    return result


# Declared before the "/kb/articles/{article_id}" paths, which would otherwise take
# "from-case" for an id and answer 405.
@router.post(
    "/kb/articles/from-case", response={201: KbArticleOut}, openapi_extra=documented(409, 422)
)
@access(ADD)
def kb_article_from_case(request: HttpRequest, payload: KbFromCaseIn):
    """A resolved case becomes a draft article: 问题 / 原因 / 解决方案 filled from the case."""
    article = articles.article_from_case(
        by=request.auth, case=payload.case, category=payload.category
    )
    return Status(201, _fresh(request, article))


@router.get("/kb/articles/{article_id}", response=KbArticleOut)
@access(READ)
def kb_article_detail(request: HttpRequest, article_id: int):
    return article_out(_get(request, article_id), request.auth)


@router.patch(
    "/kb/articles/{article_id}", response=KbArticleOut, openapi_extra=documented(409, 422)
)
@access(WRITE)
def kb_article_edit(request: HttpRequest, article_id: int, payload: KbArticlePatchIn):
    """Change the fields given; each call saves a new version (with the optional note)."""
    changes = payload.model_dump(exclude_unset=True)
    note = changes.pop("note", "")
    # null means "leave it" for every field but the review date, where it clears the date.
    changes = {k: v for k, v in changes.items() if v is not None or k == "review_by"}
    article = articles.article_edit(
        article=_get(request, article_id), by=request.auth, note=note, **changes
    )
    return _fresh(request, article)


@router.post(
    "/kb/articles/{article_id}/submit", response=KbArticleOut, openapi_extra=documented(409)
)
@access(WRITE)
def kb_article_submit(request: HttpRequest, article_id: int):
    article = articles.article_submit(article=_get(request, article_id), by=request.auth)
    return _fresh(request, article)


@router.post(
    "/kb/articles/{article_id}/publish", response=KbArticleOut, openapi_extra=documented(409)
)
@access(PUBLISH)
def kb_article_publish(request: HttpRequest, article_id: int):
    article = articles.article_publish(article=_get(request, article_id), by=request.auth)
    return _fresh(request, article)


@router.post(
    "/kb/articles/{article_id}/return",
    response=KbArticleOut,
    openapi_extra=documented(409, 422),
)
@access(PUBLISH)
def kb_article_return(request: HttpRequest, article_id: int, payload: KbReturnIn):
    article = articles.article_return(
        article=_get(request, article_id), by=request.auth, reason=payload.reason
    )
    return _fresh(request, article)


@router.post(
    "/kb/articles/{article_id}/retire",
    response=KbArticleOut,
    openapi_extra=documented(409, 422),
)
@access(PUBLISH)
def kb_article_retire(request: HttpRequest, article_id: int, payload: KbRetireIn | None = None):
    article = articles.article_retire(
        article=_get(request, article_id),
        by=request.auth,
        reason=payload.reason if payload else "",
    )
    return _fresh(request, article)


@router.get("/kb/articles/{article_id}/versions", response=KbVersionPage)
@access(READ)
def kb_article_versions(request: HttpRequest, article_id: int):
    article = _get(request, article_id)
    return {
        "items": [
            {
                "number": v.number,
                "title": v.title,
                "body": v.body,
                "note": v.note,
                "edited_by": v.edited_by.get_username() if v.edited_by else None,
                "created_at": v.created_at,
            }
            for v in selectors.versions(article)
        ]
    }


@router.get(
    "/kb/articles/{article_id}/versions/diff", response=KbDiffOut, openapi_extra=documented(422)
)
@access(READ)
def kb_article_diff(request: HttpRequest, article_id: int, params: Query[KbDiffParams]):
    """The unified diff from version `from` to version `to`, line by line."""
    article = _get(request, article_id)
    lines = selectors.version_diff(article=article, from_number=params.from_, to_number=params.to)
    return {"lines": lines}


@router.post("/kb/articles/{article_id}/rate", response=KbArticleOut, openapi_extra=documented(409))
@access(READ)
def kb_article_rate(request: HttpRequest, article_id: int, payload: KbRateIn):
    """Say whether the article helped (once per reader; rating again changes the answer)."""
    article = articles.article_rate(
        article=_get(request, article_id), by=request.auth, helped=payload.helped
    )
    return _fresh(request, article)


@router.post(
    "/kb/articles/{article_id}/attachments",
    response={201: KbAttachmentOut},
    openapi_extra=documented(409, 422),
)
@access(WRITE)
def kb_article_attach(request: HttpRequest, article_id: int, file: File[UploadedFile]):
    """Attach a file: PDF, PNG, JPG, DOCX, XLSX, TXT or ZIP."""
    attachment = articles.attachment_add(
        article=_get(request, article_id), by=request.auth, file=file
    )
    return Status(201, attachment_out(attachment))


@router.get("/kb/articles/{article_id}/attachments/{attachment_id}", response={200: None})
@access(READ)
def kb_article_attachment(request: HttpRequest, article_id: int, attachment_id: int):
    """The file itself, as a download."""
    attachment = selectors.attachment_get(article=_get(request, article_id), pk=attachment_id)
    return stored_file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )


@router.post(
    "/kb/articles/{article_id}/link",
    response={201: KbLinkOut},
    openapi_extra=documented(409, 422),
)
@access(WRITE)
def kb_article_link(request: HttpRequest, article_id: int, payload: KbCaseIn):
    """Link the article to a case it answers (linking again changes nothing)."""
    link = articles.article_link_case(
        article=_get(request, article_id), by=request.auth, case=payload.case
    )
    return Status(
        201, {"article": link.article_id, "case": link.case.number, "created_at": link.created_at}
    )
