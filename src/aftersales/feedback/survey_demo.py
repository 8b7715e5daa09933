"""Demo surveys: the latest closed cases' surveys answered, one of them with a low score and
the follow-up it opened for the customer's service manager.

Runs after the cases section (it needs closed cases and a manager to send the links).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from aftersales.accounts.roles import Role
from aftersales.cases.models import Case
from aftersales.cases.models import Status as CaseStatus
from aftersales.core.errors import ApplicationError
from aftersales.feedback import surveys
from aftersales.feedback.models import SurveyInvitation
from aftersales.feedback.survey_tokens import make_token
from aftersales.notify.services import outbox_demo_delivered, outbox_last_id

# Ratings of questions 1–6, the recommendation (7), solved (8) and a comment (9).
ANSWERS = [
    ([5, 5, 5, 5, 5, 5], 10, True, "工程师非常专业，半天就解决了问题。"),
    ([4, 5, 4, 5, 4, 4], 9, True, ""),
    ([4, 4, 4, 4, 5, 4], 8, True, "希望备件能更快到货。"),
    ([2, 3, 3, 4, 3, 2], 3, False, "响应太慢，等了两天才有人联系。"),
    ([5, 4, 5, 5, 5, 5], 9, True, "服务态度很好"),
]


def load(demo: Any) -> None:
    """Answer the surveys of the latest closed cases (skipped when surveys exist already)."""
    if SurveyInvitation.objects.exists():
        return
    sender = get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True).first()
    cases = list(
        Case.objects.filter(status=CaseStatus.CLOSED, resolved_at__isnull=False)
        .select_related("customer", "contact", "assignee")
        .order_by("-closed_at")[: len(ANSWERS)]
    )
    if sender is None or not cases:
        demo.notes.append("No demo surveys: they need a manager and closed cases.")
        return
    first_outbox = outbox_last_id()
    answered = 0
    for case, (ratings, nps, solved, comment) in zip(cases, ANSWERS, strict=False):
        try:
            invitation = surveys.survey_link_for_case(case=case, by=sender)
            answers: dict[str, Any] = {str(n): r for n, r in enumerate(ratings, start=1)}
            answers.update({"7": nps, "8": solved, "9": comment})
            surveys.survey_answer(token=make_token(invitation.nonce), answers=answers)
        except ApplicationError as exc:
            demo.notes.append(f"Demo survey for {case.number} stopped: {exc.message}")
            continue
        answered += 1
    # The demo's messages count as delivered, as the other sections' do (nothing to send).
    outbox_demo_delivered(first_outbox)
    demo.add("answered surveys", answered)
