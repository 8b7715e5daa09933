"""Full-text search over cases (GET /api/v1/cases?q=), on SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

import pytest

from aftersales.cases import selectors, services
from aftersales.cases.models import Case

pytestmark = pytest.mark.django_db


def _open(by, customer, title, description=""):
    return services.case_create(
        by=by,
        customer=customer,
        title=title,
        description=description,
        priority="P3",
        case_type="fault",
        channel="phone",
    )


def _numbers(api, q: str) -> list[str]:
    response = api.get("/api/v1/cases", {"q": q})
    assert response.status_code == 200, response.content
    return [c["number"] for c in response.json()["items"]]


def test_seat_finds_case_by_chinese_word_in_the_title(api_as, seat, customer_a):
    switch = _open(seat, customer_a, "核心交换机宕机")
    _open(seat, customer_a, "服务器无法开机")
    assert _numbers(api_as(seat), "交换机") == [switch.number]


def test_seat_finds_case_by_compound_word_in_the_description(api_as, seat, customer_a):
    case = _open(seat, customer_a, "存储告警", description="二号机柜电源模块故障灯亮")
    _open(seat, customer_a, "电源线松动")
    assert _numbers(api_as(seat), "电源模块") == [case.number]


def test_english_words_match_whatever_their_case(api_as, seat, customer_a):
    case = _open(seat, customer_a, "Huawei S5700 fan failure")
    api = api_as(seat)
    assert _numbers(api, "huawei") == [case.number]
    assert _numbers(api, "FAN Failure") == [case.number]


def test_seat_finds_case_by_its_number(api_as, seat, customer_a):
    case = _open(seat, customer_a, "网络中断")
    _open(seat, customer_a, "网络中断")
    assert _numbers(api_as(seat), case.number) == [case.number]
    assert _numbers(api_as(seat), case.number.lower()) == [case.number]


def test_word_only_in_a_public_comment_is_found(api_as, seat, engineer, customer_a):
    case = _open(seat, customer_a, "磁盘告警")
    services.case_comment(case=case, by=engineer, text="已寄出备件硬盘 ST4000", internal=False)
    assert _numbers(api_as(seat), "st4000") == [case.number]


def test_staff_find_a_word_only_in_an_internal_note(api_as, seat, engineer, customer_a):
    case = _open(seat, customer_a, "磁盘告警")
    services.case_comment(case=case, by=engineer, text="客户欠款未结清", internal=True)
    assert _numbers(api_as(engineer), "欠款") == [case.number]


def test_customer_search_ignores_words_only_in_internal_notes(
    api_as, seat, engineer, customer_a, contact_a
):
    case = _open(seat, customer_a, "磁盘告警")
    services.case_comment(case=case, by=engineer, text="客户欠款未结清", internal=True)
    api = api_as(contact_a.user)
    assert _numbers(api, "欠款") == []
    assert _numbers(api, "磁盘 欠款") == []
    assert _numbers(api, "磁盘") == [case.number]


def test_customer_finds_own_public_comment_words(api_as, seat, customer_a, contact_a):
    case = _open(seat, customer_a, "磁盘告警")
    services.case_comment(case=case, by=contact_a.user, text="机房空调也坏了")
    assert _numbers(api_as(contact_a.user), "空调") == [case.number]


def test_customer_never_finds_another_customers_case(api_as, seat, customer_b, contact_a):
    _open(seat, customer_b, "核心交换机宕机")
    assert _numbers(api_as(contact_a.user), "交换机") == []


def test_every_word_of_the_query_must_match(api_as, seat, customer_a):
    both = _open(seat, customer_a, "交换机电源模块故障")
    _open(seat, customer_a, "交换机端口闪断")
    _open(seat, customer_a, "服务器电源模块告警")
    assert _numbers(api_as(seat), "交换机 电源模块") == [both.number]


def test_better_match_comes_first(api_as, seat, customer_a):
    newer_weak = None
    strong = _open(seat, customer_a, "光模块故障", description="光模块 光模块 光模块 收光异常")
    newer_weak = _open(seat, customer_a, "链路中断", description="疑似光模块问题")
    assert _numbers(api_as(seat), "光模块") == [strong.number, newer_weak.number]


def test_search_combines_with_filters(api_as, seat, customer_a):
    _open(seat, customer_a, "交换机宕机")
    urgent = services.case_create(
        by=seat, customer=customer_a, title="交换机宕机", priority="P1", channel="phone"
    )
    response = api_as(seat).get("/api/v1/cases", {"q": "交换机", "priority": "P1"})
    assert [c["number"] for c in response.json()["items"]] == [urgent.number]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'交换机",
        "交换机 (",
        ")(",
        "*",
        "交换*",
        "a:b",
        "public:交换机",
        "交换机 & 宕机",
        "| !",
        "!交换机",
        "-交换机",
        'NEAR("a" "b")',
        "\\",
        "%_",
        # Longer addresses get 414 before the search (gunicorn refuses them at 4,094 bytes too).
        "交换机" * 120,
        "x " * 2000,
    ],
)
def test_special_characters_in_the_query_never_fail(api_as, seat, customer_a, q):
    _open(seat, customer_a, "核心交换机宕机")
    response = api_as(seat).get("/api/v1/cases", {"q": q})
    assert response.status_code == 200
    assert response.json()["count"] in (0, 1)


def test_query_of_only_punctuation_matches_nothing(seat, customer_a):
    _open(seat, customer_a, "核心交换机宕机")
    assert selectors.text_search(Case.objects.all(), "!!! ???").count() == 0


def test_text_search_result_takes_further_filters_and_slicing(seat, customer_a):
    cases = [_open(seat, customer_a, f"交换机故障{i}") for i in range(3)]
    qs = selectors.text_search(Case.objects.all(), "交换机").filter(priority="P3")
    assert qs.count() == 3
    assert {c.number for c in qs[:2]} <= {c.number for c in cases}


def test_text_search_without_internal_flag_ignores_internal_notes(seat, engineer, customer_a):
    case = _open(seat, customer_a, "磁盘告警")
    services.case_comment(case=case, by=engineer, text="客户欠款未结清", internal=True)
    assert selectors.text_search(Case.objects.all(), "欠款").count() == 0
    assert selectors.text_search(Case.objects.all(), "欠款", internal=True).count() == 1


def test_postgresql_search_uses_the_gin_index(seat, customer_a):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the GIN expression index exists on PostgreSQL only")
    _open(seat, customer_a, "核心交换机宕机")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = selectors.text_search(Case.objects.all(), "交换机").explain()
    assert "case_search_gin_idx" in plan


@pytest.mark.django_db
def test_a_word_matching_very_many_cases_lists_the_newest_first(seat, customer_a, monkeypatch):
    from aftersales.cases import search as case_search

    monkeypatch.setattr(case_search, "RANK_WINDOW", 2)
    numbers = [
        services.case_create(
            by=seat,
            customer=customer_a,
            title=f"交换机 告警 {i}",
            priority="P3",
            case_type="fault",
            channel="phone",
        ).number
        for i in range(3)
    ]
    found = selectors.case_search(user=seat, filters=selectors.CaseFilters(q="交换机"))
    assert [c.number for c in found] == list(reversed(numbers))


def test_a_query_asks_for_whole_words_not_their_parts():
    from aftersales.cases.search import query_words

    assert query_words("交换机") == ["交换机"]
    assert query_words("防火墙 告警") == ["防火墙", "告警"]
