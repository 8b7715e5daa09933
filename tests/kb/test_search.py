"""kb.search: one behaviour each (synonyms, dictionary, prefix, typo, snippets, who sees what)."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from aftersales.kb import search, text
from aftersales.kb.models import DictionaryWord, SynonymSet
from tests.kb.factories import clear_lexicon, indexed_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_words():
    clear_lexicon()


def _ids(hits, kind="article"):
    return [h.id for h in hits if h.kind == kind]


def test_synonym_finds_the_other_word(engineer):
    SynonymSet.objects.create(terms="交换机, switch")
    article = indexed_article("Core switch reboots", "The switch restarts every night.")
    hits = search.search(user=engineer, q="交换机")
    assert _ids(hits) == [article.pk]
    assert "<mark>switch</mark>" in hits[0].snippet


def test_synonym_added_later_is_seen_by_the_next_query(engineer):
    # Words the seeded sets (kb migration 0002) do not hold.
    article = indexed_article("设备失联", "设备失联后无法登录。")
    assert search.search(user=engineer, q="unreachable") == []
    SynonymSet.objects.create(terms="失联, unreachable")
    assert _ids(search.search(user=engineer, q="unreachable")) == [article.pk]


def test_dictionary_word_keeps_a_product_name_whole():
    assert "云擎平台" not in text.tokens("云擎平台升级失败")
    DictionaryWord.objects.create(word="云擎平台")
    assert "云擎平台" in text.tokens("云擎平台升级失败")


def test_prefix_of_a_part_number_finds_it(engineer):
    article = indexed_article("电源模块更换", "备件编码 02310KHN，序列号 2102351931P0K7000123。")
    hits = search.search(user=engineer, q="02310K")
    assert _ids(hits) == [article.pk]
    assert hits[0].terms == ("02310khn",)
    assert "<mark>02310KHN</mark>" in hits[0].snippet


def test_typo_in_an_english_word_still_matches(engineer):
    article = indexed_article("Firmware upgrade guide", "How to upgrade the firmware safely.")
    assert _ids(search.search(user=engineer, q="firmwre")) == [article.pk]


def test_snippet_escapes_html_and_marks_matches(engineer):
    indexed_article("XSS note", "Pasted <script>alert(1)</script> into the 告警 field.")
    hits = search.search(user=engineer, q="告警")
    assert "<script>" not in hits[0].snippet
    assert "&lt;script&gt;" in hits[0].snippet
    assert "<mark>告警</mark>" in hits[0].snippet


def test_title_match_outranks_a_body_match(engineer):
    body_only = indexed_article("设备维护", "检查风扇状态。")
    in_title = indexed_article("风扇告警处理", "检查设备状态。")
    assert _ids(search.search(user=engineer, q="风扇")) == [in_title.pk, body_only.pk]


def test_customer_never_sees_internal_or_draft_articles(contact_a):
    public = indexed_article("光模块告警", "光模块收光异常。")
    indexed_article("光模块告警内部", "光模块内部排查。", visibility="internal")
    indexed_article("光模块草稿", "光模块草稿。", status="draft")
    hits = search.search(user=contact_a.user, q="光模块")
    assert [(h.kind, h.id) for h in hits] == [("article", public.pk)]


def test_customer_never_sees_cases(seat, customer_a, customer_b, contact_a):
    services.case_create(by=seat, customer=customer_b, title="光模块收光异常", description="B")
    services.case_create(by=seat, customer=customer_a, title="光模块收光异常", description="A")
    assert search.search(user=contact_a.user, q="光模块") == []


def test_staff_see_cases_and_articles(seat, customer_a):
    case = services.case_create(by=seat, customer=customer_a, title="光模块收光异常")
    article = indexed_article("光模块排查", "收光功率过低。")
    hits = search.search(user=seat, q="光模块")
    assert {(h.kind, h.id) for h in hits} == {("case", case.pk), ("article", article.pk)}
    assert next(h for h in hits if h.kind == "case").number == case.number


def test_retired_article_is_gone_from_results(engineer):
    article = indexed_article("旧版本升级说明", "V100R001 升级步骤。")
    article.status = "retired"
    article.save(update_fields=["status"])
    assert search.search(user=engineer, q="升级") == []


def test_draft_is_shown_to_its_writer_only(engineer, seat):
    draft = indexed_article("电池更换草稿", "电池更换步骤。", status="draft", owner=engineer)
    assert _ids(search.search(user=engineer, q="电池")) == [draft.pk]
    assert search.search(user=seat, q="电池") == []


def test_case_edit_updates_the_index(seat, customer_a):
    case = services.case_create(by=seat, customer=customer_a, title="主板故障")
    assert search.search(user=seat, q="硬盘") == []
    services.case_comment(case=case, by=seat, text="更换硬盘后恢复")
    assert [h.id for h in search.search(user=seat, q="硬盘")] == [case.pk]


def test_filters_keep_the_kind_and_article_type(engineer, seat, customer_a):
    services.case_create(by=seat, customer=customer_a, title="风扇告警")
    manual = indexed_article("风扇手册", "风扇。", kind="manual")
    indexed_article("风扇常见问题", "风扇。", kind="faq")
    hits = search.search(user=seat, q="风扇", kinds=("article",), article_kind="manual")
    assert [(h.kind, h.id) for h in hits] == [("article", manual.pk)]


@pytest.mark.parametrize("q", ["", "   ", "x" * 201])
def test_bad_query_is_refused_naming_q(engineer, q):
    from aftersales.core.errors import Invalid

    with pytest.raises(Invalid) as caught:
        search.search(user=engineer, q=q)
    assert caught.value.field == "q"
