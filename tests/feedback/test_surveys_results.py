"""Results: CSAT, NPS, dimensions and groups; the follow-up list and its close."""

from __future__ import annotations

import json

import pytest

from aftersales.feedback import surveys
from aftersales.feedback.models import SurveyFollowUp
from tests import factories
from tests.conftest import api_client_for
from tests.feedback.factories_surveys import (
    JSON,
    answers,
    closed_case,
    engineer_user,
    post_answers,
    token_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return factories.staff_user("svy_boss", role="manager")


def _answered(seat, customer, contact, assignee, **changes):
    case = closed_case(customer=customer, contact=contact, assignee=assignee)
    token = token_of(surveys.survey_link_for_case(case=case, by=seat))
    assert post_answers(token, answers(**changes)).status_code == 201


def test_csat_and_nps_are_computed_from_the_overall_and_recommendation_answers(
    seat, manager, customer_a, contact_a
):
    engineer = engineer_user()
    # Overall 5, 4, 3, 2: CSAT 50 %. Recommend 10, 9, 7, 3: NPS 50 % - 25 % = 25.
    for overall, nps in ((5, 10), (4, 9), (3, 7), (2, 3)):
        _answered(seat, customer_a, contact_a, engineer, q6=overall, q7=nps, q1=4)
    response = api_client_for(manager).get("/api/v1/surveys/results")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["csat"], body["nps"], body["responses"]) == (50.0, 25.0, 4)
    assert body["dimensions"]["overall"] == 3.5
    assert body["dimensions"]["response_speed"] == 4.0


def test_results_are_filtered_and_grouped_by_engineer(seat, manager, customer_a, contact_a):
    first, second = engineer_user("svy_e1"), engineer_user("svy_e2")
    _answered(seat, customer_a, contact_a, first, q6=5)
    _answered(seat, customer_a, contact_a, second, q6=2)
    api = api_client_for(manager)
    mine = api.get("/api/v1/surveys/results?engineer=svy_e1").json()
    assert (mine["csat"], mine["responses"]) == (100.0, 1)
    grouped = api.get("/api/v1/surveys/results?group=engineer").json()["groups"]
    assert [(g["key"], g["csat"]) for g in grouped] == [("svy_e1", 100.0), ("svy_e2", 0.0)]
    assert api.get("/api/v1/surveys/results?customer=KH-NONE").json()["responses"] == 0


def test_results_with_no_answers_have_no_scores(manager):
    body = api_client_for(manager).get("/api/v1/surveys/results?group=quarter").json()
    assert body == {"csat": None, "nps": None, "responses": 0, "dimensions": {}, "groups": []}


def test_results_by_month(seat, manager, customer_a, contact_a):
    _answered(seat, customer_a, contact_a, None, q6=4)
    groups = api_client_for(manager).get("/api/v1/surveys/results?group=month").json()["groups"]
    assert len(groups) == 1 and groups[0]["csat"] == 100.0 and len(groups[0]["key"]) == 7


def test_an_engineer_may_not_read_results(engineer):
    assert api_client_for(engineer).get("/api/v1/surveys/results").status_code == 403


def test_a_bad_date_is_422(manager):
    response = api_client_for(manager).get("/api/v1/surveys/results?from=2026-13-01")
    assert response.status_code == 422


def test_the_service_manager_closes_a_follow_up_once(seat, customer_a, contact_a):
    owner = factories.staff_user("svy_sm", role="service_manager")
    _answered(seat, customer_a, contact_a, None, q2=1)
    api = api_client_for(owner)
    listed = api.get("/api/v1/survey-follow-ups?status=open").json()
    assert listed["count"] == 1
    pk = listed["items"][0]["id"]
    url = f"/api/v1/survey-follow-ups/{pk}/close"
    closed = api.post(url, json.dumps({"outcome": "已致电客户，道歉并改进"}), content_type=JSON)
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    again = api.post(url, json.dumps({"outcome": "再次关闭"}), content_type=JSON)
    assert again.status_code == 409
    assert SurveyFollowUp.objects.get().outcome == "已致电客户，道歉并改进"


def test_a_follow_up_needs_an_outcome(seat, customer_a, contact_a):
    owner = factories.staff_user("svy_sm", role="service_manager")
    _answered(seat, customer_a, contact_a, None, q2=1)
    pk = SurveyFollowUp.objects.get().pk
    response = api_client_for(owner).post(
        f"/api/v1/survey-follow-ups/{pk}/close", json.dumps({"outcome": " "}), content_type=JSON
    )
    assert response.status_code == 422
    assert SurveyFollowUp.objects.get().status == "open"


def test_an_engineer_may_not_close_a_follow_up(engineer, seat, customer_a, contact_a):
    _answered(seat, customer_a, contact_a, None, q2=1)
    pk = SurveyFollowUp.objects.get().pk
    response = api_client_for(engineer).post(
        f"/api/v1/survey-follow-ups/{pk}/close", json.dumps({"outcome": "x"}), content_type=JSON
    )
    assert response.status_code == 403
    assert SurveyFollowUp.objects.get().status == "open"


def test_a_contact_hears_404_on_follow_ups(contact_a, seat, customer_a):
    _answered(seat, customer_a, contact_a, None, q2=1)
    pk = SurveyFollowUp.objects.get().pk
    api = api_client_for(contact_a.user)
    response = api.post(
        f"/api/v1/survey-follow-ups/{pk}/close", json.dumps({"outcome": "x"}), content_type=JSON
    )
    assert response.status_code == 404
    assert SurveyFollowUp.objects.get().status == "open"
