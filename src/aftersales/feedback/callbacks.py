"""Every write of the callback programme (电话询检 / 回访): keyword-only, one transaction each,
its timeline row in the same transaction.

- callbacks_build: the call list of a period (feedback.callback_generation), by a user.
- callback_attempt: one call: reached (done, with ratings 1–5 and notes), not reached (retry,
  with a retry moment in the future) or refused.
- callback_item_raise: a problem heard on the call becomes a tracked item (CI-YYYYMMDD-NNNN)
  for the responsible department.
- callback_item_solve / _tell / _confirm: the department's solution starts the one-business-day
  promise "told"; the agent tells the customer (the promise is kept or missed); the customer is
  satisfied (closed) or not (re-sent to the department as a key problem, 重点问题).
Each step accepts `at` (not in the future, not before the previous step: 422 naming `at`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.core.moments import recorded_moment
from aftersales.core.numbering import next_day_number
from aftersales.core.schema_types import MEDIUM_TEXT_MAX, checked_text
from aftersales.core.steps import take_step
from aftersales.feedback import callback_access as access
from aftersales.feedback import callback_promises as promises
from aftersales.feedback.callback_generation import callbacks_generate, parse_period
from aftersales.feedback.models import (
    Callback,
    CallbackAttempt,
    CallbackEventKind,
    CallbackItem,
    CallbackItemCounter,
    CallbackItemStatus,
    CallbackOutcome,
    CallbackStatus,
    Department,
)

ITEM_PREFIX = "CI"
UNKNOWN_OUTCOME = _("Choose reached, not reached or refused.")
UNKNOWN_DEPARTMENT = _("Choose a department.")
BAD_RATING = _("Give a rating from 1 to 5.")
RETRY_REQUIRED = _("Plan the retry: when to call again.")
RETRY_NOT_FUTURE = _("The retry must be in the future.")
RETRY_TOO_FAR = _("Plan the retry within a year.")
RETRY_MAX_DAYS = 366


def callbacks_build(*, by: User, period: str) -> dict[str, int]:
    """Build the call list of `period` ("YYYY-MM" or "YYYY-Qn"; 422 naming `period`)."""
    access.can_generate.enforce_who(by, None)
    return callbacks_generate(period=parse_period(period))


def _text(value: str, *, field: str, required: bool = False) -> str:
    return checked_text(value, field=field, limit=MEDIUM_TEXT_MAX, required=required)


def _rating(value: int | None, *, field: str, required: bool) -> int | None:
    if value is None:
        if required:
            raise Invalid(BAD_RATING, field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise Invalid(BAD_RATING, field=field)
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def callback_attempt(
    *,
    callback: Callback,
    by: User,
    outcome: str,
    rating: int | None = None,
    engineer_rating: int | None = None,
    notes: str = "",
    retry_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> Callback:
    """Record one call. Reached: done, `rating` (1–5) required, `engineer_rating` optional;
    not reached: `retry_at` required, in the future (within a year); refused: closed."""
    access.can_attempt.enforce_who(by, callback)
    now = timezone.now()
    if outcome not in CallbackOutcome.values:
        raise Invalid(UNKNOWN_OUTCOME, field="outcome")
    notes = _text(notes, field="notes")
    reached = outcome == CallbackOutcome.REACHED
    rating = _rating(rating, field="rating", required=reached) if reached else None
    engineer_rating = _rating(engineer_rating, field="engineer_rating", required=False)
    if outcome == CallbackOutcome.NOT_REACHED:
        if retry_at is None:
            raise Invalid(RETRY_REQUIRED, field="retry_at")
        retry_at = _aware(retry_at)
        if retry_at <= now:
            raise Invalid(RETRY_NOT_FUTURE, field="retry_at")
        if retry_at > now + dt.timedelta(days=RETRY_MAX_DAYS):
            raise Invalid(RETRY_TOO_FAR, field="retry_at")
    else:
        retry_at = None
    with transaction.atomic():
        locked = Callback.objects.select_for_update(of=("self",)).get(pk=callback.pk)
        access.can_attempt.enforce(by, locked)
        last = locked.calls.order_by("-at").values_list("at", flat=True).first()
        moment = recorded_moment(at, now=now, previous=last)
        CallbackAttempt.objects.create(
            callback=locked, at=moment, outcome=outcome, retry_at=retry_at, notes=notes, agent=by
        )
        locked.attempts += 1
        locked.agent = by
        locked.retry_at = retry_at
        fields = ["attempts", "agent", "retry_at", "status"]
        if reached:
            locked.status = CallbackStatus.DONE
            locked.rating, locked.engineer_rating = rating, engineer_rating
            locked.notes, locked.completed_at = notes, moment
            fields += ["rating", "engineer_rating", "notes", "completed_at"]
            kind = CallbackEventKind.DONE
        elif outcome == CallbackOutcome.REFUSED:
            locked.status, locked.notes, locked.completed_at = CallbackStatus.REFUSED, notes, moment
            fields += ["notes", "completed_at"]
            kind = CallbackEventKind.REFUSED
        else:
            locked.status = CallbackStatus.RETRY
            kind = CallbackEventKind.ATTEMPTED
        locked.save(update_fields=fields)
        data = {"outcome": outcome}
        if retry_at is not None:
            data["retry_at"] = retry_at.isoformat()
        if rating is not None:
            data["rating"] = rating
        timeline.record(subject=locked, kind=kind, actor=by, text=notes, at=moment, data=data)
    return locked


def callback_item_raise(
    *,
    callback: Callback,
    by: User,
    text: str,
    department: str = Department.SERVICE,
    at: dt.datetime | None = None,
) -> CallbackItem:
    """A problem heard on the call, sent to `department` for its solution."""
    access.can_raise.enforce_who(by, callback)
    now = timezone.now()
    text = _text(text, field="text", required=True)
    if department not in Department.values:
        raise Invalid(UNKNOWN_DEPARTMENT, field="department")
    with transaction.atomic():
        locked = Callback.objects.select_for_update(of=("self",)).get(pk=callback.pk)
        access.can_raise.enforce(by, locked)
        moment = recorded_moment(at, now=now, previous=locked.created_at)
        item = CallbackItem.objects.create(
            number=next_day_number(CallbackItemCounter, ITEM_PREFIX, now),
            callback=locked,
            customer_id=locked.customer_id,
            text=text,
            department=department,
            raised_at=moment,
            created_by=by,
            updated_at=now,
        )
        data = {"department": department, "item": item.number}
        timeline.record(
            subject=item, kind=CallbackEventKind.ITEM_RAISED, actor=by, text=text, at=moment,
            data=data,
        )  # fmt: skip
        timeline.record(
            subject=locked, kind=CallbackEventKind.ITEM_RAISED, actor=by, text=item.number,
            at=moment, data=data,
        )  # fmt: skip
    return item


def _previous_step(item: CallbackItem) -> dt.datetime:
    return max(m for m in (item.raised_at, item.solved_at, item.told_at) if m is not None)


def callback_item_solve(
    *, item: CallbackItem, by: User, solution: str, at: dt.datetime | None = None
) -> CallbackItem:
    """The department's solution: the customer must hear it within one business day."""
    access.can_solve.enforce_who(by, item)
    solution = _text(solution, field="solution", required=True)
    return take_step(
        item,
        by=by,
        predicate=access.can_solve,
        at=at,
        previous=_previous_step,
        status=CallbackItemStatus.SOLVED,
        field="solved_at",
        kind=CallbackEventKind.ITEM_SOLVED,
        text=solution,
        changes={"solution": solution},
        more=promises.start_told,
    )


