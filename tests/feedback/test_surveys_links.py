"""The survey link: signed, single-use, expiring; who may get a case's link, and when."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from aftersales.feedback import surveys
from aftersales.feedback.models import SurveyAnswer, SurveyInvitation
from tests.conftest import api_client_for
from tests.feedback.factories_surveys import (
    answers,
    at,
    closed_case,
    post_answers,
    token_of,
)

pytestmark = pytest.mark.django_db


def _link(user, case):
    return api_client_for(user).get(f"/api/v1/cases/{case.number}/survey")


def test_the_same_live_link_is_returned_while_it_lives(seat, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a)
    first, second = _link(seat, case).json(), _link(seat, case).json()
    assert first == second
    assert SurveyInvitation.objects.filter(case=case).count() == 1


def test_an_expired_link_is_refused_with_409_and_writes_nothing(seat, customer_a, contact_a):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        case = closed_case(customer=customer_a, contact=contact_a)
        invitation = surveys.survey_link_for_case(case=case, by=seat)
    token = token_of(invitation)
    with time_machine.travel(at(2026, 12, 15, 10, 0), tick=False):  # 14 days: link_days
        response = post_answers(token, answers())
        page = Client().get(f"/surveys/s/{token}/")
    assert response.status_code == 409
    assert response.json() == {"detail": "This survey link has expired.", "reason": "expired"}
    assert not SurveyAnswer.objects.exists()
    assert page.status_code == 410 and "This survey link has expired." in page.content.decode()


def test_an_expired_unanswered_link_is_replaced_by_a_fresh_one(seat, customer_a, contact_a):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        case = closed_case(customer=customer_a, contact=contact_a)
        old = _link(seat, case).json()
    with time_machine.travel(at(2026, 12, 20, 10, 0), tick=False):
        new = _link(seat, case).json()
        old_token = old["url"].rstrip("/").rsplit("/", 1)[-1]
        new_token = new["url"].rstrip("/").rsplit("/", 1)[-1]
        assert new["url"] != old["url"]
        assert post_answers(old_token, answers()).status_code == 404
        assert post_answers(new_token, answers()).status_code == 201
    assert SurveyInvitation.objects.filter(case=case).count() == 1


def test_a_tampered_token_is_404_and_writes_nothing(seat, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a)
    token = token_of(surveys.survey_link_for_case(case=case, by=seat))
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert post_answers(tampered, answers()).status_code == 404
    assert post_answers("not-a-token", answers()).status_code == 404
    page = Client().get(f"/surveys/s/{tampered}/")
    assert page.status_code == 404 and "not valid" in page.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_an_open_case_has_no_survey_yet(seat, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a, status="in_progress")
    response = _link(seat, case)
    assert response.status_code == 409
    assert response.json()["detail"] == "A survey is sent only for a closed case."
    assert not SurveyInvitation.objects.exists()


def test_a_cancelled_case_has_nothing_to_rate(seat, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a, resolved=False)
    assert _link(seat, case).status_code == 409
    assert not SurveyInvitation.objects.exists()


def test_an_engineer_may_not_get_a_survey_link(engineer, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a)
    assert _link(engineer, case).status_code == 403
    assert not SurveyInvitation.objects.exists()


def test_a_customer_contact_hears_404_for_a_survey_link(customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a)
    assert _link(contact_a.user, case).status_code == 404
    assert not SurveyInvitation.objects.exists()


def test_an_answered_cases_link_is_409(seat, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a)
    token = token_of(surveys.survey_link_for_case(case=case, by=seat))
    assert post_answers(token, answers()).status_code == 201
    assert _link(seat, case).status_code == 409


def test_the_link_lives_link_days(seat, customer_a, contact_a):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        case = closed_case(customer=customer_a, contact=contact_a)
        invitation = surveys.survey_link_for_case(case=case, by=seat)
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=14)


def test_a_link_mailed_with_a_timestamped_token_still_opens(seat, customer_a, contact_a):
    from django.core import signing

    from aftersales.feedback.survey_tokens import SALT, nonce_of

    invitation = surveys.survey_link_for_case(
        case=closed_case(customer=customer_a, contact=contact_a), by=seat
    )
    old_style = signing.dumps({"n": invitation.nonce}, salt=SALT)
    assert nonce_of(old_style) == invitation.nonce


def test_the_link_of_one_invitation_is_the_same_a_second_later(seat, customer_a, contact_a):
    case = closed_case(customer=customer_a, contact=contact_a)
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        first = _link(seat, case).json()["url"]
    with time_machine.travel(at(2026, 12, 1, 10, 5), tick=False):
        second = _link(seat, case).json()["url"]
    assert first == second
