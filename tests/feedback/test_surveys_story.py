"""The issue's "done when" for surveys: a closed case's link works once, and a score of 2
opens a follow-up for the customer's service manager."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.feedback.models import SurveyAnswer, SurveyFollowUp, SurveyInvitation
from aftersales.notify.models import OutboxMessage
from tests import factories
from tests.conftest import api_client_for
from tests.feedback.factories_surveys import answers, closed_case, engineer_user, post_answers

pytestmark = pytest.mark.django_db


def test_a_closed_cases_link_works_once_and_a_score_of_2_opens_a_follow_up(
    seat, customer_a, contact_a
):
    manager = factories.staff_user("svy_manager", role="service_manager")
    customer_a.service_manager = manager
    customer_a.save(update_fields=["service_manager"])
    engineer = engineer_user()
    case = closed_case(customer=customer_a, contact=contact_a, assignee=engineer)

    got = api_client_for(seat).get(f"/api/v1/cases/{case.number}/survey")
    assert got.status_code == 200, got.content
    url = got.json()["url"]
    assert url.startswith("http://testserver/surveys/s/") and got.json()["expires_at"]
    invitation = SurveyInvitation.objects.get(case=case)
    assert (invitation.reason, invitation.engineer, invitation.contact) == (
        "after_case",
        engineer,
        contact_a,
    )
    sent = OutboxMessage.objects.filter(kind="survey.invitation", ref_id=str(invitation.pk))
    assert {m.channel for m in sent} == {"email", "sms"}

    page = Client().get(url)
    assert page.status_code == 200 and "您对我们响应速度的评价" in page.content.decode()
    token = url.rstrip("/").rsplit("/", 1)[-1]
    first = post_answers(token, answers(q6=2))
    assert first.status_code == 201, first.content
    assert first.json()["follow_up"] is True

    follow_up = SurveyFollowUp.objects.get(invitation=invitation)
    assert follow_up.owner == manager and follow_up.status == "open"
    assert "总体满意度" in follow_up.reason
    assert OutboxMessage.objects.filter(kind="survey.follow_up", to_user=manager).count() == 1

    again = post_answers(token, answers())
    assert again.status_code == 409
    assert again.json()["detail"] == "This survey has already been answered. Thank you!"
    assert SurveyAnswer.objects.filter(invitation=invitation).count() == 9
    assert "already been answered" in Client().get(url).content.decode()
