"""Who may do what with surveys: one predicate per action.

Staff send a case's survey link (`feedback.send_survey`, only once the case is closed), read
results (`feedback.view_survey_results`), work follow-ups and version templates. Answering
needs no login: the signed link is the permission, refused once answered or expired (409).
A customer contact hears 404 on every staff action (the console's existence leaks nothing).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.accounts.predicates import Predicate, in_states, staff_with
from aftersales.cases.models import Status as CaseStatus
from aftersales.core.errors import ApplicationError, Conflict, Forbidden, NotFound
from aftersales.feedback.models import FollowUpStatus

SEND = "feedback.send_survey"
RESULTS = "feedback.view_survey_results"
VIEW_FOLLOW_UPS = "feedback.view_surveyfollowup"
CLOSE_FOLLOW_UPS = "feedback.change_surveyfollowup"
VERSION_TEMPLATES = "feedback.add_surveytemplate"

NOT_FOUND = _("Not found.")
CASE_NOT_CLOSED = _("A survey is sent only for a closed case.")
CASE_CANCELLED = _("This case was cancelled without a solution: there is nothing to rate.")
FOLLOW_UP_NOT_OPEN = _("Not possible while the follow-up is “%(status)s”.")
ALREADY_ANSWERED = _("This survey has already been answered. Thank you!")
LINK_EXPIRED = _("This survey link has expired.")

# Why a link refuses an answer, in Conflict.extra["reason"] (the pages pick their text by it).
ANSWERED = "answered"
EXPIRED = "expired"


def gate(user: Any, permission: str) -> None:
    """Refuse a staff action: 404 for anyone not staff, 403 for staff without `permission`."""
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)
    if not can(user, permission):
        raise Forbidden(NOT_ALLOWED)


def _case_rateable(case: Any) -> ApplicationError | None:
    if case.status != CaseStatus.CLOSED:
        return Conflict(CASE_NOT_CLOSED, extra={"status": case.status})
    # Closing an unresolved case cancels it (cases.services.closure): no service to rate.
    if case.resolved_at is None:
        return Conflict(CASE_CANCELLED, extra={"status": case.status})
    return None


def answer_refusal(invitation: Any, now: dt.datetime) -> ApplicationError | None:
    """Why the link takes no answer now (409: answered once already, or expired), or None."""
    if invitation.answered_at is not None:
        return Conflict(ALREADY_ANSWERED, extra={"reason": ANSWERED})
    if invitation.expires_at <= now:
        return Conflict(LINK_EXPIRED, extra={"reason": EXPIRED})
    return None


# Get (or renew) a closed case's survey link (obj: the case).
can_send = Predicate(staff_with(SEND), _case_rateable)
can_view_results = Predicate(staff_with(RESULTS))
can_view_follow_ups = Predicate(staff_with(VIEW_FOLLOW_UPS))
can_close_follow_up = Predicate(
    staff_with(CLOSE_FOLLOW_UPS), in_states(FOLLOW_UP_NOT_OPEN, FollowUpStatus.OPEN)
)
can_version_template = Predicate(staff_with(VERSION_TEMPLATES))
