"""Console pages of the surveys: results with comments, follow-ups, templates, a case's link."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from aftersales.feedback import surveys
from aftersales.feedback.models import SurveyFollowUp, SurveyInvitation, SurveyTemplate
from tests import factories
from tests.feedback.factories_surveys import answers, closed_case, post_answers, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return factories.staff_user("svy_boss", role="manager")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _answer(seat, customer, contact, **changes):
    case = closed_case(customer=customer, contact=contact)
    token = token_of(surveys.survey_link_for_case(case=case, by=seat))
    post_answers(token, answers(**changes))
    return case


def test_the_results_page_shows_scores_and_searches_comments(manager, seat, customer_a, contact_a):
    _answer(seat, customer_a, contact_a, q9="备件到货太慢")
    _answer(seat, customer_a, contact_a, q9="工程师很专业")
    page = _client(manager).get("/surveys/?q=备件")
    text = page.content.decode()
    assert page.status_code == 200
    assert "备件到货太慢" in text and "工程师很专业" not in text
    assert 'id="csat">100.0%' in text


def test_an_engineer_may_not_open_the_results_page(engineer):
    assert _client(engineer).get("/surveys/").status_code == 403


def test_the_follow_up_list_closes_a_follow_up(seat, customer_a, contact_a):
    owner = factories.staff_user("svy_sm", role="service_manager")
    _answer(seat, customer_a, contact_a, q6=1)
    client = _client(owner)
    assert customer_a.name in client.get("/surveys/follow-ups/").content.decode()
    pk = SurveyFollowUp.objects.get().pk
    response = client.post(f"/surveys/follow-ups/{pk}/close/", {"outcome": "已回访"})
    assert response.status_code == 302
    assert SurveyFollowUp.objects.get().status == "closed"


def test_a_new_template_version_becomes_the_active_one(admin_user):
    template = SurveyTemplate.objects.get(code="satisfaction", version=1)
    client = _client(admin_user)
    assert (
        "您对我们响应速度的评价"
        in client.get(f"/surveys/templates/{template.pk}/").content.decode()
    )
    response = client.post(f"/surveys/templates/{template.pk}/new-version/")
    assert response.status_code == 302
    active = SurveyTemplate.objects.get(active=True, code="satisfaction")
    assert active.version == 2 and active.questions.count() == 9


def test_the_case_page_offers_the_survey_of_a_closed_case(seat, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a)
    client = _client(seat)
    assert f"/surveys/cases/{case.number}/" in client.get(f"/cases/{case.number}/").content.decode()
    assert client.post(f"/surveys/cases/{case.number}/").status_code == 302
    shown = client.get(f"/surveys/cases/{case.number}/").content.decode()
    assert "/surveys/s/" in shown and SurveyInvitation.objects.filter(case=case).exists()


def test_the_case_page_offers_no_survey_while_the_case_is_open(seat, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a, status="in_progress")
    page = _client(seat).get(f"/cases/{case.number}/").content.decode()
    assert f"/surveys/cases/{case.number}/" not in page


def test_an_engineer_may_not_make_a_case_survey_link(engineer, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a)
    assert _client(engineer).post(f"/surveys/cases/{case.number}/").status_code == 403
    assert not SurveyInvitation.objects.exists()


@pytest.fixture
def chinese_manager(db, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    yield factories.staff_user("svy_zh_boss", role="manager", language="zh-hans")
    translation.deactivate()


@pytest.mark.translations
def test_the_results_filter_reads_as_a_date_range_in_chinese(chinese_manager):
    page = _client(chinese_manager).get("/surveys/")
    text = page.content.decode()
    # "From"/"To" without a context are an e-mail's sender and recipient (发件人/收件人).
    assert "发件人" not in text and "收件人" not in text
    assert "从" in text and "至" in text


@pytest.mark.translations
def test_the_callback_queue_says_coverage_not_service_scope(chinese_manager):
    page = _client(chinese_manager).get("/callbacks/")
    text = page.content.decode()
    assert "覆盖率" in text and "服务范围" not in text
