"""Working a case towards its resolution: respond, diagnose, wait and resume, RMA, resolve."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.cases import deadlines, notifications
from aftersales.cases.models import ActivityKind, Case, Status
from aftersales.cases.services.closure import auto_close_days
from aftersales.cases.services.common import (
    lock_for_work,
    record,
    required_text,
    resume_case,
    save_case,
)


@transaction.atomic
def case_respond(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """The engineer first contacts the customer: the response clock stops here."""
    text = required_text(text)
    case = lock_for_work(case, by=by, version=version, action="respond")
    now = timezone.now()
    case.status = Status.RESPONDED
    case.responded_at = case.responded_at or now
    save_case(case, now, "status", "responded_at")
    deadlines.on_respond(case, now)
    record(case, by=by, kind=ActivityKind.RESPONDED, now=now, text=text)
    return case


@transaction.atomic
def case_diagnose(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """The fault is diagnosed (确诊): work goes on towards the resolution."""
    text = required_text(text)
    case = lock_for_work(case, by=by, version=version, action="diagnose")
    now = timezone.now()
    case.status = Status.IN_PROGRESS
    case.diagnosed_at = case.diagnosed_at or now
    save_case(case, now, "status", "diagnosed_at")
    deadlines.on_diagnose(case, now)
    record(case, by=by, kind=ActivityKind.STARTED, now=now, text=text, data={"diagnosis": True})
    return case


@transaction.atomic
def case_wait(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """Wait for the customer (information, access, a test window); the SLA clocks pause."""
    text = required_text(text)
    case = lock_for_work(case, by=by, version=version, action="wait")
    now = timezone.now()
    case.status = Status.WAITING
    save_case(case, now, "status")
    deadlines.on_wait(case, now)
    record(case, by=by, kind=ActivityKind.WAITING, now=now, text=text)
    return case


@transaction.atomic
def case_resume(*, case: Case, by: User, text: str = "", version: int | None = None) -> Case:
    """Stop waiting for the customer: the paused SLA clocks run again."""
    case = lock_for_work(case, by=by, version=version, action="resume")
    resume_case(case, by=by, now=timezone.now(), text=text.strip())
    return case


@transaction.atomic
def case_hand_to_rma(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """Hand the hardware part to the RMA desk; the RMA record fills in the reference."""
    text = required_text(text)
    case = lock_for_work(case, by=by, version=version, action="rma")
    now = timezone.now()
    case.rma_requested = True
    save_case(case, now, "rma_requested")
    record(case, by=by, kind=ActivityKind.RMA, now=now, text=text)
    notifications.handed_to_rma(case, text=text, by=by)
    return case


def case_rma_opened(*, case: Case, by: User, number: str, text: str) -> Case:
    """The RMA desk opened RMA `number` for this case (called inside its transaction): the
    case's RMA reference, and a row on its timeline the customer sees (their return code)."""
    now = timezone.now()
    case.rma_requested = True
    case.rma_reference = number
    save_case(case, now, "rma_requested", "rma_reference")
    record(case, by=by, kind=ActivityKind.RMA, now=now, text=text, data={"rma": number})
    return case


@transaction.atomic
def case_resolve(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """Record the solution; the customer confirms, or the case closes itself after a while."""
    text = required_text(text)
    case = lock_for_work(case, by=by, version=version, action="resolve")
    now = timezone.now()
    case.status = Status.RESOLVED
    case.resolution = text
    case.resolved_at = now
    case.diagnosed_at = case.diagnosed_at or now
    case.auto_close_at = now + dt.timedelta(days=auto_close_days())
    case.auto_close_notice_sent = False
    save_case(
        case,
        now,
        "status",
        "resolution",
        "resolved_at",
        "diagnosed_at",
        "auto_close_at",
        "auto_close_notice_sent",
    )
    deadlines.on_resolve(case, now)
    record(case, by=by, kind=ActivityKind.RESOLVED, now=now, text=text)
    notifications.resolved(case)
    return case
