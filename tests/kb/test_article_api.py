"""The articles API (contract.md, "Knowledge base"): create, read, edit, workflow, versions."""

from __future__ import annotations

import json

import pytest

from aftersales.core.models import Activity
from aftersales.kb.models import Article, ArticleVersion, SearchDocument
from tests.kb import factories as kb

pytestmark = pytest.mark.django_db

URL = "/api/v1/kb/articles"


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def expert(db):
    return kb.publisher()


@pytest.fixture
def topic(db):
    return kb.category_tree()


def test_publisher_creates_a_published_public_article_by_category_path(api_as, expert, topic):
    body = {"title": "电源告警", "body": "更换电源。", "category": "交换机/硬件/电源",
            "published": True}  # fmt: skip
    response = post(api_as(expert), URL, body)
    assert response.status_code == 201, response.content
    data = response.json()
    article = Article.objects.get(pk=data["id"])
    assert (article.status, article.visibility, article.category) == ("published", "public", topic)
    assert data["html"].startswith("<p>更换电源。")
    assert ArticleVersion.objects.filter(article=article, number=1).exists()
    assert SearchDocument.objects.filter(kind="article", object_id=article.pk).exists()
    kinds = set(Activity.objects.filter(subject_kind="article").values_list("kind", flat=True))
    assert kinds == {"article_created", "article_published"}


def test_category_is_found_by_id_or_unique_name(api_as, expert, topic):
    for ref in (topic.pk, "电源"):
        body = {"title": "t", "body": "b", "category": ref, "published": False}
        assert post(api_as(expert), URL, body).status_code == 201


def test_published_with_internal_visibility_stays_internal(api_as, expert, topic):
    body = {"title": "t", "body": "b", "category": topic.pk, "published": True,
            "visibility": "internal"}  # fmt: skip
    assert post(api_as(expert), URL, body).json()["visibility"] == "internal"


