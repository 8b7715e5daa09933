"""Time spent on a case (work log), for appraisal: logged in minutes, voided, never deleted.

Work log rows on the case's timeline are internal: customers never see the work log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.accounts.models import User
from aftersales.cases import access
from aftersales.cases.models import ActivityKind, Case, WorkLog
from aftersales.core import timeline
from aftersales.core.errors import Conflict, Forbidden, Invalid, NotFound
from aftersales.core.parser import NUL_REFUSED

MINUTES_MIN, MINUTES_MAX = 1, 1440
NOTE_MAX = 300

NOT_FOUND = _("Not found.")
BAD_MINUTES = _("Enter the minutes spent, from 1 to 1440.")
IN_FUTURE = _("The day worked cannot be in the future.")
BEFORE_CASE = _("The day worked cannot be before the case was opened.")
NOTE_TOO_LONG = _("Write at most %(limit)s characters.")
ALREADY_VOIDED = _("This entry is voided already.")


def can_log_work(user: Any, case: Case) -> bool:
    """Staff who work or edit cases and can see this one."""
    return (
        is_staff_member(user)
        and (can(user, access.WORK) or can(user, access.CHANGE))
        and access.can_view(user, case)
    )


def can_void_work_log(user: Any, entry: WorkLog) -> bool:
    """One's own entry, or any entry for a manager who edits cases."""
    if not is_staff_member(user):
        return False
    return (entry.user_id == user.pk and can_log_work(user, entry.case)) or can(user, access.CHANGE)


def can_read_work_log(user: Any, case: Case) -> bool:
    """Staff who may see the case; never its customer."""
    return is_staff_member(user) and access.can_view(user, case)


# --- reads --------------------------------------------------------------------------------


def work_log_for_case(*, user: Any, case: Case) -> QuerySet[WorkLog]:
    """The case's entries, voided ones too (they show struck through), oldest day first."""
    if not can_read_work_log(user, case):
        raise NotFound(NOT_FOUND)
    return WorkLog.objects.filter(case=case).select_related("user", "voided_by")


def total_minutes(entries: QuerySet[WorkLog]) -> int:
    """Minutes of the entries that are not voided."""
    return entries.filter(voided_at__isnull=True).aggregate(total=Sum("minutes"))["total"] or 0


def work_log_get(*, user: Any, case: Case, pk: int) -> WorkLog:
    entry = work_log_for_case(user=user, case=case).filter(pk=pk).first()
    if entry is None:
        raise NotFound(NOT_FOUND)
    return entry


def minutes_by_user(*, start: dt.date, end: dt.date) -> dict[int, int]:
    """Minutes worked per user id on days start <= worked_on < end (half-open, so months and
    quarters chain without overlap), voided entries left out. Not scoped: reports scope it."""
    rows = (
        WorkLog.objects.filter(worked_on__gte=start, worked_on__lt=end, voided_at__isnull=True)
        .values("user_id")
        .annotate(total=Sum("minutes"))
        .order_by("user_id")
    )
    return {row["user_id"]: row["total"] for row in rows}


# --- writes -------------------------------------------------------------------------------


def _check(*, case: Case, minutes: Any, worked_on: dt.date, note: str) -> str:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise Invalid(BAD_MINUTES, field="minutes")
    if not MINUTES_MIN <= minutes <= MINUTES_MAX:
        raise Invalid(BAD_MINUTES, field="minutes")
    if worked_on > timezone.localdate():
        raise Invalid(IN_FUTURE, field="worked_on")
    if worked_on < timezone.localdate(case.created_at):
        raise Invalid(BEFORE_CASE, field="worked_on")
    note = (note or "").strip()
    if "\x00" in note:
        raise Invalid(NUL_REFUSED, field="note")
    if len(note) > NOTE_MAX:
        raise Invalid(NOTE_TOO_LONG % {"limit": NOTE_MAX}, field="note")
    return note


@transaction.atomic
def work_log_add(
    *, case: Case, by: User, minutes: int, worked_on: dt.date | None = None, note: str = ""
) -> WorkLog:
    """Log `minutes` (1..1440) worked on `worked_on` (default today; not in the future, not
    before the case was opened). Customers learn nothing of the work log (404)."""
    if not can_read_work_log(by, case):
        raise NotFound(NOT_FOUND)
    if not can_log_work(by, case):
        raise Forbidden(NOT_ALLOWED)
    worked_on = worked_on or timezone.localdate()
    note = _check(case=case, minutes=minutes, worked_on=worked_on, note=note)
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    entry = WorkLog.objects.create(
        case=case, user=by, minutes=minutes, worked_on=worked_on, note=note, created_at=now
    )
    timeline.record(
        subject=case,
        kind=ActivityKind.WORK_LOGGED,
        actor=by,
        at=now,
        text=_t("%(minutes)s min on %(day)s") % {"minutes": minutes, "day": worked_on},
        internal=True,
        data={"work_log": entry.pk, "minutes": minutes, "worked_on": worked_on.isoformat()},
        customer_id=case.customer_id,
    )
    return entry


@transaction.atomic
def work_log_void(*, entry: WorkLog, by: User) -> WorkLog:
    """Void a wrong entry (one's own, or any for a manager): it stays, struck through, and
    no longer counts."""
    entry = WorkLog.objects.select_for_update().select_related("case").get(pk=entry.pk)
    if not can_void_work_log(by, entry):
        raise Forbidden(NOT_ALLOWED)
    if entry.voided_at is not None:
        raise Conflict(ALREADY_VOIDED)
    now = timezone.now()
    entry.voided_at, entry.voided_by = now, by
    entry.save(update_fields=["voided_at", "voided_by"])
    timeline.record(
        subject=entry.case,
        kind=ActivityKind.WORK_LOGGED,
        actor=by,
        at=now,
        text=_t("Voided: %(minutes)s min on %(day)s")
        % {"minutes": entry.minutes, "day": entry.worked_on},
        internal=True,
        data={"work_log": entry.pk, "voided": True},
        customer_id=entry.case.customer_id,
    )
    return entry