def callback_item_tell(
    *, item: CallbackItem, by: User, at: dt.datetime | None = None
) -> CallbackItem:
    """The agent told the customer the solution: the "told" promise is kept or missed."""
    return take_step(
        item,
        by=by,
        predicate=access.can_tell,
        at=at,
        previous=_previous_step,
        status=CallbackItemStatus.TOLD,
        field="told_at",
        kind=CallbackEventKind.ITEM_TOLD,
        more=promises.complete_told,
    )


def callback_item_confirm(
    *,
    item: CallbackItem,
    by: User,
    satisfied: bool,
    text: str = "",
    at: dt.datetime | None = None,
) -> CallbackItem:
    """The customer's word on the solution: satisfied closes the problem; not satisfied sends
    it back to the department as a key problem (重点问题), the count of re-sends kept."""
    access.can_confirm.enforce_who(by, item)
    text = _text(text, field="text")
    if satisfied:
        return take_step(
            item,
            by=by,
            predicate=access.can_confirm,
            at=at,
            previous=_previous_step,
            status=CallbackItemStatus.CLOSED,
            field="closed_at",
            kind=CallbackEventKind.ITEM_CLOSED,
            text=text,
            more=promises.stop,
        )
    now = timezone.now()
    with transaction.atomic():
        locked = CallbackItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
        access.can_confirm.enforce(by, locked)
        moment = recorded_moment(at, now=now, previous=_previous_step(locked))
        locked.status = CallbackItemStatus.OPEN
        locked.key_problem = True
        locked.resent_count += 1
        locked.updated_at = now
        locked.save(update_fields=["status", "key_problem", "resent_count", "updated_at"])
        timeline.record(
            subject=locked,
            kind=CallbackEventKind.ITEM_RESENT,
            actor=by,
            text=text,
            at=moment,
            data={"resent_count": locked.resent_count},
        )
    return locked
