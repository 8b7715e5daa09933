"""A closed case's survey on a 390×844 phone: open the link, answer, thank-you; the link
opened again says it was answered. Nothing overflows the screen."""

from __future__ import annotations

import pytest

from aftersales.feedback import surveys
from aftersales.feedback.models import SurveyFollowUp, SurveyInvitation
from tests import factories
from tests.feedback.factories_surveys import closed_case

PHONE = {"width": 390, "height": 844}
SHOT = "/tmp/survey-390.png"


@pytest.fixture
def survey_path(transactional_db):
    seat = factories.staff_user("svy_phone_seat", role="dispatcher")
    customer = factories.CustomerFactory(code="KH-PHONE-SV", name="华东电力集团")
    contact = factories.ContactFactory(customer=customer)
    case = closed_case(customer=customer, contact=contact)
    return surveys.survey_path(surveys.survey_link_for_case(case=case, by=seat))


def _widest(page) -> float:
    return page.evaluate(
        "Math.max(...[...document.querySelectorAll('body *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )


def test_a_survey_is_answered_once_on_a_phone(page, survey_path):
    page.set_viewport_size(PHONE)
    page.goto(survey_path)
    assert page.is_visible("text=您对我们响应速度的评价")
    assert _widest(page) <= PHONE["width"]
    for question, value in (("1", 5), ("2", 4), ("3", 5), ("4", 5), ("5", 4), ("6", 2)):
        page.click(f"label[for=q{question}-{value}]")
    page.click("label[for=q7-10]")
    page.click("label[for=q8-yes]")
    page.fill("textarea[name='9']", "工程师很专业，但响应稍慢")
    page.screenshot(path=SHOT, full_page=True)
    page.click("button[type=submit]")
    page.wait_for_url("**/thanks/")
    assert page.is_visible("text=感谢您的回答", strict=False) or page.is_visible(
        "text=Thank you", strict=False
    )
    assert SurveyInvitation.objects.get().score is not None
    assert SurveyFollowUp.objects.count() == 1  # the overall rating of 2

    page.goto(survey_path)
    assert page.is_visible("#survey-closed")
    assert _widest(page) <= PHONE["width"]
