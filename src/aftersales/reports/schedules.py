"""Scheduled e-mail delivery of the written reports (issue 16): the schedules' services and
selectors, and the daily run that sends each closed period once.

Rules (decisions-schedules.md):
- Only staff holding reports.schedule_reports see or write schedules (contacts: 404, other
  staff: 403); they see every schedule, not only their own.
- A schedule's report is rendered as its creator would download it (the same `*_file`
  functions and access rules as the written-reports page): a creator who lost the right makes
  the run fail for that schedule, which is logged and retried the next day.
- A period's report is due from 07:00 local time (SEND_HOUR) on the first day after it closes.
- The first mail is the first period that becomes due after the schedule is created: the
  period already due then is stored as `last_period` (no back-filled reports).
- One mail per recipient, deduplicated in the outbox by (schedule, period, recipient), so a
  run repeated or interrupted never sends twice. Nothing is hard-deleted: deactivate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.contracts.models import ServiceContract
from aftersales.core import timeline
from aftersales.core.errors import Forbidden, Invalid, NotFound
from aftersales.notify.models import Channel
from aftersales.notify.services import notify_enqueue
from aftersales.registry.models import Customer
from aftersales.reports.major import major_report_file, require_report_reader
from aftersales.reports.models import ReportFormat, ReportKind, ReportSchedule
from aftersales.reports.quarterly import (
    QUARTERLY,
    YEARLY,
    customer_for_report,
    customer_report_file,
)
from aftersales.reports.weekly import engineer_for_report, weekly_report_file

logger = logging.getLogger(__name__)

SCHEDULE_REPORTS = "reports.schedule_reports"
SUBJECT_KIND = "report_schedule"
MAIL_KIND = "reports.scheduled"
MAX_RECIPIENTS = 20
# A period's report goes out from this local hour of the first day after it closes.
SEND_HOUR = 7
ADDRESS_MAX = 254
# The stored text: 20 addresses of at most 254 characters, one a line.
RECIPIENTS_TEXT_MAX = MAX_RECIPIENTS * (ADDRESS_MAX + 1)
CODE_MAX = 40
USERNAME_MAX = 150

CUSTOMER_KINDS = (ReportKind.QUARTERLY_CUSTOMER, ReportKind.YEARLY_CUSTOMER)

NOT_FOUND = _("No such report schedule.")
BAD_KIND = _("Choose a report.")
BAD_FORMAT = _("Format is pdf or xlsx.")
NO_RECIPIENTS = _("Give at least one e-mail address, one a line.")
TOO_MANY_RECIPIENTS = _("Give at most %(max)d e-mail addresses.")
BAD_RECIPIENT = _("Not a valid e-mail address: %(address)s")
CUSTOMER_REQUIRED = _("Choose the customer this report is about.")
CUSTOMER_UNKNOWN = _("No customer with this code.")
CONTRACT_UNKNOWN = _("This customer has no contract with this number.")
ENGINEER_REQUIRED = _("Choose the engineer this report is about.")
ENGINEER_UNKNOWN = _("No engineer with this username.")
TOO_LONG = _("Ensure this value has at most %(max)d characters.")

MAIL_SUBJECT = _("%(report)s %(period)s%(about)s")
MAIL_BODY = _(
    "Attached is the %(report)s for %(period)s%(about)s.\n\n"
    "This report is sent automatically after each period closes. "
    "To stop receiving it, ask the service manager who scheduled it."
)
NOTE_CREATED = _("Report schedule created: %(report)s to %(count)d recipient(s).")
NOTE_UPDATED = _("Report schedule changed.")
NOTE_DEACTIVATED = _("Report schedule deactivated.")
NOTE_SENT = _("%(report)s %(period)s sent to %(count)d recipient(s).")


class ScheduleEventKind:
    """Timeline kinds of a schedule (created/updated/deactivated are core's generic ones)."""

    CREATED = "created"
    UPDATED = "updated"
    DEACTIVATED = "deactivated"
    SENT = "sent"

    choices = [("sent", _("Report sent"))]


def register() -> None:
    """Make schedules timeline subjects (called from ReportsConfig.ready; safe to repeat)."""
    timeline.register_subject(ReportSchedule, SUBJECT_KIND, kinds=ScheduleEventKind.choices)


# --- periods --------------------------------------------------------------------------------


def sending_day(now: dt.datetime) -> dt.date:
    """The local day whose closed periods are due at `now`: before SEND_HOUR, yesterday."""
    return (timezone.localtime(now) - dt.timedelta(hours=SEND_HOUR)).date()


def last_closed_period(kind: str, today: dt.date) -> str:
    """The key of the last whole period before `today` (local date), as the report reads it.

    Weekly: the previous ISO week (Monday–Sunday), "YYYY-Www"; monthly: the previous month,
    "YYYY-MM"; quarterly: the previous quarter, "YYYY-Qn"; yearly: the previous year, "YYYY".
    Keys of one kind sort as their periods do, so `key <= last_period` means "already sent".
    """
    if kind == ReportKind.WEEKLY_ENGINEER:
        iso = (today - dt.timedelta(days=7)).isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if kind == ReportKind.MONTHLY_MAJOR:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return f"{last.year}-{last.month:02d}"
    if kind == ReportKind.QUARTERLY_CUSTOMER:
        quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last = quarter_start - dt.timedelta(days=1)
        return f"{last.year}-Q{(last.month - 1) // 3 + 1}"
    if kind == ReportKind.YEARLY_CUSTOMER:
        return str(today.year - 1)
    raise ValueError(f"unknown report kind {kind!r}")


# --- access ---------------------------------------------------------------------------------


def require_scheduler(user: Any) -> None:
    """Contacts (and anyone not staff) get 404; staff without schedule_reports 403."""
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)
    if not can(user, SCHEDULE_REPORTS):
        raise Forbidden(NOT_ALLOWED)


