"""The RMA as a subject of the promise engine: its three promises and its ladder's actions.

Registers the subject kind "rma" with sla (RmaConfig.ready). Every time limit is an engine
promise on the operations calendar ("5x8"): ship_by (the 14:00 cut-off), faulty_return (17:00
of the 10th business day after the spare was received) and swap_repair (4,320 service minutes
after the faulty part arrives). The RMA keeps only a denormalised `next_due_at` for its queue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from aftersales.accounts.roles import Role
from aftersales.core import timeline
from aftersales.rma.models import OPEN_STATUSES, Rma, RmaEventKind
from aftersales.sla import clockwork
from aftersales.sla.calendar import CompiledCalendar, service_minutes_between
from aftersales.sla.escalation import Step, Writes
from aftersales.sla.models import DueRule, Promise
from aftersales.sla.rules import cutoff_due
from aftersales.sla.subjects import SubjectKind, register_kind

KIND = "rma"
# The operations calendar: Monday–Friday 09:00–17:00 with PRC holidays and make-up days.
CALENDAR = "5x8"
SHIP_BY = "ship_by"
FAULTY_RETURN = "faulty_return"
SWAP_REPAIR = "swap_repair"
FAULTY_RETURN_BUSINESS_DAYS = 10
SWAP_REPAIR_MINUTES = 72 * 60  # 72 business hours
TARGET_LABELS = {
    SHIP_BY: gettext_noop("spare shipment"),
    FAULTY_RETURN: gettext_noop("faulty part return"),
    SWAP_REPAIR: gettext_noop("swap repair"),
}


def target_label(target: str) -> str:
    return _(TARGET_LABELS.get(target, target))


def calendar() -> CompiledCalendar:
    return clockwork.calendar_for(CALENDAR)


def promises_of(rma: Rma) -> list[Promise]:
    return clockwork.promises_of(KIND, rma.pk)


def by_target(promises: Sequence[Promise]) -> dict[str, Promise]:
    return {p.target: p for p in promises}


def is_late(promise: Promise | None) -> bool | None:
    """Whether the promise was broken (None while it has not been made)."""
    if promise is None:
        return None
    return promise.breached_at is not None or promise.met is False


def _active(rma: Rma) -> bool:
    return rma.status in OPEN_STATUSES


def sync(rma: Rma, promises: Sequence[Promise]) -> None:
    """Copy the earliest running due moment onto the RMA (its queue's order)."""
    rma.next_due_at = min(
        (p.due_at for p in promises if p.running_since is not None and p.due_at is not None),
        default=None,
    )
    Rma.objects.filter(pk=rma.pk).update(next_due_at=rma.next_due_at)


def _start(rma: Rma, target: str, *, rule: str, minutes: int, at: dt.datetime) -> None:
    cal = calendar()
    promise = clockwork.new_promise(
        kind=KIND,
        target=target,
        minutes=minutes,
        now=at,
        cal=cal,
        rule=rule,
        customer_id=rma.customer_id,
        contract_id=rma.case.contract_id,
    )
    clockwork.start([promise], subject_id=rma.pk, cal=cal)
    sync(rma, promises_of(rma))


def start_ship_by(rma: Rma, at: dt.datetime) -> None:
    """The spare ships by the cut-off rule, counted from the fault's confirmation."""
    cal = calendar()
    # The rule fixes the due moment; `minutes` holds the service time until it, so the
    # ladder's "share" steps (remind at 75 %) fall at the right moment.
    minutes = max(1, round(service_minutes_between(cal, at, cutoff_due(cal, at))))
    _start(rma, SHIP_BY, rule=DueRule.CUTOFF, minutes=minutes, at=at)


def start_faulty_return(rma: Rma, at: dt.datetime) -> None:
    """The faulty part is due back by 17:00 of the 10th business day after delivery."""
    _start(
        rma,
        FAULTY_RETURN,
        rule=DueRule.NTH_BUSINESS_DAY,
        minutes=FAULTY_RETURN_BUSINESS_DAYS,
        at=at,
    )


def start_swap_repair(rma: Rma, at: dt.datetime) -> None:
    _start(rma, SWAP_REPAIR, rule=DueRule.SERVICE_MINUTES, minutes=SWAP_REPAIR_MINUTES, at=at)


def complete(rma: Rma, target: str, at: dt.datetime) -> Promise | None:
    """Record the step: its promise is met or missed; returns the promise (None if none)."""
    promises = promises_of(rma)
    clockwork.complete(promises, [target], cal=calendar(), now=at, active=_active(rma))
    sync(rma, promises)
    return by_target(promises).get(target)


def stop(rma: Rma, at: dt.datetime) -> None:
    promises = promises_of(rma)
    clockwork.stop(promises, cal=calendar(), now=at, active=False)
    sync(rma, promises)


# --- the ladder's actions ----------------------------------------------------------------------


def rma_admins() -> list:
    """Every active RMA administrator (the ladder's and the new RMA's recipients)."""
    users = get_user_model().objects.filter(is_active=True, groups__name=Role.RMA_ADMIN)
    return list(users.order_by("pk"))


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _notice(rma: Rma, *, at: dt.datetime, text: str, data: dict) -> timeline.Activity:
    return timeline.entry(
        subject_kind=KIND,
        subject_id=rma.pk,
        customer_id=rma.customer_id,
        at=at,
        kind=RmaEventKind.NOTICE,
        internal=True,
        text=text,
        data=data,
    )


def _tell_all(step: Step, users: list, *, kind: str, subject: str, body: str) -> list[int]:
    rma, told = step.subject, []
    for user in users:
        if user.pk in told:
            continue
        told.append(user.pk)
        with translation.override(user.language):
            step.tell(
                user,
                kind=kind,
                subject=_(subject)
                % {"number": rma.number, "target": target_label(step.promise.target)},
                body=_(body)
                % {
                    "number": rma.number,
                    "customer": rma.customer.name,
                    "target": target_label(step.promise.target),
                    "due": _local(step.promise.due_at),
                },
                ref=(KIND, rma.number),
            )
    return told


def remind(step: Step) -> int:
    told = _tell_all(
        step,
        rma_admins(),
        kind="rma.reminder",
        subject=gettext_noop("Reminder: RMA %(number)s, %(target)s due"),
        body=gettext_noop(
            "RMA %(number)s (%(customer)s): the %(target)s is due at %(due)s and not recorded yet."
        ),
    )
    step.writes.add(
        _notice(
            step.subject,
            at=step.now,
            text=_("RMA reminder sent: %(rule)s") % {"rule": step.rule.name},
            data={"sla_rule": step.rule.pk, "late": step.late, "to": told},
        )
    )
    return len(told) * len(step.rule.channels)


def notify_managers(step: Step) -> int:
    managers = [m for level in step.rule.levels for m in step.people.managers(level)]
    told = _tell_all(
        step,
        managers + rma_admins(),
        kind="rma.escalation",
        subject=gettext_noop("Escalation: RMA %(number)s missed its %(target)s"),
        body=gettext_noop(
            "RMA %(number)s (%(customer)s): the %(target)s was due at %(due)s and is not recorded."
        ),
    )
    step.writes.add(
        _notice(
            step.subject,
            at=step.now,
            text=_("Escalated: %(rule)s") % {"rule": step.rule.name},
            data={"sla_rule": step.rule.pk, "late": step.late, "to": told},
        )
    )
    return len(told) * len(step.rule.channels)


def breached(rma: Rma, promise: Promise, now: dt.datetime, writes: Writes) -> None:
    writes.add(
        _notice(
            rma,
            at=now,
            text=_("RMA: %(target)s missed (due %(due)s).")
            % {"target": target_label(promise.target), "due": _local(promise.due_at)},
            data={"sla_breach": promise.target},
        )
    )


def note(subject_id: int, *, at: dt.datetime, actor, text: str, data: dict) -> None:
    timeline.record(
        subject_kind=KIND,
        subject_id=subject_id,
        at=at,
        actor=actor,
        kind=RmaEventKind.NOTICE,
        internal=True,
        text=text,
        data=data,
    )


def load(ids: Sequence[int]) -> dict[int, Rma]:
    return {r.pk: r for r in Rma.objects.filter(pk__in=ids).select_related("customer")}


def changed(rmas: list[Rma], promises: dict[int, list[Promise]]) -> None:
    """The sweep moves next checks and breaches, never due moments: nothing to copy."""


def labels(ids: Sequence[int]) -> dict[int, str]:
    return dict(Rma.objects.filter(pk__in=ids).values_list("pk", "number"))


def urls(ids: Sequence[int]) -> dict[int, str]:
    numbers = Rma.objects.filter(pk__in=ids).values_list("pk", "number")
    return {pk: reverse("rma:detail", args=[number]) for pk, number in numbers}


def url(subject_id: int) -> str:
    return urls([subject_id]).get(subject_id, "")


RMA_KIND = SubjectKind(
    code=KIND,
    load=load,
    is_active=_active,
    labels=labels,
    url=url,
    urls=urls,
    view_perm="rma.view_rma",
    name=str,
    target_label=target_label,
    remind=remind,
    notify_managers=notify_managers,
    breached=breached,
    note=note,
    changed=changed,
)


def register() -> None:
    register_kind(RMA_KIND)
