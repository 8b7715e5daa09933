"""Helpers of the survey tests: closed cases, good answers, the API calls."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

from django.test import Client
from django.utils import timezone

from aftersales.cases import services as case_services
from aftersales.cases.models import Case
from aftersales.feedback.models import SurveyInvitation
from aftersales.feedback.survey_tokens import make_token
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JSON = "application/json"
# Questions 1–6 rated, 7 the recommendation, 8 solved, 9 a comment (the seeded template).
GOOD = {"1": 5, "2": 5, "3": 4, "4": 5, "5": 4, "6": 5, "7": 9, "8": True, "9": "很满意"}


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)


def answers(**changes: Any) -> dict[str, Any]:
    """GOOD with some answers changed: answers(q6=2) rates question 6 with 2."""
    return {**GOOD, **{key.removeprefix("q"): value for key, value in changes.items()}}


def engineer_user(name: str = "svy_engineer") -> Any:
    return factories.staff_user(name, role="engineer")


def closed_case(
    *,
    customer: Any,
    contact: Any = None,
    assignee: Any = None,
    closed_at: dt.datetime | None = None,
    resolved: bool = True,
    status: str = "closed",
) -> Case:
    """A case of `customer` closed at `closed_at` (now), with its engineer; `resolved=False`
    makes it a cancelled one (closed without a solution)."""
    seat = factories.staff_user("svy_seat", role="dispatcher")
    case = case_services.case_create(
        by=seat, customer=customer, title="电源模块故障", contact=contact
    )
    closed_at = closed_at or timezone.now()
    Case.objects.filter(pk=case.pk).update(
        status=status,
        assignee=assignee,
        resolved_at=closed_at - dt.timedelta(hours=2) if resolved else None,
        closed_at=closed_at if status == "closed" else None,
    )
    case.refresh_from_db()
    return case


def token_of(invitation: SurveyInvitation) -> str:
    invitation.refresh_from_db()
    return make_token(invitation.nonce)


def post_answers(token: str, body: Any, client: Client | None = None) -> Any:
    return (client or Client()).post(
        f"/api/v1/surveys/{token}", json.dumps({"answers": body}), content_type=JSON
    )


def survey_fillers(customer: Any) -> dict[str, Any]:
    """Path fillers of the survey pages for the isolation sweep: a follow-up of `customer`."""
    from aftersales.feedback.models import SurveyFollowUp, SurveyTemplate
    from aftersales.feedback.survey_tokens import new_nonce

    now = timezone.now()
    template = SurveyTemplate.objects.filter(code="satisfaction").order_by("-version").first()
    invitation = SurveyInvitation.objects.create(
        template=template,
        reason="quarterly",
        customer=customer,
        period="2000-Q1",
        nonce=new_nonce(),
        sent_at=now,
        expires_at=now + dt.timedelta(days=14),
        created_at=now,
    )
    follow_up = SurveyFollowUp.objects.create(
        invitation=invitation, customer=customer, reason="SWP", opened_at=now
    )
    return {
        "follow-ups/pk": follow_up.pk,  # surveys/follow-ups/<pk>/close/
        "survey-follow-ups/pk": follow_up.pk,  # /api/v1/survey-follow-ups/{pk}/close
        "templates/pk": template.pk,  # surveys/templates/<pk>/ (not a customer's)
    }
