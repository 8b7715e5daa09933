"""GET /api/v1/kb/search and the reindex endpoints."""

from __future__ import annotations

import pytest

from aftersales.kb.models import ReindexJob
from tests.kb.factories import clear_lexicon, indexed_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_words():
    clear_lexicon()


def test_search_returns_items_best_first_with_snippets(api_as, engineer):
    article = indexed_article("交换机电源告警", "<b>电源</b>模块告警。")
    response = api_as(engineer).get("/api/v1/kb/search", {"q": "电源", "limit": 5})
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert (item["id"], item["kind"], item["title"]) == (article.pk, "article", article.title)
    assert item["snippet"] == "&lt;b&gt;<mark>电源</mark>&lt;/b&gt;模块告警。"
    assert item["terms"] == ["电源"] and item["score"] > 0 and item["url"]


def test_customer_gets_public_articles_only(api_as, contact_a):
    public = indexed_article("电源告警", "电源。")
    indexed_article("电源内部说明", "电源。", visibility="internal")
    response = api_as(contact_a.user).get("/api/v1/kb/search", {"q": "电源"})
    assert [i["id"] for i in response.json()["items"]] == [public.pk]


@pytest.mark.parametrize("q", ["", "x" * 201])
def test_bad_q_is_422_naming_q(api_as, engineer, q):
    response = api_as(engineer).get("/api/v1/kb/search", {"q": q})
    assert response.status_code == 422
    assert "q" in response.content.decode()


def test_limit_over_50_is_422(api_as, engineer):
    response = api_as(engineer).get("/api/v1/kb/search", {"q": "电源", "limit": 51})
    assert response.status_code == 422


def test_reindex_starts_a_job_and_reports_it(api_as, admin_user):
    indexed_article("电源告警", "电源。")
    client = api_as(admin_user)
    response = client.post("/api/v1/kb/reindex")
    assert response.status_code == 202
    job_id = response.json()["id"]
    progress = client.get(f"/api/v1/kb/reindex/{job_id}").json()
    assert (progress["status"], progress["processed"], progress["total"]) == ("done", 1, 1)


def test_reindex_by_a_wrong_role_is_403(api_as, engineer):
    response = api_as(engineer).post("/api/v1/kb/reindex")
    assert response.status_code == 403
    assert not ReindexJob.objects.exists()


def test_reindex_by_a_customer_is_404(api_as, contact_a):
    assert api_as(contact_a.user).post("/api/v1/kb/reindex").status_code in (403, 404)
