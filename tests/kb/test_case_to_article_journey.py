"""Issue 15's "done when" for staff: an engineer turns a resolved case into an article, an
expert publishes it, and a search by a synonym of its title finds it (in both languages)."""

from __future__ import annotations

import pytest

from aftersales.kb import articles, search
from tests.kb.factories import category_tree, publisher, resolved_case, writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_from_case(seat, customer_a):
    case = resolved_case(seat, customer_a, title="核心交换机宕机", resolution="更换主控板后恢复。")
    category_tree()  # the article goes into the first product line when the case names none
    draft = articles.article_from_case(by=writer(), case=case.number)
    expert = publisher()
    return articles.article_publish(article=draft, by=expert), expert


@pytest.mark.parametrize("query", ["交换机死机", "switch down", "核心交换机挂了"])
def test_an_article_made_from_a_case_is_found_by_a_synonym_of_its_title(published_from_case, query):
    article, expert = published_from_case

    hits = search.search(user=expert, q=query, kinds=("article",))

    assert hits and hits[0].id == article.pk
    assert "更换主控板" in articles.Article.objects.get(pk=article.pk).body