def can_schedule(user: Any) -> bool:
    return is_staff_member(user) and can(user, SCHEDULE_REPORTS)


def schedules_for_user(user: Any) -> QuerySet[ReportSchedule]:
    """Every schedule, active first, for a scheduler (404/403 for others)."""
    require_scheduler(user)
    return ReportSchedule.objects.select_related(
        "customer", "contract", "engineer", "created_by"
    ).order_by("-is_active", "kind", "pk")


def schedule_get_for_user(*, user: Any, pk: Any) -> ReportSchedule:
    require_scheduler(user)
    try:
        return schedules_for_user(user).get(pk=int(pk))
    except (ReportSchedule.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound(NOT_FOUND) from None


# --- validation -----------------------------------------------------------------------------


def parse_recipients(raw: str | Iterable[str] | None) -> list[str]:
    """Addresses from text (one a line; commas and semicolons also split) or a list.

    Blank lines are skipped and repeats (case-insensitive) dropped; each must be a valid
    address; between 1 and MAX_RECIPIENTS. Invalid names "recipients".
    """
    lines = raw if isinstance(raw, (list, tuple)) else re.split(r"[\r\n,;]+", str(raw or ""))
    addresses: list[str] = []
    seen: set[str] = set()
    for line in lines:
        address = str(line or "").strip()
        if not address or address.lower() in seen:
            continue
        shown = address[:80]
        if len(address) > ADDRESS_MAX or "\x00" in address:
            raise Invalid(BAD_RECIPIENT % {"address": shown}, field="recipients")
        try:
            validate_email(address)
        except ValidationError:
            raise Invalid(BAD_RECIPIENT % {"address": shown}, field="recipients") from None
        seen.add(address.lower())
        addresses.append(address)
    if not addresses:
        raise Invalid(NO_RECIPIENTS, field="recipients")
    if len(addresses) > MAX_RECIPIENTS:
        raise Invalid(TOO_MANY_RECIPIENTS % {"max": MAX_RECIPIENTS}, field="recipients")
    return addresses


def recipients_of(schedule: ReportSchedule) -> list[str]:
    return [line.strip() for line in schedule.recipients.splitlines() if line.strip()]


def _text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit or "\x00" in text:
        raise Invalid(TOO_LONG % {"max": limit}, field=field)
    return text


@dataclass
class _Subject:
    customer: Customer | None = None
    contract: ServiceContract | None = None
    engineer: Any = None


def _subject(*, by: Any, kind: str, customer: str, contract: str, engineer: str) -> _Subject:
    """The schedule's subject for its kind (other fields are ignored), checked as `by` would
    download the report: 422 naming the field for what is missing or unknown, 403 when the
    creator may not read the report."""
    if kind in CUSTOMER_KINDS:
        code = _text(customer, "customer", CODE_MAX)
        number = _text(contract, "contract", CODE_MAX)
        if not code:
            raise Invalid(CUSTOMER_REQUIRED, field="customer")
        found = Customer.objects.filter(code=code).first()
        if found is None:
            raise Invalid(CUSTOMER_UNKNOWN, field="customer")
        chosen = None
        if number:
            chosen = ServiceContract.objects.filter(number=number, customer=found).first()
            if chosen is None:
                raise Invalid(CONTRACT_UNKNOWN, field="contract")
        customer_for_report(user=by, code=code, contract=number)
        return _Subject(customer=found, contract=chosen)
    if kind == ReportKind.WEEKLY_ENGINEER:
        username = _text(engineer, "engineer", USERNAME_MAX)
        if not username:
            raise Invalid(ENGINEER_REQUIRED, field="engineer")
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not is_staff_member(user):
            raise Invalid(ENGINEER_UNKNOWN, field="engineer")
        engineer_for_report(user=by, username=username)
        return _Subject(engineer=user)
    require_report_reader(by)
    return _Subject()


def _kind(value: Any) -> str:
    kind = str(value or "").strip()
    if kind not in ReportKind.values:
        raise Invalid(BAD_KIND, field="kind")
    return kind


def _format(value: Any) -> str:
    fmt = str(value or ReportFormat.PDF).strip().lower()
    if fmt not in ReportFormat.values:
        raise Invalid(BAD_FORMAT, field="format")
    return fmt


# --- writes ---------------------------------------------------------------------------------


def schedule_create(
    *,
    by: Any,
    kind: str,
    recipients: str | Iterable[str],
    format: str = ReportFormat.PDF,
    customer: str = "",
    contract: str = "",
    engineer: str = "",
) -> ReportSchedule:
    """Schedule a report: validation first (422 naming the field, nothing written)."""
    require_scheduler(by)
    kind, fmt = _kind(kind), _format(format)
    subject = _subject(by=by, kind=kind, customer=customer, contract=contract, engineer=engineer)
    addresses = parse_recipients(recipients)
    now = timezone.now()
    with transaction.atomic():
        schedule = ReportSchedule.objects.create(
            kind=kind,
            format=fmt,
            customer=subject.customer,
            contract=subject.contract,
            engineer=subject.engineer,
            recipients="\n".join(addresses),
            is_active=True,
            last_period=last_closed_period(kind, sending_day(now)),
            created_by=by,
            created_at=now,
        )
        timeline.record(
            subject=schedule,
            kind=ScheduleEventKind.CREATED,
            actor=by,
            internal=True,
            at=now,
            text=_gettext(str(NOTE_CREATED))
            % {"report": schedule.get_kind_display(), "count": len(addresses)},
            data={"recipients": addresses, "format": fmt},
        )
    return schedule


_UNSET: Any = object()


def schedule_update(
    *,
    schedule: ReportSchedule,
    by: Any,
    recipients: str | Iterable[str] = _UNSET,
    format: str = _UNSET,
    is_active: bool = _UNSET,
) -> ReportSchedule:
    """Change the recipients or format, or reactivate; the subject and kind stay (schedule
    another report instead). A reactivated schedule starts after the period closed by now."""
    require_scheduler(by)
    changes: dict[str, Any] = {}
    if recipients is not _UNSET:
        changes["recipients"] = "\n".join(parse_recipients(recipients))
    if format is not _UNSET:
        changes["format"] = _format(format)
    if is_active is not _UNSET:
        changes["is_active"] = bool(is_active)
    now = timezone.now()
    with transaction.atomic():
        locked = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
        if changes.get("is_active") and not locked.is_active:
            changes["last_period"] = last_closed_period(locked.kind, sending_day(now))
        before = timeline.snapshot(locked, changes)
        for name, value in changes.items():
            setattr(locked, name, value)
        diff = timeline.changes_between(before, timeline.snapshot(locked, changes))
        if diff:
            locked.save(update_fields=list(changes))
            timeline.record(
                subject=locked,
                kind=ScheduleEventKind.UPDATED,
                actor=by,
                internal=True,
                at=now,
                text=_gettext(str(NOTE_UPDATED)),
                changes=diff,
            )
    return locked


def schedule_deactivate(*, schedule: ReportSchedule, by: Any) -> ReportSchedule:
    """Stop sending; the row and its history stay. Deactivating twice changes nothing."""
    require_scheduler(by)
    now = timezone.now()
    with transaction.atomic():
        locked = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
            timeline.record(
                subject=locked,
                kind=ScheduleEventKind.DEACTIVATED,
                actor=by,
                internal=True,
                at=now,
                text=_gettext(str(NOTE_DEACTIVATED)),
                changes={"is_active": [True, False]},
            )
    return locked


# --- the daily run --------------------------------------------------------------------------


def render_for_creator(schedule: ReportSchedule, period: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the schedule's report for `period`, exactly as
    its creator would download it (their access rules; 403/404 if they lost the right)."""
    user = schedule.created_by
    if schedule.kind in CUSTOMER_KINDS:
        return customer_report_file(
            user=user,
            code=schedule.customer.code if schedule.customer else "",
            kind=QUARTERLY if schedule.kind == ReportKind.QUARTERLY_CUSTOMER else YEARLY,
            period=period,
            fmt=schedule.format,
            contract=schedule.contract.number if schedule.contract else "",
        )
    if schedule.kind == ReportKind.WEEKLY_ENGINEER:
        return weekly_report_file(
            user=user,
            username=schedule.engineer.get_username() if schedule.engineer else "",
            week=period,
            fmt=schedule.format,
        )
    return major_report_file(user=user, month=period, fmt=schedule.format)


def _about(schedule: ReportSchedule) -> str:
    if schedule.customer:
        contract = f" {schedule.contract.number}" if schedule.contract else ""
        return f" — {schedule.customer.name}{contract}"
    if schedule.engineer:
        engineer = schedule.engineer
        return f" — {engineer.get_full_name() or engineer.get_username()}"
    return ""


def _dedupe_key(schedule: ReportSchedule, period: str, address: str) -> str:
    # Addresses may be 254 characters long; the outbox key holds 200.
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
    return f"{SUBJECT_KIND}:{schedule.pk}:{period}:{digest}"


def schedule_send(*, schedule_id: int, now: dt.datetime | None = None) -> str:
    """Send the schedule's last closed period if it has not been sent; return the period sent
    or "" when there was nothing to do. Raises whatever rendering raised (nothing written).

    The report is rendered before any row is locked (architecture rule 9); the lock then
    re-checks, so two runs at once send once. The file, one outbox mail per recipient and the
    new last_period commit together.
    """
    now = now or timezone.now()
    schedule = ReportSchedule.objects.select_related(
        "customer", "contract", "engineer", "created_by"
    ).get(pk=schedule_id)
    period = last_closed_period(schedule.kind, sending_day(now))
    if not schedule.is_active or period <= schedule.last_period:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        content, _content_type, filename = render_for_creator(schedule, period)
        report = str(schedule.get_kind_display())
        names = {"report": report, "period": period, "about": _about(schedule)}
        subject, body = _gettext(str(MAIL_SUBJECT)) % names, _gettext(str(MAIL_BODY)) % names
        note = _gettext(str(NOTE_SENT))
    stored = ""
    try:
        with transaction.atomic():
            locked = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
            if not locked.is_active or period <= locked.last_period:
                return ""
            stored = default_storage.save(
                f"reports/sent/{locked.pk}/{period}/{filename}", ContentFile(content)
            )
            addresses = recipients_of(locked)
            for address in addresses:
                notify_enqueue(
                    channel=Channel.EMAIL,
                    address=address,
                    subject=subject,
                    body=body,
                    kind=MAIL_KIND,
                    ref_type=SUBJECT_KIND,
                    ref_id=str(locked.pk),
                    dedupe_key=_dedupe_key(locked, period, address),
                    attachment_path=stored,
                    attachment_name=filename,
                )
            locked.last_period = period
            locked.save(update_fields=["last_period"])
            timeline.record(
                subject=locked,
                kind=ScheduleEventKind.SENT,
                internal=True,
                at=now,
                text=note % {"report": report, "period": period, "count": len(addresses)},
                data={"period": period, "file": stored, "recipients": len(addresses)},
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return period


@dataclass
class SendReport:
    sent: list[tuple[int, str]]
    failed: list[int]


def schedules_send_due(*, now: dt.datetime | None = None) -> SendReport:
    """The periodic run: every active schedule whose last closed period is due and not yet
    sent. A schedule whose report fails is logged and left as it was, so the next run tries
    again; the others go on.
    """
    now = now or timezone.now()
    report = SendReport(sent=[], failed=[])
    ids = list(
        ReportSchedule.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    for pk in ids:
        try:
            period = schedule_send(schedule_id=pk, now=now)
        except Exception:
            logger.exception("report schedule %s failed; it is tried again on the next run", pk)
            report.failed.append(pk)
        else:
            if period:
                report.sent.append((pk, period))
    return report
