"""Who may do what to a knowledge article, and when: one predicate per action.

Every staff role reads articles (`kb.view_article`); drafts and articles in review only those who
write (`kb.change_article`) or publish (`kb.publish_article`) them; retired articles only
publishers. A customer contact reads published public articles. The services enforce these:
`enforce_who` first (403), then the state (409).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_customer_contact, is_staff_member
from aftersales.accounts.predicates import Predicate, in_states, staff_with
from aftersales.kb.models import Article, ArticleStatus

VIEW = "kb.view_article"
ADD = "kb.add_article"
CHANGE = "kb.change_article"
PUBLISH = "kb.publish_article"

NOT_IN_STATE = _("Not possible while the article is “%(status)s”.")

DRAFT, REVIEW = ArticleStatus.DRAFT, ArticleStatus.REVIEW
PUBLISHED, RETIRED = ArticleStatus.PUBLISHED, ArticleStatus.RETIRED


def is_writer(user: Any) -> bool:
    """Staff who write or publish articles: they see drafts and articles in review."""
    return is_staff_member(user) and (can(user, CHANGE) or can(user, PUBLISH))


def is_publisher(user: Any) -> bool:
    return is_staff_member(user) and can(user, PUBLISH)


def _viewer(user: Any, article: Article) -> bool:
    if is_staff_member(user):
        if not can(user, VIEW):
            return False
        if article.status == PUBLISHED:
            return True
        if article.status == RETIRED:
            return is_publisher(user)
        return is_writer(user)
    return is_customer_contact(user) and article.is_public


# See an article (its body, attachments, versions).
can_view = Predicate(_viewer)
# Write a new article (obj: ignored, None).
can_create = Predicate(staff_with(ADD))
can_edit = Predicate(staff_with(CHANGE), in_states(NOT_IN_STATE, DRAFT, REVIEW, PUBLISHED))
can_submit = Predicate(staff_with(CHANGE), in_states(NOT_IN_STATE, DRAFT))
can_publish = Predicate(staff_with(PUBLISH), in_states(NOT_IN_STATE, DRAFT, REVIEW))
can_return = Predicate(staff_with(PUBLISH), in_states(NOT_IN_STATE, REVIEW))
can_retire = Predicate(staff_with(PUBLISH), in_states(NOT_IN_STATE, DRAFT, REVIEW, PUBLISHED))
can_attach = Predicate(staff_with(CHANGE), in_states(NOT_IN_STATE, DRAFT, REVIEW, PUBLISHED))
can_link = Predicate(staff_with(CHANGE), in_states(NOT_IN_STATE, DRAFT, REVIEW, PUBLISHED))
# Readers rate what they can read, once it is published.
can_rate = Predicate(_viewer, in_states(NOT_IN_STATE, PUBLISHED))

# The workflow's buttons, in their order: pages and the API's hints read this table.
ACTIONS: dict[str, Predicate] = {
    "edit": can_edit,
    "submit": can_submit,
    "publish": can_publish,
    "return": can_return,
    "retire": can_retire,
}


def available_actions(user: Any, article: Article) -> list[str]:
    """The steps `user` may take on the article now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, article)]
