"""The portal's knowledge base: customers find published public articles, rate them, and see
matching articles while they type a new case (deflection, counted)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from aftersales.cases.models import Case
from aftersales.kb.models import ArticleRating, Deflection
from tests.kb.factories import indexed_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def portal(contact_a):
    client = Client()
    client.force_login(contact_a.user)
    return client


@pytest.fixture
def power_article(db):
    return indexed_article("交换机电源模块告警的处理", "电源灯红色闪烁时，先检查电源线和供电。")


def test_a_customer_finds_a_public_article_by_its_words(portal, power_article):
    page = portal.get("/portal/kb/", {"q": "电源告警"}).content.decode()

    assert f"/portal/kb/{power_article.pk}/" in page
    assert "<mark>" in page


def test_a_customer_never_sees_an_internal_or_draft_article(portal):
    internal = indexed_article("内部: 交换机电源维修手册", "电源维修", visibility="internal")
    draft = indexed_article("交换机电源草稿", "电源草稿", status="draft")

    page = portal.get("/portal/kb/", {"q": "电源"}).content.decode()

    assert f"/portal/kb/{internal.pk}/" not in page
    assert f"/portal/kb/{draft.pk}/" not in page
    assert portal.get(f"/portal/kb/{internal.pk}/").status_code == 404
    assert portal.get(f"/portal/kb/{draft.pk}/").status_code == 404


def test_the_article_page_renders_markdown_without_running_script(portal):
    article = indexed_article("风扇告警", "## 处理\n\n<script>alert(1)</script>更换风扇")

    page = portal.get(f"/portal/kb/{article.pk}/").content.decode()

    assert "<h2>处理</h2>" in page
    assert "<script>alert(1)" not in page


def test_a_customer_rates_an_article_once_and_may_change_the_rating(portal, power_article):
    portal.post(f"/portal/kb/{power_article.pk}/rate/", {"helped": "1"})
    portal.post(f"/portal/kb/{power_article.pk}/rate/", {"helped": "0"})

    power_article.refresh_from_db()
    assert ArticleRating.objects.get(article=power_article).helped is False
    assert (power_article.helped_count, power_article.not_helped_count) == (0, 1)


def test_typing_a_new_case_shows_matching_articles_and_counts_it_once(portal, power_article):
    first = portal.get("/portal/kb/suggest/", {"q": "交换机电源灯红色"})
    again = portal.get("/portal/kb/suggest/", {"q": "交换机电源灯红色"})

    assert f"/portal/kb/{power_article.pk}/?from=case-form" in first.content.decode()
    assert again.status_code == 200
    assert Deflection.objects.filter(kind="shown").count() == 1


def test_no_suggestion_is_counted_when_nothing_matches(portal, power_article):
    response = portal.get("/portal/kb/suggest/", {"q": "打印机卡纸"})

    assert "kb-suggestions-box" not in response.content.decode()
    assert not Deflection.objects.exists()


def test_an_article_that_solved_the_problem_is_counted_and_sends_no_case(portal, power_article):
    portal.get(f"/portal/kb/{power_article.pk}/", {"from": "case-form"})
    response = portal.post(f"/portal/kb/{power_article.pk}/solved/")

    assert response.status_code == 302
    kinds = sorted(Deflection.objects.values_list("kind", flat=True))
    assert kinds == ["opened", "solved"]
    assert not Case.objects.exists()


def test_a_case_sent_after_suggestions_is_counted_as_submitted(portal, power_article):
    portal.get("/portal/kb/suggest/", {"q": "交换机电源灯红色"})
    response = portal.post(
        "/portal/cases/new/",
        {
            "title": "交换机电源灯红色",
            "description": "已检查电源线，仍然告警",
            "priority": "P3",
            "case_type": "fault",
            "kb_shown": "1",
        },
    )

    assert response.status_code == 302, response.content.decode()[:500]
    assert Deflection.objects.filter(kind="submitted").count() == 1


def test_staff_cannot_use_the_portal_knowledge_pages(power_article, engineer):
    client = Client()
    client.force_login(engineer)

    assert client.get("/portal/kb/").status_code == 404


def test_staff_read_the_deflection_counts_of_a_period(portal, power_article, engineer):
    portal.get("/portal/kb/suggest/", {"q": "交换机电源灯红色"})
    portal.post(f"/portal/kb/{power_article.pk}/solved/")
    client = Client()
    client.force_login(engineer)

    body = client.get("/api/v1/kb/deflection").json()

    assert (body["counts"]["shown"], body["counts"]["solved"]) == (1, 1)
    assert body["deflection_rate"] == 1.0


def test_a_customer_cannot_read_the_deflection_counts(portal):
    assert portal.get("/api/v1/kb/deflection").status_code == 403


def test_a_period_ending_before_it_starts_is_422_naming_until(engineer):
    client = Client()
    client.force_login(engineer)

    response = client.get("/api/v1/kb/deflection", {"since": "2026-12-07", "until": "2026-12-01"})

    assert response.status_code == 422
    assert "until" in response.content.decode()
