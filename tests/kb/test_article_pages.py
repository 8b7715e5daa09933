"""Console pages of knowledge articles: list, article, form, workflow buttons, from a case."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.kb.models import Article
from tests import factories
from tests.kb import factories as kb

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def expert(db):
    return kb.publisher()


def test_list_shows_articles_and_filters_by_text(expert):
    kb.article(expert, title="电源告警处理")
    kb.article(expert, title="光模块不亮")
    client = client_for(expert)
    page = client.get("/kb/articles/", {"q": "光模块"}).content.decode()
    assert "光模块不亮" in page and "电源告警处理" not in page
    rows = client.get("/kb/articles/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="rows"' in rows and "<html" not in rows


def test_article_page_renders_markdown_sanitised(expert):
    article = kb.article(expert, body="**粗体** <script>alert(1)</script>")
    page = client_for(expert).get(f"/kb/articles/{article.pk}/").content.decode()
    assert "<strong>粗体</strong>" in page
    assert "<script>alert(1)</script>" not in page


def test_article_page_shows_only_allowed_buttons(expert, engineer):
    article = kb.article(engineer)
    as_writer = client_for(engineer).get(f"/kb/articles/{article.pk}/").content.decode()
    assert "/submit/" in as_writer and "/publish/" not in as_writer
    as_expert = client_for(expert).get(f"/kb/articles/{article.pk}/").content.decode()
    assert "/publish/" in as_expert


def test_diff_between_two_versions_is_shown(engineer):
    from aftersales.kb import articles

    article = kb.article(engineer, body="旧的一行")
    articles.article_edit(article=article, by=engineer, body="新的一行")
    page = client_for(engineer).get(f"/kb/articles/{article.pk}/?from=1&to=2").content.decode()
    assert "-旧的一行" in page and "+新的一行" in page


def test_new_article_form_creates_a_draft(engineer):
    topic = kb.category_tree()
    response = client_for(engineer).post(
        "/kb/articles/new/",
        {
            "title": "风扇告警",
            "category": topic.pk,
            "kind": "faq",
            "body": "清灰。",
            "visibility": "internal",
            "tags": "风扇, 告警",
        },  # fmt: skip
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.status, sorted(t.name for t in article.tags.all())) == (
        "draft",
        ["告警", "风扇"],
    )


def test_new_article_form_with_empty_body_writes_nothing(engineer):
    topic = kb.category_tree()
    response = client_for(engineer).post(
        "/kb/articles/new/",
        {
            "title": "风扇告警",
            "category": topic.pk,
            "kind": "faq",
            "body": "",
            "visibility": "internal",
        },  # fmt: skip
    )
    assert response.status_code == 422
    assert not Article.objects.exists()


def test_edit_form_saves_a_new_version(engineer):
    article = kb.article(engineer)
    response = client_for(engineer).post(
        f"/kb/articles/{article.pk}/edit/",
        {
            "title": "新标题",
            "category": article.category_id,
            "kind": "faq",
            "body": "新正文",
            "visibility": "internal",
            "note": "改标题",
        },  # fmt: skip
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.version) == ("新标题", 2)


def test_writer_cannot_publish_from_the_page(engineer):
    article = kb.article(engineer)
    response = client_for(engineer).post(f"/kb/articles/{article.pk}/publish/")
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == "draft"


def test_workflow_buttons_move_the_article(engineer, expert):
    article = kb.article(engineer)
    client_for(engineer).post(f"/kb/articles/{article.pk}/submit/")
    client_for(expert).post(f"/kb/articles/{article.pk}/publish/")
    article.refresh_from_db()
    assert article.status == "published"


def test_customer_contact_gets_404_on_console_pages(contact_a, expert):
    article = kb.public_article(expert)
    client = client_for(contact_a.user)
    assert client.get(f"/kb/articles/{article.pk}/").status_code == 404
    assert client.get("/kb/articles/").status_code == 404


def test_staff_without_the_right_cannot_open_the_form(db):
    store = factories.staff_user("store", role="warehouse")
    assert client_for(store).get("/kb/articles/new/").status_code == 403


def test_case_page_offers_new_article_from_a_resolved_case(seat, engineer, customer_a):
    kb.category_tree()
    case = kb.resolved_case(seat, customer_a)
    page = client_for(engineer).get(f"/cases/{case.number}/").content.decode()
    assert f"/kb/articles/from-case/{case.number}/" in page
    response = client_for(engineer).post(f"/kb/articles/from-case/{case.number}/")
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/kb/articles/{article.pk}/edit/"
    )
    assert article.source_case == case


def test_rate_and_attach_from_the_page(expert):
    from django.core.files.uploadedfile import SimpleUploadedFile

    article = kb.public_article(expert)
    client = client_for(expert)
    client.post(f"/kb/articles/{article.pk}/rate/", {"helped": "1"})
    note = SimpleUploadedFile("note.txt", "说明".encode(), content_type="text/plain")
    client.post(f"/kb/articles/{article.pk}/attach/", {"file": note})
    article.refresh_from_db()
    assert article.helped_count == 1 and article.attachments.count() == 1
    page = client.get(f"/kb/articles/{article.pk}/").content.decode()
    assert "note.txt" in page
