"""FAQ candidates: clusters of similar resolved cases, and a draft FAQ from one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.cases.models import Case
from aftersales.kb import faq
from aftersales.kb.models import Article, ArticleCaseLink
from tests.kb import factories as kb

pytestmark = pytest.mark.django_db


@pytest.fixture
def recurring(seat, customer_a):
    """Four resolved cases about a power module, two about an optical module."""
    made = [kb.resolved_case(seat, customer_a, title=f"交换机电源模块告警 {i}") for i in range(4)]
    made += [
        kb.resolved_case(seat, customer_a, title="光模块收光异常", symptom="收光功率低")
        for _ in range(2)
    ]
    return made


def test_recurring_cases_form_one_cluster(engineer, recurring):
    clusters = faq.faq_candidates(user=engineer)
    assert len(clusters) == 1
    assert clusters[0].count == 4
    assert {c.pk for c in clusters[0].samples} <= {c.pk for c in recurring[:4]}


def test_cases_resolved_before_the_period_are_left_out(engineer, recurring):
    old = timezone.now() - dt.timedelta(days=120)
    Case.objects.filter(pk__in=[c.pk for c in recurring]).update(resolved_at=old)
    assert faq.faq_candidates(user=engineer) == []
    assert faq.faq_candidates(user=engineer, days=365)[0].count == 4


def test_customer_contact_sees_no_other_customers_cases(contact_b, recurring):
    assert faq.faq_candidates(user=contact_b.user) == []


def test_draft_a_faq_from_a_cluster(engineer, recurring):
    kb.category_tree()
    cluster = faq.faq_candidates(user=engineer)[0]
    article = faq.faq_draft(by=engineer, word=cluster.word)
    assert (article.kind, article.status) == ("faq", "draft")
    assert "交换机电源模块告警" in article.body and "更换电源模块后恢复。" in article.body
    assert ArticleCaseLink.objects.filter(article=article).count() == 4


def test_draft_of_an_unknown_cluster_is_422_and_writes_nothing(engineer, recurring):
    from aftersales.core.errors import Invalid

    kb.category_tree()
    with pytest.raises(Invalid) as refused:
        faq.faq_draft(by=engineer, word="不存在")
    assert refused.value.field == "word"
    assert not Article.objects.exists()


def test_faq_page_lists_clusters_and_drafts(engineer, recurring):
    kb.category_tree()
    client = Client()
    client.force_login(engineer)
    page = client.get("/kb/faq-candidates/")
    assert page.status_code == 200 and "交换机" in page.content.decode()
    word = faq.faq_candidates(user=engineer)[0].word
    response = client.post("/kb/faq-candidates/draft/", {"word": word, "days": "90"})
    assert response.status_code == 302
    assert Article.objects.filter(kind="faq").count() == 1


def test_faq_page_refuses_a_bad_period(engineer):
    client = Client()
    client.force_login(engineer)
    assert client.get("/kb/faq-candidates/", {"days": "-3"}).status_code == 422


def test_faq_page_is_for_writers(db):
    from tests import factories

    client = Client()
    client.force_login(factories.staff_user("store", role="warehouse"))
    assert client.get("/kb/faq-candidates/").status_code == 403
