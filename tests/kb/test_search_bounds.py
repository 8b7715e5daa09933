"""kb.search stays fast on a large index: prefix expansion and typo look-ups are bounded."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.kb import search
from tests.kb.factories import clear_lexicon, indexed_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_words():
    clear_lexicon()


def test_prefix_looks_only_at_the_first_words_of_its_range(engineer, monkeypatch):
    monkeypatch.setattr(search, "PREFIX_SCAN", 2)
    first = indexed_article("Board abc1001", "abc1001 fault.")
    second = indexed_article("Board abc1002", "abc1002 fault.")
    indexed_article("Board abc1003", "abc1003 fault.")
    hits = search.search(user=engineer, q="abc100")
    assert sorted(h.id for h in hits) == sorted([first.pk, second.pk])


def test_known_word_asks_for_no_typos(engineer):
    indexed_article("Power supply failure", "The power supply failed.")
    with CaptureQueriesContext(connection) as queries:
        search.search(user=engineer, q="power supply")
    assert not any("'pwer'" in q["sql"] or "'powr'" in q["sql"] for q in queries)


def test_unknown_word_still_finds_its_typo(engineer):
    article = indexed_article("Power supply failure", "The power supply failed.")
    hits = search.search(user=engineer, q="powr")
    assert [h.id for h in hits] == [article.pk]
