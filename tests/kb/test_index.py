"""kb.index: documents, postings and df in step with the rows; the rebuild job."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from aftersales.kb import index
from aftersales.kb.models import (
    Posting,
    ReindexJob,
    ReindexStatus,
    SearchDocument,
    SearchTerm,
    SynonymSet,
)
from tests.kb.factories import clear_lexicon, indexed_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_words():
    clear_lexicon()


def _df(word):
    return SearchTerm.objects.get(term=word).df


def test_same_text_gets_the_same_impact_whatever_was_written_before(engineer):
    first = indexed_article("风扇告警", "风扇停转。")
    indexed_article("电源告警", "电源模块" * 50)
    second = indexed_article("风扇告警", "风扇停转。")
    impacts = [
        sorted(
            Posting.objects.filter(document__object_id=a.pk, document__kind="article").values_list(
                "term__term", "impact"
            )
        )
        for a in (first, second)
    ]
    assert impacts[0] == impacts[1]


def test_reindexing_an_edit_moves_df(engineer):
    article = indexed_article("风扇告警", "风扇停转。")
    assert _df("风扇") == 1
    article.title, article.body = "电源告警", "电源故障。"
    article.save()
    index.index_article(article)
    assert _df("风扇") == 0
    assert _df("电源") == 1


def test_remove_drops_the_document_and_its_df(engineer):
    article = indexed_article("风扇告警", "风扇停转。")
    index.remove("article", article.pk)
    assert not SearchDocument.objects.filter(kind="article", object_id=article.pk).exists()
    assert _df("风扇") == 0


def test_new_synonym_applies_to_new_writes(engineer):
    SynonymSet.objects.create(terms="交换机, switch")
    indexed_article("Switch reboot", "switch")
    assert SearchTerm.objects.filter(term="交换机", df=1).exists()
    assert not SearchTerm.objects.filter(term="switch", df__gt=0).exists()


def test_new_case_is_indexed_through_the_cases_hook(seat, customer_a):
    case = services.case_create(by=seat, customer=customer_a, title="主板故障")
    assert SearchDocument.objects.filter(kind="case", object_id=case.pk).exists()


def test_reindex_job_rebuilds_and_reports_progress(engineer, seat, customer_a, monkeypatch):
    monkeypatch.setattr(index, "BATCH", 1)
    indexed_article("风扇告警", "风扇停转。")
    services.case_create(by=seat, customer=customer_a, title="主板故障")
    Posting.objects.all().delete()
    SearchDocument.objects.all().delete()
    seen = []
    real_advance = index._advance
    monkeypatch.setattr(
        index, "_advance", lambda job, n: (real_advance(job, n), seen.append(job.processed))
    )
    job = ReindexJob.objects.create(created_at=seat.date_joined)
    index.reindex_all(job)
    job.refresh_from_db()
    assert (job.status, job.total, job.processed) == (ReindexStatus.DONE, 2, 2)
    assert seen == [1, 2]
    assert SearchDocument.objects.count() == 2
    assert _df("风扇") == 1
