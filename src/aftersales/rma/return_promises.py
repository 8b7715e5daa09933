"""The return request as a subject of the promise engine (subject kind "return").

Two promises on the operations calendar ("5x8", the NTH_BUSINESS_DAY rule as the RMA's faulty
return): the refund, due at 17:00 of the 5th business day after the goods were received, and
the exchange, due at 17:00 of the 3rd business day after the request (seed 002). The request
keeps only a denormalised `next_due_at` for its queue; the RMA admins hear of both through
the engine's ladder.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_noop

from aftersales.rma.models import RETURN_DONE_STATUSES, ReturnEventKind, ReturnRequest
from aftersales.rma.promises import rma_admins
from aftersales.sla.models import DueRule, Promise
from aftersales.sla.numbered import Message, NumberedSubject

KIND = "return"
REFUND = "refund"
EXCHANGE = "exchange"
REFUND_BUSINESS_DAYS = 5
EXCHANGE_BUSINESS_DAYS = 3

RETURNS = NumberedSubject(
    kind=KIND,
    model=ReturnRequest,
    calendar_code="5x8",
    notice_kind=ReturnEventKind.NOTICE,
    url_name="returns:detail",
    target_labels={REFUND: gettext_noop("refund"), EXCHANGE: gettext_noop("exchange")},
    breach_text=gettext_noop("Return: %(target)s missed (due %(due)s)."),
    is_active=lambda request: request.status not in RETURN_DONE_STATUSES,
    view_perm="rma.view_rma",
)
promise_rows = RETURNS.promise_rows
stop = RETURNS.stop


def start_refund(request: ReturnRequest, at: dt.datetime) -> None:
    """The refund is due by 17:00 of the 5th business day after the goods arrived."""
    RETURNS.start(
        request, REFUND, rule=DueRule.NTH_BUSINESS_DAY, minutes=REFUND_BUSINESS_DAYS, at=at
    )


def start_exchange(request: ReturnRequest, at: dt.datetime) -> None:
    """The exchange is done by 17:00 of the 3rd business day after the request."""
    RETURNS.start(
        request, EXCHANGE, rule=DueRule.NTH_BUSINESS_DAY, minutes=EXCHANGE_BUSINESS_DAYS, at=at
    )


def complete(request: ReturnRequest, target: str, at: dt.datetime) -> Promise | None:
    """Record the step: its promise is met or missed; returns the promise (None if none)."""
    return RETURNS.complete(request, target, at)


def register() -> None:
    RETURNS.register(
        remind=RETURNS.reminder(
            rma_admins,
            Message(
                kind="return.reminder",
                subject=gettext_noop("Reminder: return %(number)s, %(target)s due"),
                body=gettext_noop(
                    "Return %(number)s (%(customer)s): the %(target)s is due at %(due)s and not "
                    "recorded yet."
                ),
                note=gettext_noop("Return reminder sent: %(rule)s"),
            ),
        ),
        notify_managers=RETURNS.escalation(
            rma_admins,
            Message(
                kind="return.escalation",
                subject=gettext_noop("Escalation: return %(number)s missed its %(target)s"),
                body=gettext_noop(
                    "Return %(number)s (%(customer)s): the %(target)s was due at %(due)s and "
                    "is not recorded."
                ),
                note=gettext_noop("Escalated: %(rule)s"),
            ),
        ),
    )