def test_unknown_category_is_422_naming_category_and_writes_nothing(api_as, expert, topic):
    body = {"title": "t", "body": "b", "category": "路由器/软件", "published": False}
    response = post(api_as(expert), URL, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "category"
    assert not Article.objects.exists() and not Activity.objects.exists()


def test_missing_title_is_422_naming_title(api_as, expert, topic):
    response = post(api_as(expert), URL, {"body": "b", "category": topic.pk})
    assert response.status_code == 422
    assert "title" in json.dumps(response.json())
    assert not Article.objects.exists()


def test_nul_in_body_is_422_naming_body(api_as, expert, topic):
    response = post(api_as(expert), URL, {"title": "t", "body": "a\x00b", "category": topic.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "body"
    assert not Article.objects.exists()


def test_writer_publishing_at_once_is_403_and_writes_nothing(api_as, engineer, topic):
    body = {"title": "t", "body": "b", "category": topic.pk, "published": True}
    assert post(api_as(engineer), URL, body).status_code == 403
    assert not Article.objects.exists()


def test_writer_creates_a_draft(api_as, engineer, topic):
    body = {"title": "t", "body": "b", "category": topic.pk, "published": False}
    response = post(api_as(engineer), URL, body)
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert response.json()["visibility"] == "internal"


def test_customer_contact_cannot_create(api_as, contact_a, topic):
    body = {"title": "t", "body": "b", "category": topic.pk}
    assert post(api_as(contact_a.user), URL, body).status_code in (403, 404)
    assert not Article.objects.exists()


def test_customer_sees_published_public_only(api_as, expert, contact_a):
    public = kb.public_article(expert, title="公开文章")
    draft = kb.article(expert, title="草稿")
    internal = kb.article(expert, title="内部", published=True, visibility="internal")
    client = api_as(contact_a.user)
    listed = client.get(URL).json()
    assert [row["id"] for row in listed["items"]] == [public.pk] and listed["count"] == 1
    assert client.get(f"{URL}/{public.pk}").status_code == 200
    assert client.get(f"{URL}/{draft.pk}").status_code == 404
    assert client.get(f"{URL}/{internal.pk}").status_code == 404


def test_staff_without_write_right_does_not_see_drafts(api_as, expert):
    from tests import factories

    draft = kb.article(expert)
    warehouse = factories.staff_user("store", role="warehouse")
    assert api_as(warehouse).get(f"{URL}/{draft.pk}").status_code == 404
    assert api_as(expert).get(f"{URL}/{draft.pk}").status_code == 200


def test_list_filters_by_status_kind_category_and_q(api_as, expert):
    kb.article(expert, title="电源告警", kind="faq")
    other = kb.article(
        expert, title="光模块不亮", kind="troubleshooting", category=kb.category_tree("路由器")
    )
    client = api_as(expert)
    assert client.get(URL, {"q": "光模块"}).json()["count"] == 1
    assert client.get(URL, {"kind": "troubleshooting"}).json()["items"][0]["id"] == other.pk
    assert client.get(URL, {"category": "路由器"}).json()["count"] == 1
    assert client.get(URL, {"status": "published"}).json()["count"] == 0
    assert client.get(URL, {"status": "bogus"}).status_code == 422


def test_edit_saves_a_new_version_with_its_note(api_as, engineer):
    article = kb.article(engineer)
    response = patch(api_as(engineer), f"{URL}/{article.pk}", {"body": "新正文", "note": "补充"})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    version = ArticleVersion.objects.get(article=article, number=2)
    assert (version.body, version.note) == ("新正文", "补充")
    assert Activity.objects.filter(subject_id=article.pk, kind="article_edited").count() == 1


def test_edit_with_bad_category_writes_nothing(api_as, engineer):
    article = kb.article(engineer)
    response = patch(api_as(engineer), f"{URL}/{article.pk}", {"title": "新", "category": "无"})
    assert response.status_code == 422
    article.refresh_from_db()
    assert (article.version, article.title) == (1, "交换机电源模块告警的处理")
    assert ArticleVersion.objects.filter(article=article).count() == 1


def test_workflow_submit_return_publish_retire(api_as, engineer, expert):
    article = kb.article(engineer)
    url = f"{URL}/{article.pk}"
    assert post(api_as(engineer), f"{url}/submit").json()["status"] == "review"
    assert post(api_as(engineer), f"{url}/publish").status_code == 403
    assert post(api_as(expert), f"{url}/return", {}).status_code == 422
    returned = post(api_as(expert), f"{url}/return", {"reason": "请补充截图"})
    assert returned.json()["status"] == "draft"
    assert post(api_as(engineer), f"{url}/submit").status_code == 200
    assert post(api_as(expert), f"{url}/publish").json()["status"] == "published"
    assert post(api_as(expert), f"{url}/submit").status_code == 409
    assert post(api_as(expert), f"{url}/retire", {"reason": "过时"}).json()["status"] == "retired"
    assert api_as(engineer).get(url).status_code == 404
    assert Article.objects.filter(pk=article.pk).exists()


def test_versions_and_diff(api_as, engineer):
    article = kb.article(engineer, body="第一行\n第二行")
    patch(api_as(engineer), f"{URL}/{article.pk}", {"body": "第一行\n第三行"})
    client = api_as(engineer)
    numbers = [v["number"] for v in client.get(f"{URL}/{article.pk}/versions").json()["items"]]
    assert numbers == [2, 1]
    diff = client.get(f"{URL}/{article.pk}/versions/diff", {"from": 1, "to": 2}).json()["lines"]
    assert "-第二行" in diff and "+第三行" in diff
    bad = client.get(f"{URL}/{article.pk}/versions/diff", {"from": 1, "to": 9})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "to"]


def test_rating_is_one_per_reader_and_changeable(api_as, expert, contact_a):
    article = kb.public_article(expert)
    client = api_as(contact_a.user)
    url = f"{URL}/{article.pk}/rate"
    assert post(client, url, {"helped": True}).json()["helped_count"] == 1
    assert post(client, url, {"helped": True}).json()["helped_count"] == 1
    changed = post(client, url, {"helped": False}).json()
    assert (changed["helped_count"], changed["not_helped_count"]) == (0, 1)
    assert changed["my_rating"] is False


def test_customer_cannot_rate_a_draft(api_as, expert, contact_a):
    draft = kb.article(expert)
    response = post(api_as(contact_a.user), f"{URL}/{draft.pk}/rate", {"helped": True})
    assert response.status_code == 404


def test_rating_needs_a_boolean(api_as, expert, contact_a):
    article = kb.public_article(expert)
    response = post(api_as(contact_a.user), f"{URL}/{article.pk}/rate", {"helped": "maybe"})
    assert response.status_code == 422
    article.refresh_from_db()
    assert article.helped_count == article.not_helped_count == 0
