"""The RMA as a subject of the promise engine: its three promises and its ladder's actions.

Registers the subject kind "rma" with sla (RmaConfig.ready). Every time limit is an engine
promise on the operations calendar ("5x8"): ship_by (the 14:00 cut-off), faulty_return (17:00
of the 10th business day after the spare was received) and swap_repair (4,320 service minutes
after the faulty part arrives). The RMA keeps only a denormalised `next_due_at` for its queue.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from aftersales.accounts.roles import Role
from aftersales.rma.models import OPEN_STATUSES, Rma, RmaEventKind
from aftersales.sla.calendar import service_minutes_between
from aftersales.sla.models import DueRule, Promise
from aftersales.sla.numbered import Message, NumberedSubject
from aftersales.sla.rules import cutoff_due

KIND = "rma"
SHIP_BY = "ship_by"
FAULTY_RETURN = "faulty_return"
SWAP_REPAIR = "swap_repair"
FAULTY_RETURN_BUSINESS_DAYS = 10
SWAP_REPAIR_MINUTES = 72 * 60  # 72 business hours

RMAS = NumberedSubject(
    kind=KIND,
    model=Rma,
    # The operations calendar: Monday–Friday 09:00–17:00 with PRC holidays and make-up days.
    calendar_code="5x8",
    notice_kind=RmaEventKind.NOTICE,
    url_name="rma:detail",
    target_labels={
        SHIP_BY: gettext_noop("spare shipment"),
        FAULTY_RETURN: gettext_noop("faulty part return"),
        SWAP_REPAIR: gettext_noop("swap repair"),
    },
    breach_text=gettext_noop("RMA: %(target)s missed (due %(due)s)."),
    is_active=lambda rma: rma.status in OPEN_STATUSES,
    view_perm="rma.view_rma",
)
promise_rows = RMAS.promise_rows
stop = RMAS.stop


def complete(rma: Rma, target: str, at: dt.datetime) -> Promise | None:
    """Record the step: its promise is met or missed; returns the promise (None if none)."""
    return RMAS.complete(rma, target, at)


def start_ship_by(rma: Rma, at: dt.datetime) -> None:
    """The spare ships by the cut-off rule, counted from `at` (the fault's confirmation, or
    the faulty part's arrival when the contract swaps only after return)."""
    cal = RMAS.calendar()
    # The rule fixes the due moment; `minutes` holds the service time until it, so the
    # ladder's "share" steps (remind at 75 %) fall at the right moment.
    minutes = max(1, round(service_minutes_between(cal, at, cutoff_due(cal, at))))
    RMAS.start(
        rma, SHIP_BY, rule=DueRule.CUTOFF, minutes=minutes, at=at, contract_id=_contract(rma)
    )


def start_faulty_return(rma: Rma, at: dt.datetime) -> None:
    """The faulty part is due back by 17:00 of the 10th business day after delivery."""
    RMAS.start(
        rma,
        FAULTY_RETURN,
        rule=DueRule.NTH_BUSINESS_DAY,
        minutes=FAULTY_RETURN_BUSINESS_DAYS,
        at=at,
        contract_id=_contract(rma),
    )


def start_swap_repair(rma: Rma, at: dt.datetime) -> None:
    RMAS.start(
        rma,
        SWAP_REPAIR,
        rule=DueRule.SERVICE_MINUTES,
        minutes=SWAP_REPAIR_MINUTES,
        at=at,
        contract_id=_contract(rma),
    )


def _contract(rma: Rma) -> int | None:
    return rma.case.contract_id


def rma_admins(rma: Rma | None = None) -> list:
    """Every active RMA administrator (the ladder's and the new RMA's recipients)."""
    users = get_user_model().objects.filter(is_active=True, groups__name=Role.RMA_ADMIN)
    return list(users.order_by("pk"))


def register() -> None:
    RMAS.register(
        remind=RMAS.reminder(
            rma_admins,
            Message(
                kind="rma.reminder",
                subject=gettext_noop("Reminder: RMA %(number)s, %(target)s due"),
                body=gettext_noop(
                    "RMA %(number)s (%(customer)s): the %(target)s is due at %(due)s and not "
                    "recorded yet."
                ),
                note=gettext_noop("RMA reminder sent: %(rule)s"),
            ),
        ),
        notify_managers=RMAS.escalation(
            rma_admins,
            Message(
                kind="rma.escalation",
                subject=gettext_noop("Escalation: RMA %(number)s missed its %(target)s"),
                body=gettext_noop(
                    "RMA %(number)s (%(customer)s): the %(target)s was due at %(due)s and is "
                    "not recorded."
                ),
                note=gettext_noop("Escalated: %(rule)s"),
            ),
        ),
    )
