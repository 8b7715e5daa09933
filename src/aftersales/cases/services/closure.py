"""Ending a case: the customer's confirmation or rejection, close, cancel, reopen, auto-close."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t

from aftersales.accounts.models import User
from aftersales.cases import access, deadlines, notifications
from aftersales.cases.models import ActivityKind, Case, Status
from aftersales.cases.services.common import (
    lock_case,
    record,
    require,
    required_text,
    save_case,
)


def auto_close_days() -> int:
    """Days a resolved case waits for the customer before it closes itself."""
    from django.conf import settings

    return int(getattr(settings, "CASE_AUTO_CLOSE_DAYS", 7))


def _close(case: Case, *, by: User | None, kind: str, now: dt.datetime, text: str) -> None:
    case.status = Status.CLOSED
    case.closed_at = now
    case.auto_close_at = None
    save_case(case, now, "status", "closed_at", "auto_close_at")
    deadlines.on_close(case, now)
    record(case, by=by, kind=kind, now=now, text=text)


@transaction.atomic
def case_confirm(*, case: Case, by: User, text: str = "", version: int | None = None) -> Case:
    """The customer accepts the resolution (staff may record a phone confirmation)."""
    case = lock_case(case, version=version, action="confirm", by=by, may=access.can_confirm)
    _close(case, by=by, kind=ActivityKind.CONFIRMED, now=timezone.now(), text=text.strip())
    return case


@transaction.atomic
def case_reject(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """The customer says the problem is not solved: work starts again."""
    text = required_text(text)
    case = lock_case(case, version=version, action="reject", by=by, may=access.can_reject)
    now = timezone.now()
    case.status = Status.IN_PROGRESS
    case.auto_close_at = None
    save_case(case, now, "status", "auto_close_at")
    deadlines.on_reopen(case, now)
    record(case, by=by, kind=ActivityKind.REJECTED, now=now, text=text)
    notifications.reopened(case, by=by)
    return case


@transaction.atomic
def case_close(*, case: Case, by: User, text: str = "", version: int | None = None) -> Case:
    """Close a resolved case; closers may also cancel an open one (duplicate, withdrawn)."""
    locked = Case.objects.get(pk=case.pk)
    if locked.status == Status.RESOLVED:
        case = lock_case(case, version=version, action="close", by=by, may=access.can_close)
    else:
        # Refused before the text is read: cancelling is for closers only.
        require(access.can_cancel, by, locked)
        text = required_text(text)
        case = lock_case(case, version=version, action="cancel")
    _close(case, by=by, kind=ActivityKind.CLOSED, now=timezone.now(), text=text.strip())
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """Reopen a resolved or closed case: back to its engineer, or to the queue if none."""
    text = required_text(text)
    case = lock_case(case, version=version, action="reopen", by=by, may=access.can_reopen)
    now = timezone.now()
    case.status = Status.IN_PROGRESS if case.assignee_id else Status.NEW
    case.closed_at = None
    case.auto_close_at = None
    save_case(case, now, "status", "closed_at", "auto_close_at")
    deadlines.on_reopen(case, now)
    record(case, by=by, kind=ActivityKind.REOPENED, now=now, text=text)
    notifications.reopened(case, by=by)
    return case


AUTO_CLOSE_NOTICE_BEFORE = dt.timedelta(days=1)


def cases_auto_close_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """Warn customers a day before, then close resolved cases; returns (notices sent, closed).

    Each case is claimed under a row lock, so two sweeps at once never close a case twice."""
    now = now or timezone.now()
    resolved = Case.objects.filter(status=Status.RESOLVED, auto_close_at__isnull=False)
    notices = closed = 0
    due_notice = resolved.filter(
        auto_close_notice_sent=False, auto_close_at__lte=now + AUTO_CLOSE_NOTICE_BEFORE
    ).values_list("pk", flat=True)[:limit]
    for pk in list(due_notice):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.RESOLVED, auto_close_notice_sent=False)
                .first()
            )
            if case is None:
                continue
            case.auto_close_notice_sent = True
            case.save(update_fields=["auto_close_notice_sent"])
            record(
                case,
                by=None,
                kind=ActivityKind.NOTICE,
                now=now,
                text=_t("The case will close automatically on %(date)s unless you object.")
                % {"date": timezone.localtime(case.auto_close_at).strftime("%Y-%m-%d %H:%M")},
            )
            notifications.auto_close_notice(case)
            notices += 1
    due_close = resolved.filter(auto_close_at__lte=now).values_list("pk", flat=True)[:limit]
    for pk in list(due_close):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.RESOLVED, auto_close_at__lte=now)
                .first()
            )
            if case is None:
                continue
            _close(
                case,
                by=None,
                kind=ActivityKind.CLOSED,
                now=now,
                text=_t("Closed automatically: no objection to the resolution."),
            )
            closed += 1
    return notices, closed
