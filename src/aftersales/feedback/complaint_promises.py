"""The complaint as a subject of the promise engine (subject kind "complaint").

Two promises on the round-the-clock calendar "7x24" (domain.md, "Promises in the seeds"): the
department's first answer within 120 service minutes of receipt, and the settlement, to the
customer's satisfaction, within 15 calendar days (21,600 minutes). The complaint keeps only a
denormalised `next_due_at` for its queue; the officers and managers hear through the ladder
seeded in feedback 0002 (remind at 90 minutes, escalate when due).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from aftersales.accounts.roles import Role
from aftersales.feedback.models import Complaint, ComplaintEventKind, ComplaintStatus
from aftersales.sla.models import DueRule, Promise
from aftersales.sla.numbered import Message, NumberedSubject

KIND = "complaint"
ANSWER = "answer"
SETTLE = "settle"
CALENDAR = "7x24"
ANSWER_MINUTES = 120
SETTLE_MINUTES = 15 * 24 * 60

COMPLAINTS = NumberedSubject(
    kind=KIND,
    model=Complaint,
    calendar_code=CALENDAR,
    notice_kind=ComplaintEventKind.NOTICE,
    url_name="complaints:detail",
    target_labels={ANSWER: gettext_noop("answer"), SETTLE: gettext_noop("settlement")},
    breach_text=gettext_noop("Complaint: %(target)s missed (due %(due)s)."),
    is_active=lambda complaint: complaint.status != ComplaintStatus.CLOSED,
    view_perm="feedback.view_complaint",
)
promise_rows = COMPLAINTS.promise_rows
stop = COMPLAINTS.stop


def complaint_officers(complaint: Complaint | None = None) -> list:
    """Every active complaint officer (the ladder's recipients: "the officer is warned")."""
    users = get_user_model().objects.filter(is_active=True, groups__name=Role.COMPLAINT_OFFICER)
    return list(users.distinct().order_by("pk"))


def start(complaint: Complaint, at: dt.datetime) -> None:
    """Both clocks run from receipt: the 2-hour answer and the 15-day settlement."""
    COMPLAINTS.start(complaint, ANSWER, rule=DueRule.SERVICE_MINUTES, minutes=ANSWER_MINUTES, at=at)
    COMPLAINTS.start(complaint, SETTLE, rule=DueRule.SERVICE_MINUTES, minutes=SETTLE_MINUTES, at=at)


def complete(complaint: Complaint, target: str, at: dt.datetime) -> Promise | None:
    """Record the step: its promise is met or missed (a second answer changes nothing)."""
    return COMPLAINTS.complete(complaint, target, at)


def register() -> None:
    COMPLAINTS.register(
        # The promise lists leave complaints out for contacts; the complaint's own pages show
        # its customer the two due moments.
        contacts_see=False,
        remind=COMPLAINTS.reminder(
            complaint_officers,
            Message(
                kind="complaint.reminder",
                subject=gettext_noop("Reminder: complaint %(number)s, %(target)s due"),
                body=gettext_noop(
                    "Complaint %(number)s (%(customer)s): the %(target)s is due at %(due)s and "
                    "not recorded yet."
                ),
                note=gettext_noop("Complaint reminder sent: %(rule)s"),
            ),
        ),
        notify_managers=COMPLAINTS.escalation(
            complaint_officers,
            Message(
                kind="complaint.escalation",
                subject=gettext_noop("Escalation: complaint %(number)s missed its %(target)s"),
                body=gettext_noop(
                    "Complaint %(number)s (%(customer)s): the %(target)s was due at %(due)s and "
                    "is not recorded. The complaint officer is warned."
                ),
                note=gettext_noop("Escalated, officers warned: %(rule)s"),
            ),
        ),
    )
