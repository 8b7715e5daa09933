"""The demo loader answers surveys, one of them with a low score and its follow-up."""

from __future__ import annotations

import pytest

from aftersales.feedback.models import SurveyFollowUp, SurveyInvitation
from aftersales.registry import demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_answered_surveys_and_a_low_scores_follow_up():
    loaded = demo.load(customers=2, cases=30)
    answered = SurveyInvitation.objects.filter(answered_at__isnull=False)
    assert answered.count() >= 4, loaded.notes
    assert SurveyFollowUp.objects.filter(status="open").count() == 1
