"""Service supervision (服务监督, seed 001): sampled quality checks of closed cases and of
callbacks, by a mystery customer (伪装客户抽检), counter-supervision (反监督) or a review of the
records, each with a score of 0–100 and the person checked.

A check is kept from the person checked: it is its own timeline subject ("quality_check"),
never a row on the case's or the callback's timeline, which engineers and agents read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, is_staff_member
from aftersales.accounts.models import User
from aftersales.accounts.predicates import staff_with
from aftersales.cases.models import OPEN_STATUSES, Case
from aftersales.core import timeline
from aftersales.core.db import id_or_none
from aftersales.core.errors import Forbidden, Invalid
from aftersales.core.moments import recorded_moment
from aftersales.core.schema_types import LONG_TEXT_MAX, bounded_text
from aftersales.feedback.models import Callback, CheckMethod, CheckSubject, QualityCheck

VIEW = "feedback.view_qualitycheck"
ADD = "feedback.add_qualitycheck"
SCORE_MIN, SCORE_MAX = 0, 100

REQUIRED = _("This field is required.")
UNKNOWN_SUBJECT_KIND = _("Choose a closed case or a callback.")
UNKNOWN_METHOD = _("Choose mystery customer, counter-supervision or record review.")
UNKNOWN_CASE = _("No such case.")
CASE_NOT_CLOSED = _("Only closed cases are checked.")
UNKNOWN_CALLBACK = _("No such callback.")
SCORE_OUT_OF_RANGE = _("Give a score from 0 to 100.")
UNKNOWN_PERSON = _("No such member of staff.")
CHECKED = _("Quality check (%(method)s): %(score)s/100")

can_view = staff_with(VIEW)
can_add = staff_with(ADD)


def _subject(kind: str, subject: str) -> tuple[int, int, Any]:
    """(subject id, customer id, who did the work) of the case or callback checked."""
    if kind == CheckSubject.CASE:
        case = Case.objects.filter(number=(subject or "").strip()).first()
        if case is None:
            raise Invalid(UNKNOWN_CASE, field="subject")
        if case.status in OPEN_STATUSES:
            raise Invalid(CASE_NOT_CLOSED, field="subject")
        return case.pk, case.customer_id, case.assignee
    if kind == CheckSubject.CALLBACK:
        pk = id_or_none(subject)
        callback = Callback.objects.filter(pk=pk).select_related("agent").first() if pk else None
        if callback is None:
            raise Invalid(UNKNOWN_CALLBACK, field="subject")
        return callback.pk, callback.customer_id, callback.agent
    raise Invalid(UNKNOWN_SUBJECT_KIND, field="subject_kind")


def _person(username: str, default: Any) -> Any:
    username = (username or "").strip()
    if not username:
        return default
    person = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None or not is_staff_member(person):
        raise Invalid(UNKNOWN_PERSON, field="person_checked")
    return person


def quality_check_record(
    *,
    by: User,
    subject_kind: str,
    subject: str,
    method: str,
    score: int,
    person_checked: str = "",
    findings: str = "",
    at: dt.datetime | None = None,
) -> QualityCheck:
    """Record one sampled check; the person checked defaults to the case's engineer or the
    callback's agent."""
    if not can_add(by, None):
        raise Forbidden(NOT_ALLOWED)
    now = timezone.now()
    if method not in CheckMethod.values:
        raise Invalid(UNKNOWN_METHOD, field="method")
    if isinstance(score, bool) or not isinstance(score, int):
        raise Invalid(SCORE_OUT_OF_RANGE, field="score")
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise Invalid(SCORE_OUT_OF_RANGE, field="score")
    subject_id, customer_id, worker = _subject(subject_kind, str(subject or ""))
    person = _person(person_checked, worker)
    findings = bounded_text((findings or "").strip(), field="findings", limit=LONG_TEXT_MAX)
    checked_at = recorded_moment(at, now=now)
    with transaction.atomic():
        check = QualityCheck.objects.create(
            subject_kind=subject_kind,
            subject_id=subject_id,
            customer_id=customer_id,
            method=method,
            score=score,
            person_checked=person,
            findings=findings,
            checked_at=checked_at,
            checked_by=by,
        )
        label = CheckMethod(method).label
        timeline.record(
            subject=check,
            kind="created",
            actor=by,
            text=str(CHECKED % {"method": label, "score": score}),
            at=checked_at,
            internal=True,
            data={"subject_kind": subject_kind, "subject_id": subject_id},
        )
    return check


@dataclass(frozen=True)
class QualityFilters:
    subject_kind: str = ""
    method: str = ""
    person: str = ""


def quality_checks_for_user(*, user: Any, filters: QualityFilters) -> QuerySet[QualityCheck]:
    """The checks, newest first, for supervisors holding view_qualitycheck (else 403)."""
    if not can_view(user, None):
        raise Forbidden(NOT_ALLOWED)
    qs = QualityCheck.objects.select_related("customer", "person_checked", "checked_by")
    if filters.subject_kind:
        qs = qs.filter(subject_kind=filters.subject_kind)
    if filters.method:
        qs = qs.filter(method=filters.method)
    if filters.person:
        qs = qs.filter(person_checked__username=filters.person)
    return qs.order_by("-checked_at", "-pk")


def subject_labels(checks: list[QualityCheck]) -> dict[int, str]:
    """Each check's subject as people name it (the case number, "#id" of a callback), in one
    query a kind."""
    case_ids = [c.subject_id for c in checks if c.subject_kind == CheckSubject.CASE]
    numbers = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "number"))
    return {
        c.pk: numbers.get(c.subject_id, "")
        if c.subject_kind == CheckSubject.CASE
        else f"#{c.subject_id}"
        for c in checks
    }
