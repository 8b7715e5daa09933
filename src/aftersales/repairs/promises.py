"""The repair order as a subject of the promise engine: the carry-in return promise.

Registers the subject kind "repair" with sla (RepairsConfig.ready). A carry-in product is
repaired and returned within 72 hours, wall clock ("7x24"), of its receipt at the service
centre (domain.md, seed 001): one engine promise, met or missed when the device goes back,
stopped when the order ends otherwise. Nothing here computes a deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from aftersales.repairs.models import RepairEventKind, RepairOrder, RepairStatus
from aftersales.sla.models import DueRule, Promise
from aftersales.sla.numbered import Message, NumberedSubject

KIND = "repair"
RETURN = "carry_in_return"
RETURN_MINUTES = 72 * 60


def _active(order: RepairOrder) -> bool:
    # A signed-off order still runs until the device is back with the customer.
    ended = (RepairStatus.REFUSED, RepairStatus.CANCELLED)
    return order.device_returned_at is None and order.status not in ended


REPAIRS = NumberedSubject(
    kind=KIND,
    model=RepairOrder,
    calendar_code="7x24",  # wall clock: 72 hours, nights and weekends included
    notice_kind=RepairEventKind.NOTICE,
    url_name="repairs:detail",
    by_pk=True,
    tracks_next_due=False,
    target_labels={RETURN: gettext_noop("carry-in return")},
    breach_text=gettext_noop("Repair: %(target)s missed (due %(due)s)."),
    is_active=_active,
    # Promise lists show them to those who work repairs (not every staff role that reads them).
    view_perm="repairs.change_repairorder",
)
promises_of = REPAIRS.promises_of
stop = REPAIRS.stop


def return_promise(order: RepairOrder) -> Promise | None:
    return next((p for p in promises_of(order) if p.target == RETURN), None)


def return_promises(orders: Iterable[RepairOrder]) -> dict[int, Promise]:
    """{order id: its return promise} for a page of orders, in one query."""
    ids = [o.pk for o in orders]
    rows = Promise.objects.filter(subject_kind=KIND, subject_id__in=ids, target=RETURN)
    return {p.subject_id: p for p in rows}


def start_return(order: RepairOrder, at: dt.datetime) -> Promise:
    """The product was received: returned within 72 wall-clock hours of `at`."""
    return REPAIRS.start(
        order,
        RETURN,
        rule=DueRule.SERVICE_MINUTES,
        minutes=RETURN_MINUTES,
        at=at,
        contract_id=order.case.contract_id,
    )


def complete_return(order: RepairOrder, at: dt.datetime) -> Promise | None:
    """The device went back to the customer: the promise is met or missed."""
    return REPAIRS.complete(order, RETURN, at)


def _engineers(order: RepairOrder) -> list:
    users = list(order.engineers.filter(is_active=True).order_by("pk"))
    if not users and order.created_by_id:
        users = list(get_user_model().objects.filter(pk=order.created_by_id, is_active=True))
    return users


def register() -> None:
    REPAIRS.register(
        remind=REPAIRS.reminder(
            _engineers,
            Message(
                kind="repair.reminder",
                subject=gettext_noop("Reminder: carry-in repair %(number)s due back"),
                body=gettext_noop(
                    "Repair %(number)s (%(customer)s): the device is due back to the customer "
                    "at %(due)s."
                ),
                note=gettext_noop("Repair reminder sent: %(rule)s"),
            ),
        ),
        notify_managers=REPAIRS.escalation(
            _engineers,
            Message(
                kind="repair.escalation",
                subject=gettext_noop("Escalation: carry-in repair %(number)s not returned in time"),
                body=gettext_noop(
                    "Repair %(number)s (%(customer)s): the device was due back at %(due)s "
                    "and is not returned."
                ),
                note=gettext_noop("Escalated: %(rule)s"),
            ),
        ),
    )
