"""On a new case, the similar-cases card shows matching articles and earlier solutions, and
the engineer sends one as the reply in one action."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from aftersales.cases import services
from aftersales.cases.models import Activity
from aftersales.kb.models import ArticleCaseLink
from tests.kb.factories import indexed_article, resolved_case

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def new_case(seat, customer_a, engineer):
    case = services.case_create(
        by=seat,
        customer=customer_a,
        title="交换机电源告警",
        case_type="fault",
        channel="phone",
        fault_symptom="电源灯红色闪烁",
    )
    return services.case_assign(case=case, engineer=engineer, by=seat)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _replies(case) -> list[str]:
    return list(
        Activity.objects.filter(
            subject_kind="case", subject_id=case.pk, kind="comment", internal=False
        ).values_list("text", flat=True)
    )


def test_the_card_lists_a_matching_article_with_its_matching_words(engineer, new_case):
    article = indexed_article("交换机电源模块告警的处理", "电源灯红色闪烁时更换电源模块。")

    card = _client(engineer).get(f"/cases/{new_case.number}/similar/").content.decode()

    assert "similar-article" in card and article.title in card
    assert "Matching words" in card


def test_an_article_is_sent_as_the_reply_and_linked_in_one_action(engineer, new_case):
    article = indexed_article("交换机电源模块告警的处理", "电源灯红色闪烁时更换电源模块。")

    response = _client(engineer).post(f"/kb/reply/{new_case.number}/", {"article": str(article.pk)})

    assert response.status_code == 302
    assert any("更换电源模块" in text for text in _replies(new_case))
    assert ArticleCaseLink.objects.filter(article=article, case=new_case).exists()


def test_an_internal_article_is_never_sent_to_the_customer(engineer, new_case):
    article = indexed_article("内部: 电源维修手册", "内部步骤", visibility="internal")

    _client(engineer).post(f"/kb/reply/{new_case.number}/", {"article": str(article.pk)})

    assert _replies(new_case) == []
    assert not ArticleCaseLink.objects.exists()


def test_an_earlier_cases_solution_is_sent_as_the_reply(seat, engineer, customer_a, new_case):
    earlier = resolved_case(seat, customer_a, resolution="更换电源模块后恢复。")

    response = _client(engineer).post(
        f"/cases/{new_case.number}/reply-with-case/", {"source": earlier.number}
    )

    assert response.status_code == 302
    assert _replies(new_case) == ["更换电源模块后恢复。"]


def test_a_case_the_user_may_not_see_is_refused_and_sends_nothing(
    seat, engineer, customer_b, new_case, contact_a
):
    # A contact may not send another case's solution, nor see another customer's case.
    other = resolved_case(seat, customer_b)

    response = _client(contact_a.user).post(
        f"/cases/{new_case.number}/reply-with-case/", {"source": other.number}
    )

    assert response.status_code in (403, 404, 422)
    assert _replies(new_case) == []


def test_the_api_sends_an_earlier_cases_solution_as_the_reply(
    api_as, seat, engineer, customer_a, new_case
):
    earlier = resolved_case(seat, customer_a, resolution="更换电源模块后恢复。")

    response = api_as(engineer).post(
        f"/api/v1/cases/{new_case.number}/reply-with-case",
        {"source": earlier.number},
        content_type=JSON,
    )

    assert response.status_code == 201, response.content
    assert _replies(new_case) == ["更换电源模块后恢复。"]


def test_the_api_refuses_a_source_case_without_a_solution_naming_the_field(
    api_as, seat, engineer, customer_a, new_case
):
    earlier = resolved_case(seat, customer_a, resolution="")

    response = api_as(engineer).post(
        f"/api/v1/cases/{new_case.number}/reply-with-case",
        {"source": earlier.number},
        content_type=JSON,
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "source"
    assert _replies(new_case) == []


def test_the_api_refuses_another_customers_case_as_the_source_for_a_contact(
    api_as, seat, customer_b, new_case, contact_a
):
    other = resolved_case(seat, customer_b, resolution="别家的处理办法")

    response = api_as(contact_a.user).post(
        f"/api/v1/cases/{new_case.number}/reply-with-case",
        {"source": other.number},
        content_type=JSON,
    )

    assert response.status_code in (403, 422)
    assert _replies(new_case) == []


def test_the_api_sends_an_article_as_the_reply_and_links_it(api_as, engineer, new_case):
    article = indexed_article("交换机电源模块告警的处理", "电源灯红色闪烁时更换电源模块。")

    response = api_as(engineer).post(
        f"/api/v1/cases/{new_case.number}/reply-with-article",
        {"article": article.pk},
        content_type=JSON,
    )

    assert response.status_code == 201, response.content
    assert response.json()["article"] == article.pk
    assert any("更换电源模块" in text for text in _replies(new_case))
    assert ArticleCaseLink.objects.filter(article=article, case=new_case).exists()


def test_the_api_never_sends_an_internal_article(api_as, engineer, new_case):
    article = indexed_article("内部: 电源维修手册", "内部步骤", visibility="internal")

    response = api_as(engineer).post(
        f"/api/v1/cases/{new_case.number}/reply-with-article",
        {"article": article.pk},
        content_type=JSON,
    )

    assert response.status_code == 422
    assert _replies(new_case) == []
    assert not ArticleCaseLink.objects.exists()


def test_a_contact_cannot_send_an_article_as_a_reply(api_as, contact_a, new_case):
    article = indexed_article("交换机电源模块告警的处理", "电源灯红色闪烁时更换电源模块。")

    response = api_as(contact_a.user).post(
        f"/api/v1/cases/{new_case.number}/reply-with-article",
        {"article": article.pk},
        content_type=JSON,
    )

    assert response.status_code == 403
    assert _replies(new_case) == []
