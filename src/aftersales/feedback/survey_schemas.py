"""Request and response shapes of the survey API (contract.md, "Customer voice")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

from aftersales.core.pagination import Limit, Offset
from aftersales.core.schema_types import Date, MediumText, StrictBool, StrictInt, choice_of
from aftersales.feedback.models import FollowUpStatus

QuestionKey = Annotated[str, StringConstraints(max_length=10)]
AnswerValue = StrictBool | StrictInt | MediumText | None


class SurveyLinkOut(Schema):
    url: str
    expires_at: dt.datetime


class SurveyAnswerIn(Schema):
    """`answers` maps each question's number (its order, "1", "2", ...) to the value: an
    integer for a rating (1–5) or the recommendation (0–10), true/false for yes/no, one of
    the offered strings for a choice, a string for free text; optional ones may be left out."""

    answers: dict[QuestionKey, AnswerValue] = Field(..., max_length=100)


class SurveyAnsweredOut(Schema):
    answered_at: dt.datetime
    score: float | None
    nps: int | None
    follow_up: bool


class SurveyResultParams(Schema):
    date_from: Date | None = Field(None, alias="from")
    date_to: Date | None = Field(None, alias="to")
    customer: str = Field("", max_length=40)
    engineer: str = Field("", max_length=150)
    group: Literal["", "engineer", "customer", "month", "quarter"] = ""


class SurveyResultGroupOut(Schema):
    key: str
    label: str
    csat: float | None
    nps: float | None
    responses: int


class SurveyResultsOut(Schema):
    csat: float | None
    nps: float | None
    responses: int
    dimensions: dict[str, float]
    groups: list[SurveyResultGroupOut] | None = None


class SurveyFollowUpParams(Schema):
    status: choice_of(FollowUpStatus, blank=True) = ""  # type: ignore[valid-type]
    limit: Limit = 50
    offset: Offset = 0


class SurveyFollowUpOut(Schema):
    id: int
    customer: str
    case: str | None
    owner: str | None
    reason: str
    score: float | None
    status: str
    outcome: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class SurveyFollowUpPage(Schema):
    items: list[SurveyFollowUpOut]
    count: int
    next: str | None


class SurveyFollowUpCloseIn(Schema):
    outcome: MediumText
