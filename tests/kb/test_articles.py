"""Article services: review reminders, markdown sanitising, visibility rules, index sync."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from aftersales.core.errors import Forbidden
from aftersales.core.models import Activity
from aftersales.kb import articles, selectors
from aftersales.kb.markdown import render
from aftersales.kb.models import SearchDocument
from aftersales.kb.tasks import remind_article_reviews
from aftersales.notify.models import Notice, OutboxMessage
from tests.kb import factories as kb

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert(db):
    return kb.publisher()


def test_markdown_drops_script_and_javascript_links():
    html = render("[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<script>1</script>")
    assert 'href="javascript' not in html and "<script>" not in html and "<img" not in html


def test_markdown_keeps_tables_and_code():
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ndisplay version\n```")
    assert "<table>" in html and "<code>display version" in html


@time_machine.travel(dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC), tick=False)
def test_owner_is_reminded_once_a_day_of_a_due_review(expert):
    article = kb.public_article(expert, review_by=dt.date(2026, 12, 7))
    kb.public_article(expert, title="以后再看", review_by=dt.date(2027, 1, 1))
    assert remind_article_reviews.call_local() == 1
    assert remind_article_reviews.call_local() == 0
    message = OutboxMessage.objects.get(kind="kb.review_due")
    assert message.to_user == expert and message.ref_id == str(article.pk)
    assert Notice.objects.filter(user=expert).count() == 1
    assert Activity.objects.filter(subject_id=article.pk, kind="article_review_due").count() == 1


def test_reminder_comes_again_the_next_day(expert):
    article = kb.public_article(expert, review_by=dt.date(2026, 1, 1))
    assert articles.review_reminders_send(today=dt.date(2026, 12, 7)) == 1
    assert articles.review_reminders_send(today=dt.date(2026, 12, 8)) == 1
    article.refresh_from_db()
    assert article.review_reminded_on == dt.date(2026, 12, 8)


def test_drafts_are_not_reminded(expert):
    kb.article(expert, review_by=dt.date(2026, 1, 1))
    assert articles.review_reminders_send(today=dt.date(2026, 12, 7)) == 0


def test_writer_cannot_make_a_published_article_internal(expert, engineer):
    article = kb.public_article(expert)
    with pytest.raises(Forbidden):
        articles.article_edit(article=article, by=engineer, visibility="internal")
    article.refresh_from_db()
    assert (article.visibility, article.version) == ("public", 1)


def test_every_write_updates_the_search_document(expert):
    article = kb.article(expert)
    document = SearchDocument.objects.get(kind="article", object_id=article.pk)
    assert not document.published
    articles.article_publish(article=article, by=expert)
    document.refresh_from_db()
    assert document.published and not document.public


def test_retired_articles_are_seen_by_publishers_only(expert, engineer):
    article = kb.public_article(expert)
    articles.article_retire(article=article, by=expert)
    assert not selectors.articles_for_user(engineer).filter(pk=article.pk).exists()
    assert selectors.articles_for_user(expert).filter(pk=article.pk).exists()
    assert not selectors.article_list(user=expert).filter(pk=article.pk).exists()


def test_demo_loads_a_tree_and_articles(seat, customer_a):
    from aftersales.kb import demo as kb_demo
    from aftersales.kb.models import Article, Category
    from aftersales.registry.demo import Demo
    from tests import factories

    factories.staff_user("expert1", role="expert")
    factories.staff_user("eng1", role="engineer")
    kb.resolved_case(seat, customer_a)
    demo = Demo()
    kb_demo.load(demo)
    assert Article.objects.count() >= 14
    assert Article.objects.filter(status="review").count() == 1
    assert Article.objects.filter(visibility="public", status="published").count() >= 8
    assert Article.objects.exclude(source_case=None).count() == 1
    assert Category.objects.filter(parent=None).count() == 5
    kb_demo.load(demo)  # a second run adds nothing
    assert demo.created["knowledge articles"] == Article.objects.count()
