"""The console's search page and the reindex page."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.kb.models import ReindexJob
from tests.factories import PASSWORD
from tests.kb.factories import clear_lexicon, indexed_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_words():
    clear_lexicon()


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_search_page_lists_articles_and_cases_with_badges(seat, customer_a):
    from aftersales.cases import services

    case = services.case_create(by=seat, customer=customer_a, title="电源告警")
    indexed_article("电源模块<b>告警</b>", "电源<script>x</script>")
    response = _client(seat).get("/kb/search/", {"q": "电源"})
    body = response.content.decode()
    assert response.status_code == 200
    assert case.number in body and 'data-kind="case"' in body and 'data-kind="article"' in body
    assert "<mark>电源</mark>&lt;script&gt;" in body
    assert "<script>x" not in body


def test_search_page_is_404_for_a_customer(contact_a):
    assert _client(contact_a.user).get("/kb/search/", {"q": "电源"}).status_code == 404


def test_search_page_paginates(seat):
    for n in range(12):
        indexed_article(f"风扇告警 {n}", "风扇。")
    client = _client(seat)
    first = client.get("/kb/search/", {"q": "风扇"}).content.decode()
    second = client.get("/kb/search/", {"q": "风扇", "page": 2}).content.decode()
    assert first.count('data-kind="article"') == 10
    assert second.count('data-kind="article"') == 2


def test_reindex_page_starts_a_job_and_shows_progress(admin_user):
    indexed_article("风扇告警", "风扇。")
    client = _client(admin_user)
    response = client.post("/kb/reindex/")
    job = ReindexJob.objects.get()
    assert response.status_code == 302
    detail = client.get(f"/kb/reindex/{job.pk}/").content.decode()
    assert 'data-status="done"' in detail and "1 of 1 documents" in detail
    assert client.get(f"/kb/reindex/{job.pk}/progress/").status_code == 200


def test_reindex_page_is_403_for_a_wrong_role(engineer):
    client = _client(engineer)
    assert client.get("/kb/reindex/").status_code == 403
    assert client.post("/kb/reindex/").status_code == 403
    assert not ReindexJob.objects.exists()
