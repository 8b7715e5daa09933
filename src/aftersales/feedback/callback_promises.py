"""The callback problem (CallbackItem) as a subject of the promise engine (kind "callback_item").

One promise, "told": the department's solution reaches the customer within one business day
(480 service minutes on the operations calendar "5x8", domain.md "Promises in the seeds"),
counted from the moment the solution was recorded. The seeded ladder reminds the agents at half
the day and escalates to the response-centre managers when it is missed. A re-sent item's next
solution reopens the same promise (the engine keeps one per target): a breach stays a breach,
and time already used counts on, so a key problem gets no fresh day.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from aftersales.feedback.models import CallbackEventKind, CallbackItem, CallbackItemStatus
from aftersales.sla import clockwork
from aftersales.sla.models import DueRule, Promise
from aftersales.sla.numbered import Message, NumberedSubject

KIND = "callback_item"
TOLD = "told"
TOLD_MINUTES = 480  # one business day of 09:00–17:00
WORK = "feedback.work_callback"

ITEMS = NumberedSubject(
    kind=KIND,
    model=CallbackItem,
    calendar_code="5x8",
    notice_kind=CallbackEventKind.NOTICE,
    url_name="callbacks:item_detail",
    target_labels={TOLD: gettext_noop("solution told to the customer")},
    breach_text=gettext_noop("Callback problem: %(target)s missed (due %(due)s)."),
    is_active=lambda item: item.status != CallbackItemStatus.CLOSED,
    view_perm="feedback.view_callback",
)
promise_rows = ITEMS.promise_rows


def start_told(item: CallbackItem, at: dt.datetime) -> None:
    """The solution was recorded at `at`: the customer hears it within one business day (a
    re-sent item's promise runs again instead, see the module's docstring)."""
    promises = ITEMS.promises_of(item)
    if any(p.target == TOLD for p in promises):
        clockwork.reopen(promises, completed_targets=[TOLD], cal=ITEMS.calendar(), now=at)
        ITEMS.sync(item, promises)
        return
    ITEMS.start(item, TOLD, rule=DueRule.SERVICE_MINUTES, minutes=TOLD_MINUTES, at=at)


def complete_told(item: CallbackItem, at: dt.datetime) -> Promise | None:
    return ITEMS.complete(item, TOLD, at)


def stop(item: CallbackItem, at: dt.datetime) -> None:
    ITEMS.stop(item, at)


def callback_agents(item: CallbackItem | None = None) -> list:
    """Active staff who work callbacks (the ladder's recipients)."""
    users = get_user_model().objects.filter(is_active=True, is_superuser=False)
    users = users.filter(groups__permissions__codename="work_callback").distinct()
    return list(users.order_by("pk"))


def register() -> None:
    ITEMS.register(
        contacts_see=False,
        remind=ITEMS.reminder(
            callback_agents,
            Message(
                kind="callback_item.reminder",
                subject=gettext_noop("Reminder: callback problem %(number)s, %(target)s due"),
                body=gettext_noop(
                    "Callback problem %(number)s (%(customer)s): the %(target)s is due at "
                    "%(due)s and not recorded yet."
                ),
                note=gettext_noop("Callback problem reminder sent: %(rule)s"),
            ),
        ),
        notify_managers=ITEMS.escalation(
            callback_agents,
            Message(
                kind="callback_item.escalation",
                subject=gettext_noop(
                    "Escalation: callback problem %(number)s missed its %(target)s"
                ),
                body=gettext_noop(
                    "Callback problem %(number)s (%(customer)s): the %(target)s was due at "
                    "%(due)s and is not recorded."
                ),
                note=gettext_noop("Escalated: %(rule)s"),
            ),
        ),
    )
