"""Automatic sending: after every closed case and quarterly, idempotently; one reminder."""

from __future__ import annotations

import pytest
import time_machine

from aftersales.feedback import surveys, tasks
from aftersales.feedback.models import SurveyInvitation, SurveySettings
from aftersales.notify.models import OutboxMessage
from tests import factories
from tests.feedback.factories_surveys import answers, at, closed_case, post_answers, token_of

pytestmark = pytest.mark.django_db


def test_the_periodic_task_sends_one_survey_per_closed_case_however_often_it_runs(
    customer_a, contact_a
):
    engineer = factories.staff_user("svy_eng", role="engineer")
    cases = [closed_case(customer=customer_a, contact=contact_a, assignee=engineer) for _ in "ab"]
    tasks.send_surveys_after_closed_cases()
    tasks.send_surveys_after_closed_cases()
    invitations = SurveyInvitation.objects.filter(reason="after_case")
    assert sorted(i.case_id for i in invitations) == sorted(c.pk for c in cases)
    assert {i.engineer_id for i in invitations} == {engineer.pk}
    assert OutboxMessage.objects.filter(kind="survey.invitation").count() == 4  # mail + SMS


def test_open_cancelled_and_long_closed_cases_get_no_survey(customer_a, contact_a):
    with time_machine.travel(at(2026, 11, 1, 10, 0), tick=False):
        closed_case(customer=customer_a, contact=contact_a)  # closed 30 days before the run
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        closed_case(customer=customer_a, contact=contact_a, status="in_progress")
        closed_case(customer=customer_a, contact=contact_a, resolved=False)
        assert surveys.surveys_send_after_cases() == 0
    assert not SurveyInvitation.objects.exists()


def test_no_survey_after_cases_when_the_settings_say_so(customer_a, contact_a):
    SurveySettings.objects.update(after_case=False)
    closed_case(customer=customer_a, contact=contact_a)
    assert surveys.surveys_send_after_cases() == 0
    assert not SurveyInvitation.objects.exists()


def test_quarterly_surveys_go_once_per_active_customer_per_quarter(db):
    with time_machine.travel(at(2026, 9, 1, 10, 0), tick=False):
        for code, active in (("KH-A001", True), ("KH-B001", True), ("KH-OLD", False)):
            customer = factories.CustomerFactory(code=code, is_active=active)
            factories.ContactFactory(customer=customer)
        factories.CustomerFactory(code="KH-MUTE")  # no contact to write to
    with time_machine.travel(at(2026, 10, 1, 9, 5), tick=False):
        late = factories.CustomerFactory(code="KH-NEW")  # joined during the quarter
        factories.ContactFactory(customer=late)
        tasks.send_quarterly_surveys()
        tasks.send_quarterly_surveys()
    with time_machine.travel(at(2026, 12, 31, 23, 0), tick=False):
        assert surveys.surveys_send_quarterly() == 0
    quarter = SurveyInvitation.objects.filter(reason="quarterly", period="2026-Q4")
    assert sorted(i.customer.code for i in quarter) == ["KH-A001", "KH-B001"]
    with time_machine.travel(at(2027, 1, 2, 9, 5), tick=False):
        assert surveys.surveys_send_quarterly() == 3  # A, B and the new one; never the retired
    assert SurveyInvitation.objects.filter(period="2027-Q1").count() == 3


def test_no_quarterly_survey_when_the_settings_say_so(db):
    SurveySettings.objects.update(quarterly=False)
    with time_machine.travel(at(2026, 9, 1, 10, 0), tick=False):
        factories.ContactFactory(customer=factories.CustomerFactory(code="KH-A001"))
    with time_machine.travel(at(2026, 10, 1, 9, 5), tick=False):
        assert surveys.surveys_send_quarterly() == 0
    assert not SurveyInvitation.objects.exists()


def test_the_reminder_is_sent_once_after_reminder_days(seat, customer_a, contact_a):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        case = closed_case(customer=customer_a, contact=contact_a)
        surveys.survey_link_for_case(case=case, by=seat)
    with time_machine.travel(at(2026, 12, 6, 9, 0), tick=False):
        assert surveys.surveys_remind() == 0  # not yet 5 days
    with time_machine.travel(at(2026, 12, 6, 10, 0), tick=False):
        tasks.remind_unanswered_surveys()
        assert surveys.surveys_remind() == 0
    with time_machine.travel(at(2026, 12, 7, 10, 0), tick=False):
        assert surveys.surveys_remind() == 0
    reminders = OutboxMessage.objects.filter(kind="survey.reminder")
    assert {m.channel for m in reminders} == {"email", "sms"} and reminders.count() == 2
    assert "/surveys/s/" in reminders.first().body


def test_an_answered_survey_gets_no_reminder(seat, customer_a, contact_a):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        case = closed_case(customer=customer_a, contact=contact_a)
        token = token_of(surveys.survey_link_for_case(case=case, by=seat))
        assert post_answers(token, answers()).status_code == 201
    with time_machine.travel(at(2026, 12, 8, 10, 0), tick=False):
        assert surveys.surveys_remind() == 0
    assert not OutboxMessage.objects.filter(kind="survey.reminder").exists()
