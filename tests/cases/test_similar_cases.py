"""Earlier cases like this one: GET /api/v1/cases/{number}/similar and the case page's card."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.cases import services
from tests import factories

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def _open(by, customer, title, description="", **fields):
    return services.case_create(
        by=by,
        customer=customer,
        title=title,
        description=description,
        priority="P3",
        case_type="fault",
        channel="phone",
        **fields,
    )


def _similar(api, case, **params):
    response = api.get(f"/api/v1/cases/{case.number}/similar", params)
    assert response.status_code == 200, response.content
    return response.json()


def _numbers(api, case) -> list[str]:
    return [c["number"] for c in _similar(api, case)["cases"]]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_earlier_case_with_the_same_words_comes_before_a_weaker_match(api_as, seat, customer_a):
    alike = _open(seat, customer_a, "核心交换机电源模块故障")
    weaker = _open(seat, customer_a, "服务器故障")
    _open(seat, customer_a, "打印机卡纸")
    case = _open(seat, customer_a, "核心交换机电源模块故障")
    assert _numbers(api_as(seat), case) == [alike.number, weaker.number]


def test_each_similar_case_carries_its_summary_and_score(api_as, seat, resolved_case, customer_a):
    case = _open(seat, customer_a, "核心交换机宕机")
    data = _similar(api_as(seat), case)
    item = data["cases"][0]
    assert item["number"] == resolved_case.number and item["customer"] == "KH-A001"
    assert item["case_type"] == "fault" and item["resolution"] == "更换电源模块后恢复"
    assert item["resolved_at"] is not None and item["score"] > 0


def test_knowledge_articles_are_an_empty_list_when_no_article_matches(api_as, seat, customer_a):
    _open(seat, customer_a, "核心交换机宕机")
    case = _open(seat, customer_a, "核心交换机宕机")
    assert _similar(api_as(seat), case)["articles"] == []


def test_each_similar_case_names_the_words_both_cases_hold(api_as, seat, customer_a):
    _open(seat, customer_a, "核心交换机电源模块故障")
    case = _open(seat, customer_a, "交换机电源告警")

    terms = _similar(api_as(seat), case)["cases"][0]["terms"]

    assert "交换机" in terms and "告警" not in terms


def test_later_cases_and_the_case_itself_are_not_similar(api_as, seat, customer_a):
    earlier = _open(seat, customer_a, "存储阵列硬盘离线")
    case = _open(seat, customer_a, "存储阵列硬盘离线")
    _open(seat, customer_a, "存储阵列硬盘离线")
    assert _numbers(api_as(seat), case) == [earlier.number]


def test_fault_symptom_words_count_too(api_as, seat, customer_a):
    earlier = _open(seat, customer_a, "机房巡检", fault_symptom="光纤跳线松动")
    case = _open(seat, customer_a, "链路告警", fault_symptom="光纤跳线松动")
    assert _numbers(api_as(seat), case) == [earlier.number]


def test_case_whose_title_has_no_word_is_compared_by_its_description(api_as, seat, customer_a):
    earlier = _open(seat, customer_a, "???", description="磁盘阵列控制器告警")
    case = _open(seat, customer_a, "!!!", description="磁盘阵列控制器告警")
    assert _numbers(api_as(seat), case) == [earlier.number]


def test_case_without_any_word_has_no_similar_cases(api_as, seat, customer_a):
    _open(seat, customer_a, "???")
    case = _open(seat, customer_a, "???")
    assert _numbers(api_as(seat), case) == []


def test_customer_never_sees_another_customers_similar_case(
    api_as, seat, customer_a, customer_b, contact_a
):
    _open(seat, customer_b, "核心交换机宕机")
    own = _open(seat, customer_a, "核心交换机宕机")
    case = _open(seat, customer_a, "核心交换机宕机")
    assert _numbers(api_as(contact_a.user), case) == [own.number]


def test_staff_see_similar_cases_of_every_customer(api_as, seat, customer_a, customer_b):
    other = _open(seat, customer_b, "核心交换机宕机")
    own = _open(seat, customer_a, "核心交换机宕机")
    case = _open(seat, customer_a, "核心交换机宕机")
    assert _numbers(api_as(seat), case) == [own.number, other.number]


def test_word_only_in_an_internal_note_makes_a_case_similar_for_staff(
    api_as, seat, engineer, customer_a
):
    earlier = _open(seat, customer_a, "磁盘告警")
    services.case_comment(case=earlier, by=engineer, text="光纤跳线松动", internal=True)
    case = _open(seat, customer_a, "光纤跳线松动")
    assert _numbers(api_as(engineer), case) == [earlier.number]


def test_word_only_in_an_internal_note_never_makes_a_case_similar_for_the_customer(
    api_as, seat, engineer, customer_a, contact_a
):
    earlier = _open(seat, customer_a, "磁盘告警")
    services.case_comment(case=earlier, by=engineer, text="光纤跳线松动", internal=True)
    case = _open(seat, customer_a, "光纤跳线松动")
    assert _numbers(api_as(contact_a.user), case) == []


def test_same_product_model_wins_a_tie(api_as, seat, customer_a):
    model, other_model = factories.ProductModelFactory(), factories.ProductModelFactory()
    serials = [
        factories.AssetFactory(customer=customer_a, product_model=m).serial_number
        for m in (model, other_model, model)
    ]
    same_model = _open(seat, customer_a, "存储阵列硬盘离线", serial_number=serials[0])
    newer = _open(seat, customer_a, "存储阵列硬盘离线", serial_number=serials[1])
    case = _open(seat, customer_a, "存储阵列硬盘离线", serial_number=serials[2])
    assert _numbers(api_as(seat), case) == [same_model.number, newer.number]


def test_limit_caps_the_number_of_similar_cases(api_as, seat, customer_a):
    cases = [_open(seat, customer_a, "核心交换机宕机") for _ in range(3)]
    numbers = [c["number"] for c in _similar(api_as(seat), cases[-1], limit=1)["cases"]]
    assert numbers == [cases[1].number]


def test_unknown_case_number_is_404(api_as, seat):
    response = api_as(seat).get("/api/v1/cases/CS-20990101-0001/similar")
    assert response.status_code == 404


def test_another_customers_case_is_404_for_a_contact(api_as, seat, customer_b, contact_a):
    case = _open(seat, customer_b, "核心交换机宕机")
    response = api_as(contact_a.user).get(f"/api/v1/cases/{case.number}/similar")
    assert response.status_code == 404


@pytest.mark.parametrize("limit", [0, 51, "many"])
def test_limit_out_of_range_is_422_naming_the_field(api_as, seat, customer_a, limit):
    case = _open(seat, customer_a, "核心交换机宕机")
    response = api_as(seat).get(f"/api/v1/cases/{case.number}/similar", {"limit": limit})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "limit"


def test_similar_cases_cost_a_fixed_number_of_queries(api_as, seat, engineer, customer_a):
    for _ in range(5):
        earlier = _open(seat, customer_a, "核心交换机宕机")
        services.case_comment(case=earlier, by=engineer, text="已更换电源", internal=True)
    case = _open(seat, customer_a, "核心交换机宕机")
    api = api_as(engineer)
    with CaptureQueriesContext(connection) as ctx:
        assert len(_similar(api, case)["cases"]) == 5
    assert len(ctx.captured_queries) <= 12


# --- the case page's card ---


def test_case_page_loads_the_similar_cases_card_lazily(seat, customer_a):
    case = _open(seat, customer_a, "核心交换机宕机")
    html = login(seat).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert f'hx-get="{reverse("cases:similar", args=[case.number])}"' in html


def test_card_links_to_the_similar_case_with_the_first_line_of_its_solution(
    seat, engineer, responded_case, customer_a
):
    earlier = services.case_resolve(
        case=responded_case, by=engineer, text="更换电源模块后恢复\n观察一周无告警"
    )
    case = _open(seat, customer_a, "核心交换机宕机")
    url = reverse("cases:similar", args=[case.number])
    html = login(engineer).get(url, headers=HX).content.decode()
    assert f'href="{reverse("cases:detail", args=[earlier.number])}"' in html
    assert earlier.title in html and "更换电源模块后恢复" in html
    assert "观察一周无告警" not in html


def test_card_says_when_there_is_no_similar_earlier_case(seat, customer_a):
    case = _open(seat, customer_a, "核心交换机宕机")
    url = reverse("cases:similar", args=[case.number])
    html = login(seat).get(url, headers=HX).content.decode()
    assert "No similar earlier cases." in html


def test_customer_contact_cannot_load_the_staff_card(seat, customer_a, contact_a):
    case = _open(seat, customer_a, "核心交换机宕机")
    response = login(contact_a.user).get(reverse("cases:similar", args=[case.number]))
    assert response.status_code == 404
