"""Knowledge articles like a case: kb.similar and `articles` of GET /cases/{number}/similar."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from aftersales.kb import similar
from tests.kb.factories import clear_lexicon, indexed_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_words():
    clear_lexicon()


@pytest.fixture
def fan_case(seat, customer_a, contact_a):
    return services.case_create(
        by=seat, customer=customer_a, contact=contact_a, title="风扇告警", fault_symptom="风扇停转"
    )


def test_similar_articles_share_the_case_words(seat, fan_case):
    article = indexed_article("风扇停转的处理", "更换风扇模块。")
    indexed_article("电源故障", "电源。")
    assert [h.id for h in similar.similar_articles(user=seat, case=fan_case, limit=5)] == [
        article.pk
    ]


def test_case_similar_api_returns_articles(api_as, seat, fan_case):
    article = indexed_article("风扇停转的处理", "更换风扇模块。")
    response = api_as(seat).get(f"/api/v1/cases/{fan_case.number}/similar")
    assert response.status_code == 200
    (item,) = response.json()["articles"]
    assert item["id"] == article.pk
    assert set(item) >= {"id", "title", "score", "snippet", "terms"}


def test_customer_gets_no_internal_article_as_similar(api_as, contact_a, fan_case):
    indexed_article("风扇停转内部说明", "风扇。", visibility="internal")
    response = api_as(contact_a.user).get(f"/api/v1/cases/{fan_case.number}/similar")
    assert response.json()["articles"] == []
