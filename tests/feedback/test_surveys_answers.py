"""Answering: validated against the template (422 naming the question), stored with the
score and NPS; a low rating opens a follow-up, all in one transaction."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.core.models import Activity
from aftersales.feedback import surveys
from aftersales.feedback.models import SurveyAnswer, SurveyFollowUp, SurveyInvitation
from tests.feedback.factories_surveys import answers, closed_case, post_answers, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(seat, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a)
    return token_of(surveys.survey_link_for_case(case=case, by=seat))


def _nothing_written() -> bool:
    return (
        not SurveyAnswer.objects.exists()
        and not SurveyInvitation.objects.filter(answered_at__isnull=False).exists()
    )


def test_a_rating_out_of_range_is_422_naming_the_question(token):
    response = post_answers(token, answers(q3=6))
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "answers", "3"]
    assert error["msg"] == ("Question 3 (“您对工程师专业水平的评价”): choose a rating from 1 to 5.")
    assert _nothing_written()


def test_a_missing_required_answer_is_422_naming_the_question(token):
    body = answers()
    del body["7"]
    response = post_answers(token, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "answers", "7"]
    assert "needs an answer" in response.json()["detail"][0]["msg"]
    assert _nothing_written()


def test_an_unknown_question_is_422(token):
    response = post_answers(token, answers(q42=3))
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "This survey has no question 42."
    assert _nothing_written()


@pytest.mark.parametrize(
    ("key", "value"), [("7", 11), ("8", "maybe"), ("1", True), ("9", 5), ("2", "4.5")]
)
def test_a_value_of_the_wrong_kind_is_422(token, key, value):
    response = post_answers(token, answers(**{key: value}))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == key
    assert _nothing_written()


def test_optional_questions_may_be_left_out(token):
    body = answers()
    del body["8"], body["9"]
    assert post_answers(token, body).status_code == 201
    assert SurveyAnswer.objects.count() == 7


def test_the_score_is_the_average_rating_and_nps_is_stored(token):
    response = post_answers(token, answers(q1=3, q2=4, q3=4, q4=5, q5=4, q6=4, q7=7))
    assert response.status_code == 201
    invitation = SurveyInvitation.objects.get()
    assert invitation.score == Decimal("4.00") and invitation.nps == 7
    assert response.json() == {
        "answered_at": response.json()["answered_at"],
        "score": 4.0,
        "nps": 7,
        "follow_up": False,
    }
    assert SurveyAnswer.objects.get(question__order=8).yes is True
    assert SurveyAnswer.objects.get(question__order=9).text == "很满意"


def test_a_rating_above_the_low_score_opens_no_follow_up(token):
    assert post_answers(token, answers(q1=3)).status_code == 201
    assert not SurveyFollowUp.objects.exists()


def test_any_rating_at_the_low_score_opens_a_follow_up_without_a_manager(token):
    assert post_answers(token, answers(q4=1)).status_code == 201
    follow_up = SurveyFollowUp.objects.get()
    assert follow_up.owner is None and "服务态度" in follow_up.reason


def test_the_answer_and_the_follow_up_are_on_the_surveys_timeline(token):
    post_answers(token, answers(q6=2))
    invitation = SurveyInvitation.objects.get()
    kinds = list(
        Activity.objects.filter(subject_kind="survey", subject_id=invitation.pk)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["survey_sent", "survey_answered", "survey_follow_up"]


def test_the_phone_form_posts_answers_and_thanks(token):
    client = Client()
    form = {key: ("yes" if value is True else str(value)) for key, value in answers().items()}
    response = client.post(f"/surveys/s/{token}/", form)
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert "Thank you" in client.get(response["Location"]).content.decode()
    assert SurveyInvitation.objects.get().answered_at is not None


def test_the_phone_form_shows_the_question_at_fault(token):
    form = {key: str(value) for key, value in answers(q5="").items() if key != "8"}
    response = Client().post(f"/surveys/s/{token}/", form)
    assert response.status_code == 422
    assert "Question 5 (" in response.content.decode()
    assert _nothing_written()


def test_the_form_shows_english_questions_in_english(token):
    client = Client()
    client.post(reverse("accounts:language"), {"language": "en", "next": "/"})
    page = client.get(f"/surveys/s/{token}/")
    assert "How do you rate our response speed?" in page.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        {"answers": []},
        {"answers": {"1": 4.5}},
        {"answers": {"1": [5]}},
        {"answers": {"1": 2**70}},
        {"answers": {"x" * 11: 1}},
        {},
        [],
    ],
    ids=["list", "float", "nested", "huge", "long key", "empty", "array"],
)
def test_a_malformed_body_is_refused_with_4xx_and_writes_nothing(token, body):
    response = Client().post(
        f"/api/v1/surveys/{token}", json.dumps(body), content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert _nothing_written()
