"""Every read of the callback programme that pages and the API share, scoped to the user.

Callbacks and their problems are staff-only: a customer's contact, an engineer or an expert
sees none of them (a list answers 403, one callback 404). Coverage counts a callback as done
when the customer was contacted: the call was done or the customer refused it (the promise is
that 100 % are contacted; a refusal is an answer, a callback still due or waiting for its
retry is not); cancelled callbacks are not due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED
from aftersales.core import timeline
from aftersales.core.db import id_or_none
from aftersales.core.errors import Forbidden, NotFound
from aftersales.feedback import callback_promises as promises
from aftersales.feedback.callback_access import sees_callbacks
from aftersales.feedback.callback_generation import (
    QUARTERLY_KINDS,
    Period,
    parse_period,
    periods_to_build,
)
from aftersales.feedback.models import (
    CALLBACK_OPEN_STATUSES,
    Callback,
    CallbackItem,
    CallbackItemStatus,
    CallbackRule,
    CallbackStatus,
)

NOT_FOUND = _("Not found.")
OPEN = "open"  # the queue's pseudo-status: due or waiting for a retry
CONTACTED_STATUSES = (CallbackStatus.DONE, CallbackStatus.REFUSED)


def callbacks_for_user(user: Any) -> QuerySet[Callback]:
    """Every callback, for staff holding feedback.view_callback; anyone else 403."""
    if not sees_callbacks(user):
        raise Forbidden(NOT_ALLOWED)
    return Callback.objects.all()


def callback_get_for_user(*, user: Any, pk: Any) -> Callback:
    """The callback, or 404 for whoever may not see it (and for an id no row can have)."""
    callback_id = id_or_none(pk)
    if not sees_callbacks(user) or callback_id is None:
        raise NotFound(NOT_FOUND)
    callback = (
        Callback.objects.select_related("rule", "customer", "asset", "case", "agent")
        .filter(pk=callback_id)
        .first()
    )
    if callback is None:
        raise NotFound(NOT_FOUND)
    return callback


@dataclass(frozen=True)
class CallbackFilters:
    period: str = ""
    status: str = ""  # a CallbackStatus, or "open" (due or retry)
    rule: str = ""  # the rule's code
    customer: str = ""  # the customer's code
    q: str = ""


def callback_list(*, user: Any, filters: CallbackFilters) -> QuerySet[Callback]:
    """The call list, earliest due first; `q` matches customer, serial or case number; a
    period that is no "YYYY-MM" or "YYYY-Qn" is 422 naming `period`."""
    qs = callbacks_for_user(user).select_related("rule", "customer", "asset", "case")
    if filters.period:
        qs = qs.filter(period=parse_period(filters.period, loc="query").code)
    if filters.status == OPEN:
        qs = qs.filter(status__in=CALLBACK_OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.rule:
        qs = qs.filter(rule__code=filters.rule)
    if filters.customer:
        qs = qs.filter(customer__code=filters.customer)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(
            Q(customer__name__icontains=q)
            | Q(customer__code__iexact=q)
            | Q(asset__serial_number__icontains=q)
            | Q(case__number__iexact=q)
        )
    return qs.order_by("due_on", "id")


def callback_activities(callback: Callback) -> QuerySet:
    return timeline.for_subject("callback", callback.pk, include_internal=True)


# --- problems raised on callbacks ----------------------------------------------------------


def items_for_user(user: Any) -> QuerySet[CallbackItem]:
    if not sees_callbacks(user):
        raise Forbidden(NOT_ALLOWED)
    return CallbackItem.objects.all()


def item_get_for_user(*, user: Any, number: str) -> CallbackItem:
    """The problem, or 404 for whoever may not see it."""
    if not sees_callbacks(user):
        raise NotFound(NOT_FOUND)
    item = (
        CallbackItem.objects.select_related("customer", "callback__rule")
        .filter(number=number)
        .first()
    )
    if item is None:
        raise NotFound(NOT_FOUND)
    return item


@dataclass(frozen=True)
class ItemFilters:
    status: str = ""  # a CallbackItemStatus, or "open" (not closed)
    department: str = ""
    key: bool | None = None
    customer: str = ""
    q: str = ""


def item_list(*, user: Any, filters: ItemFilters) -> QuerySet[CallbackItem]:
    """Problems, the next due promise first, then the newest; key problems can be picked."""
    qs = items_for_user(user).select_related("customer", "callback__rule")
    if filters.status == OPEN:
        qs = qs.exclude(status=CallbackItemStatus.CLOSED)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.department:
        qs = qs.filter(department=filters.department)
    if filters.key is not None:
        qs = qs.filter(key_problem=filters.key)
    if filters.customer:
        qs = qs.filter(customer__code=filters.customer)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(Q(number__iexact=q) | Q(text__icontains=q) | Q(customer__name__icontains=q))
    return qs.order_by(F("next_due_at").asc(nulls_last=True), "-raised_at", "-pk")


def item_activities(item: CallbackItem) -> QuerySet:
    return timeline.for_subject(promises.KIND, item.pk, include_internal=True)


def item_promise_rows(item: CallbackItem, now: dt.datetime) -> list[dict]:
    return promises.promise_rows(item, now)


# --- coverage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    rule: str
    name: str
    period: str
    due: int
    done: int

    @property
    def ratio(self) -> float | None:
        """Contacted / due, None when nothing is due."""
        return round(self.done / self.due, 4) if self.due else None

    @property
    def percent(self) -> str:
        return "—" if self.ratio is None else f"{self.ratio * 100:.1f}%"


def callback_coverage(*, user: Any, period: Period | str) -> list[CoverageRow]:
    """Per active rule: callbacks due and done in the period (a month also shows its
    quarter's warranty list, as the month's generation builds it); a period given as text is
    read after the user's access (403 before 422)."""
    callbacks_for_user(user)
    if isinstance(period, str):
        period = parse_period(period, loc="query")
    periods = periods_to_build(period)
    counts = {
        (row["rule_id"], row["period"]): row
        for row in Callback.objects.filter(period__in=[p.code for p in periods])
        .exclude(status=CallbackStatus.CANCELLED)
        .values("rule_id", "period")
        .annotate(
            due=Count("id"),
            done=Count("id", filter=Q(status__in=CONTACTED_STATUSES)),
        )
        .order_by()
    }
    rows = []
    for rule in CallbackRule.objects.all():
        for target in periods:
            if (rule.kind in QUARTERLY_KINDS) != target.quarterly:
                continue
            found = counts.get((rule.pk, target.code), {"due": 0, "done": 0})
            if not rule.active and not found["due"]:
                continue
            rows.append(CoverageRow(rule.code, rule.name, target.code, found["due"], found["done"]))
    return rows


def coverage_total(rows: list[CoverageRow]) -> CoverageRow:
    return CoverageRow("", "", "", sum(r.due for r in rows), sum(r.done for r in rows))
