"""The survey endpoints (contract.md, "Customer voice"): thin, the rules live in
feedback.surveys (writes) and feedback.survey_selectors (reads)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from aftersales.accounts.endpoint_access import PUBLIC, access, staff_perm
from aftersales.core.openapi import documented
from aftersales.core.pagination import page
from aftersales.feedback import survey_access, surveys
from aftersales.feedback import survey_selectors as selectors
from aftersales.feedback.models import SurveyFollowUp
from aftersales.feedback.survey_schemas import (
    SurveyAnsweredOut,
    SurveyAnswerIn,
    SurveyFollowUpCloseIn,
    SurveyFollowUpOut,
    SurveyFollowUpPage,
    SurveyFollowUpParams,
    SurveyLinkOut,
    SurveyResultParams,
    SurveyResultsOut,
)

router = Router(tags=["surveys"])


def follow_up_out(follow_up: SurveyFollowUp) -> dict:
    invitation = follow_up.invitation
    return {
        "id": follow_up.pk,
        "customer": follow_up.customer.code,
        "case": invitation.case.number if invitation.case_id else None,
        "owner": follow_up.owner.username if follow_up.owner_id else None,
        "reason": follow_up.reason,
        "score": float(invitation.score) if invitation.score is not None else None,
        "status": follow_up.status,
        "outcome": follow_up.outcome,
        "opened_at": follow_up.opened_at,
        "closed_at": follow_up.closed_at,
    }


@router.get("/cases/{number}/survey", response=SurveyLinkOut, openapi_extra=documented(409))
@access(staff_perm(survey_access.SEND))
def case_survey_link(request: HttpRequest, number: str):
    """The closed case's survey link (created and sent on first asking; a fresh one once the
    old expired unanswered); 409 while the case is open or once the survey was answered."""
    case = selectors.case_for_survey(user=request.auth, number=number)
    invitation = surveys.survey_link_for_case(case=case, by=request.auth)
    return {
        "url": request.build_absolute_uri(surveys.survey_path(invitation)),
        "expires_at": invitation.expires_at,
    }


# Declared before /surveys/{token}: the URL patterns are tried in this order.
@router.get("/surveys/results", response=SurveyResultsOut)
@access(staff_perm(survey_access.RESULTS))
def survey_results(request: HttpRequest, params: Query[SurveyResultParams]):
    """CSAT (% of overall ratings 4–5), NPS (% 9–10 minus % 0–6), responses and the average
    rating per dimension; `group` adds the same per engineer, customer, month or quarter."""
    filters = selectors.ResultFilters(
        date_from=params.date_from,
        date_to=params.date_to,
        customer=params.customer,
        engineer=params.engineer,
    )
    return selectors.survey_results(user=request.auth, filters=filters, group=params.group)


@router.post(
    "/surveys/{token}",
    response={201: SurveyAnsweredOut},
    auth=None,
    openapi_extra=documented(404, 409, 422),
)
@access(PUBLIC)
def survey_answer(request: HttpRequest, token: str, payload: SurveyAnswerIn):
    """Answer the survey the link names (no login: the signed token is the key). Once only:
    again → 409, also when the link expired; a bad token → 404; 422 names the question."""
    invitation = surveys.survey_answer(token=token, answers=payload.answers)
    return Status(
        201,
        {
            "answered_at": invitation.answered_at,
            "score": float(invitation.score) if invitation.score is not None else None,
            "nps": invitation.nps,
            "follow_up": SurveyFollowUp.objects.filter(invitation=invitation).exists(),
        },
    )


@router.get("/survey-follow-ups", response=SurveyFollowUpPage)
@access(staff_perm(survey_access.VIEW_FOLLOW_UPS))
def follow_up_list(request: HttpRequest, params: Query[SurveyFollowUpParams]):
    qs = selectors.follow_ups_for_user(user=request.auth, status=params.status)
    result = page(request, qs, limit=params.limit, offset=params.offset)
    result["items"] = [follow_up_out(f) for f in result["items"]]
    return result


@router.post(
    "/survey-follow-ups/{pk}/close",
    response=SurveyFollowUpOut,
    openapi_extra=documented(409, 422),
)
@access(staff_perm(survey_access.CLOSE_FOLLOW_UPS))
def follow_up_close(request: HttpRequest, pk: int, payload: SurveyFollowUpCloseIn):
    """Close an open follow-up with its outcome; 409 once closed."""
    follow_up = selectors.follow_up_get_for_user(user=request.auth, pk=pk)
    closed = surveys.follow_up_close(follow_up=follow_up, by=request.auth, outcome=payload.outcome)
    return follow_up_out(selectors.follow_up_get_for_user(user=request.auth, pk=closed.pk))
