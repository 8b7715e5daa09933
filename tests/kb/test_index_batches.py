"""kb.index.reindex_all writes a batch in bulk: the same index as one document at a time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.cases import services
from aftersales.kb import index
from aftersales.kb.models import Posting, ReindexJob, SearchDocument, SearchTerm
from tests.kb.factories import clear_lexicon, indexed_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_words():
    clear_lexicon()


def _index_state():
    postings = sorted(
        Posting.objects.values_list(
            "document__kind", "document__object_id", "term__term", "impact", "in_title"
        )
    )
    documents = sorted(SearchDocument.objects.values_list("kind", "object_id", "length"))
    df = dict(SearchTerm.objects.filter(df__gt=0).values_list("term", "df"))
    return postings, documents, df


def _some_documents(seat, customer_a):
    indexed_article("风扇告警", "风扇停转。电源正常。")
    indexed_article("电源告警", "电源模块故障，更换电源。")
    indexed_article("S5735 boot loop", "The switch reboots; check the power supply.")
    services.case_create(by=seat, customer=customer_a, title="主板故障", description="风扇异响")
    services.case_create(by=seat, customer=customer_a, title="电源灯不亮")


def test_rebuild_in_batches_gives_the_index_of_single_writes(engineer, seat, customer_a):
    _some_documents(seat, customer_a)
    before = _index_state()
    index.reindex_all(ReindexJob.objects.create(created_at=seat.date_joined))
    assert _index_state() == before


def test_rebuild_from_an_empty_index_gives_the_index_of_single_writes(engineer, seat, customer_a):
    _some_documents(seat, customer_a)
    before = _index_state()
    Posting.objects.all().delete()
    SearchDocument.objects.all().delete()
    SearchTerm.objects.update(df=0)
    index.reindex_all(ReindexJob.objects.create(created_at=seat.date_joined))
    assert _index_state() == before


def test_rebuild_batch_costs_the_same_queries_whatever_its_size(engineer, seat, customer_a):
    indexed_article("风扇告警", "风扇停转。")
    with CaptureQueriesContext(connection) as one:
        index.reindex_all(ReindexJob.objects.create(created_at=seat.date_joined))
    for n in range(4):
        indexed_article(f"电源告警 {n}", f"电源模块 {n} 故障。")
    with CaptureQueriesContext(connection) as five:
        index.reindex_all(ReindexJob.objects.create(created_at=seat.date_joined))
    assert len(five) == len(one)
