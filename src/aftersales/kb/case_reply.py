"""Answering a case with a knowledge article in one action (a public reply, and the link)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases import access as case_access
from aftersales.cases.models import Activity, Case
from aftersales.cases.services import case_comment
from aftersales.core.errors import Forbidden, Invalid
from aftersales.core.schema_types import LONG_TEXT_MAX
from aftersales.kb.articles import article_link_case
from aftersales.kb.models import Article

STAFF_ONLY = _("Only our staff answer a case with an article.")
NOT_PUBLIC = _("Only a published public article can be sent to the customer.")


def reply_text(article: Article) -> str:
    """What the customer reads: the article's title and its text (Markdown, as written)."""
    return f"{article.title}\n\n{article.body.strip()}"[:LONG_TEXT_MAX]


def reply_with_article(*, case: Case, by: User, article: Article) -> Activity:
    """Send the article's answer as a public reply on the case and link the two; the caller
    loaded both through the user's scope. An internal article is never sent to a customer."""
    if not case_access.can_comment_internal(by, case):
        raise Forbidden(STAFF_ONLY)
    if not article.is_public:
        raise Invalid(NOT_PUBLIC, field="article")
    with transaction.atomic():
        activity = case_comment(case=case, by=by, text=reply_text(article))
        article_link_case(article=article, by=by, case=case)
    return activity
