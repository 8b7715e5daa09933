"""POST /api/v1/cases/{number}/reply-with-article: answer a case with an article in one action."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from aftersales.accounts.endpoint_access import access, scoped
from aftersales.cases import selectors as case_selectors
from aftersales.core.errors import Invalid, NotFound
from aftersales.kb import selectors
from aftersales.kb.case_reply import reply_with_article
from aftersales.kb.models import Article

router = Router(tags=["knowledge base"])


class ReplyWithArticleIn(Schema):
    article: int = Field(ge=1, le=2**62, description="The published public article to send.")


class ReplySentOut(Schema):
    case: str
    article: int
    activity: int
    text: str


@router.post("/cases/{number}/reply-with-article", response={201: ReplySentOut})
@access(scoped("cases.view_case"))
def case_reply_with_article(request: HttpRequest, number: str, payload: ReplyWithArticleIn):
    """Send the article's text as a public reply on the case and link the two."""
    case = case_selectors.case_get_for_user(user=request.auth, number=number)
    try:
        article: Article = selectors.article_get_for_user(user=request.auth, pk=payload.article)
    except NotFound:
        raise Invalid(selectors.NOT_FOUND, field="article") from None
    activity = reply_with_article(case=case, by=request.auth, article=article)
    return Status(
        201,
        {
            "case": case.number,
            "article": article.pk,
            "activity": activity.pk,
            "text": activity.text,
        },
    )
