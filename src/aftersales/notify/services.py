"""Every write on the outbox: enqueue in the caller's transaction, deliver from the worker.

Delivery is at-least-once up to the moment a row is marked sent and never after: a claim
moves a row pending → sending, a send success marks it sent whatever happened meanwhile,
and only pending rows are ever claimed.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import os
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Conflict, Invalid
from aftersales.lib.phones import normalize_phone
from aftersales.notify import notices
from aftersales.notify.models import Channel, OutboxMessage, Status
from aftersales.notify.sms import sms_send

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Wait after the 1st, 2nd, 3rd and 4th failed attempt; the 5th failure is final.
BACKOFF_MINUTES = (1, 5, 15, 60)
# A worker that claimed a row and vanished (killed, machine lost) frees it after this.
STUCK_AFTER = dt.timedelta(minutes=10)
# Delivered this long after it was due: flagged so staff see the outbox was behind.
LATE_AFTER = dt.timedelta(minutes=15)

# Stored reasons are data, kept in English; the console shows them as they are.
NO_ADDRESS = "no address"
INVALID_ADDRESS = "invalid address"
INACTIVE_RECIPIENT = "recipient inactive"
INTERRUPTED = "interrupted while sending (worker stopped)"

BAD_CHANNEL = _("Choose e-mail or SMS.")
REQUIRED = _("This field is required.")
TOO_LONG = _("Ensure this value has at most %(max)d characters.")
NOT_FAILED = _("Only failed messages can be retried.")
STILL_NO_ADDRESS = _("The recipient still has no usable address.")

_WHITESPACE = re.compile(r"\s+")


def _backoff(attempts: int) -> dt.timedelta:
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return dt.timedelta(minutes=BACKOFF_MINUTES[index])


def _profile_value(user: Any, relation: str, field: str) -> str:
    try:
        return getattr(getattr(user, relation), field) or ""
    except ObjectDoesNotExist:
        return ""


def address_for_user(*, channel: str, user: Any) -> str:
    """The user's e-mail or phone: the login first, then the Engineer or Contact profile."""
    if user is None:
        return ""
    field = "email" if channel == Channel.EMAIL else "phone"
    candidates = [
        getattr(user, field, "") or "",
        _profile_value(user, "engineer", field),
        _profile_value(user, "contact", field),
    ]
    return next((c.strip() for c in candidates if c.strip()), "")


def _clean_address(channel: str, address: str) -> tuple[str, str]:
    """Return (address to store, failure reason or "")."""
    address = (address or "").strip()
    if not address:
        return "", NO_ADDRESS
    if channel == Channel.SMS:
        digits = normalize_phone(address)
        return (digits, "") if len(digits) >= 7 else (address[:254], INVALID_ADDRESS)
    try:
        validate_email(address)
    except ValidationError:
        return address[:254], INVALID_ADDRESS
    return address, ""


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise Invalid(TOO_LONG % {"max": limit}, field=field)


def _schedule_delivery(not_before: dt.datetime) -> None:
    # Imported late: tasks import this module.
    from aftersales.notify import tasks

    if not_before > timezone.now() + dt.timedelta(seconds=5):
        tasks.deliver_outbox.schedule(eta=not_before)
    else:
        tasks.deliver_outbox()


def _existing(dedupe_key: str) -> OutboxMessage | None:
    return OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()


@transaction.atomic
def notify_enqueue(
    *,
    channel: str,
    to_user: Any = None,
    address: str = "",
    subject: str,
    body: str,
    kind: str,
    ref_type: str = "",
    ref_id: str = "",
    dedupe_key: str = "",
    not_before: dt.datetime | None = None,
    html_body: str = "",
    attachment_path: str = "",
    attachment_name: str = "",
) -> OutboxMessage:
    """Record one notification in the caller's transaction; it is delivered after commit.

    attachment_path names a file in the default storage that an e-mail carries along.

    Never sends and never raises for a missing or bad address: the row is stored as failed
    with the reason so it shows in the outbox. A dedupe_key seen before returns that row.
    """
    if channel not in Channel.values:
        raise Invalid(BAD_CHANNEL, field="channel")
    subject = _WHITESPACE.sub(" ", subject or "").strip()  # headers cannot carry newlines
    body = (body or "").strip()
    kind = (kind or "").strip()
    if not body:
        raise Invalid(REQUIRED, field="body")
    if not kind:
        raise Invalid(REQUIRED, field="kind")
    for field, value, limit in (
        ("subject", subject, 255),
        ("kind", kind, 64),
        ("ref_type", ref_type, 40),
        ("ref_id", ref_id, 64),
        ("dedupe_key", dedupe_key, 200),
    ):
        _check_length(field, value, limit)

    if dedupe_key and (found := _existing(dedupe_key)) is not None:
        return found

    now = timezone.now()
    not_before = max(not_before or now, now)
    resolved, reason = _clean_address(
        channel, address or address_for_user(channel=channel, user=to_user)
    )
    if not reason and to_user is not None and not to_user.is_active:
        reason = INACTIVE_RECIPIENT
    message = OutboxMessage(
        channel=channel,
        to_user=to_user,
        address=resolved,
        subject=subject,
        body=body,
        html_body=html_body or "",
        attachment_path=attachment_path if channel == Channel.EMAIL else "",
        attachment_name=attachment_name,
        kind=kind,
        ref_type=ref_type,
        ref_id=ref_id,
        dedupe_key=dedupe_key,
        status=Status.FAILED if reason else Status.PENDING,
        last_error=reason,
        not_before=not_before,
        due_at=not_before,
        created_at=now,
    )
    try:
        # A savepoint: losing the race on dedupe_key must not break the caller's transaction.
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        found = _existing(dedupe_key) if dedupe_key else None
        if found is None:
            raise
        return found
    notices.notice_from_message(message)  # the bell's copy for staff, in the same transaction
    if reason:
        logger.warning("outbox %s (%s) not deliverable: %s", message.pk, kind, reason)
    else:
        transaction.on_commit(partial(_schedule_delivery, not_before), robust=True)
    return message


@transaction.atomic
def outbox_cancel(*, ref_type: str, ref_id: str, kind: str = "") -> int:
    """Cancel the pending messages of one reference (one kind, or all); return how many.

    For reminders that lost their point (the engineer responded); rows already being sent
    or sent are left alone.
    """
    qs = OutboxMessage.objects.filter(ref_type=ref_type, ref_id=ref_id, status=Status.PENDING)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(status=Status.CANCELLED, claimed_at=None)


@transaction.atomic
def outbox_retry(*, message: OutboxMessage, by: Any) -> OutboxMessage:
    """Put a failed message back in the queue now, with a fresh set of attempts.

    A message that failed for want of an address looks the recipient up again.
    """
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != Status.FAILED:
        raise Conflict(NOT_FAILED)
    address = message.address
    if message.last_error in (NO_ADDRESS, INVALID_ADDRESS, INACTIVE_RECIPIENT):
        address, reason = _clean_address(
            message.channel,
            address_for_user(channel=message.channel, user=message.to_user) or message.address,
        )
        if reason or (message.to_user is not None and not message.to_user.is_active):
            raise Conflict(STILL_NO_ADDRESS)
    now = timezone.now()
    message.address = address
    message.status = Status.PENDING
    message.attempts = 0
    message.not_before = now
    message.claimed_at = None
    message.save(update_fields=["address", "status", "attempts", "not_before", "claimed_at"])
    logger.info("outbox %s retried by %s", message.pk, by)
    transaction.on_commit(partial(_schedule_delivery, now), robust=True)
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0


def _release_stuck(now: dt.datetime) -> int:
    stuck = OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER)
    released = stuck.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=Status.PENDING, not_before=now, claimed_at=None, last_error=INTERRUPTED
    )
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, claimed_at=None, last_error=INTERRUPTED
    )
    if released:
        logger.warning("outbox: %s message(s) stuck in sending went back to pending", released)
    return released


def _claim_next(now: dt.datetime) -> OutboxMessage | None:
    """Move the oldest due row from pending to sending, or return None when none is left."""
    while True:
        with transaction.atomic():
            # PostgreSQL: locked rows are skipped, so parallel workers take different rows.
            # SQLite ignores FOR UPDATE; its IMMEDIATE transactions and the conditional
            # UPDATE below make "another process got there first" a clean miss instead.
            candidate = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status=Status.PENDING, not_before__lte=now)
                .order_by("not_before", "id")
                .first()
            )
            if candidate is None:
                return None
            claimed_at = timezone.now()
            won = OutboxMessage.objects.filter(pk=candidate.pk, status=Status.PENDING).update(
                status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=claimed_at
            )
        if won:
            candidate.refresh_from_db()
            return candidate


class _Mailer:
    """One SMTP connection for a whole run, reopened after a failure."""

    def __init__(self) -> None:
        self.connection = None

    def send(self, message: OutboxMessage) -> None:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers={
                "Auto-Submitted": "auto-generated",  # RFC 3834: no auto-replies to us
                "X-Aftersales-Kind": message.kind,
                "X-Aftersales-Ref": message.reference,
            },
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        if message.attachment_path:
            name = message.attachment_name or os.path.basename(message.attachment_path)
            with default_storage.open(message.attachment_path, "rb") as stored:
                content = stored.read()
            email.attach(name, content, mimetypes.guess_type(name)[0] or "application/octet-stream")
        try:
            if self.connection is None:
                self.connection = get_connection(fail_silently=False)
                self.connection.open()
            email.connection = self.connection
            email.send(fail_silently=False)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # a broken connection may fail to close too; it is dropped anyway
                logger.debug("closing the SMTP connection failed", exc_info=True)
            self.connection = None


def _mark_sent(message: OutboxMessage) -> None:
    sent_at = timezone.now()
    # Also from pending: if this row was released as stuck meanwhile, it went out all the same
    # and must not be sent again.
    OutboxMessage.objects.filter(pk=message.pk, status__in=[Status.SENDING, Status.PENDING]).update(
        status=Status.SENT,
        sent_at=sent_at,
        claimed_at=None,
        last_error="",
        late=sent_at - message.due_at > LATE_AFTER,
    )


def _mark_failed(message: OutboxMessage, error: str) -> bool:
    """Record a failed attempt; return True when the message will be retried."""
    now = timezone.now()
    retry = message.attempts < MAX_ATTEMPTS
    fields: dict[str, Any] = {"claimed_at": None, "last_error": error[:2000]}
    if retry:
        fields.update(status=Status.PENDING, not_before=now + _backoff(message.attempts))
    else:
        fields.update(status=Status.FAILED)
    # Only our own claim: a row released and claimed again belongs to that other worker.
    OutboxMessage.objects.filter(
        pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at
    ).update(**fields)
    return retry


def outbox_deliver_due(*, now: dt.datetime | None = None, limit: int = 200) -> DeliveryReport:
    """Send up to `limit` due messages, one claim at a time; safe to run on many workers."""
    now = now or timezone.now()
    report = DeliveryReport(released=_release_stuck(now))
    mailer = _Mailer()
    try:
        for _i in range(limit):
            message = _claim_next(now)
            if message is None:
                break
            try:
                if message.channel == Channel.EMAIL:
                    mailer.send(message)
                else:
                    sms_send(phone=message.address, text=message.body)
            # Any failure of any gateway is one failed attempt of one message; the loop goes on.
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                logger.warning(
                    "outbox %s attempt %s failed: %s", message.pk, message.attempts, error
                )
                if _mark_failed(message, error):
                    report.retrying += 1
                else:
                    report.failed += 1
            else:
                _mark_sent(message)
                report.sent += 1
    finally:
        mailer.close()
    return report


@transaction.atomic
def notify_enqueue_many(*, messages: list[dict[str, Any]]) -> list[OutboxMessage]:
    """Record many notifications in the caller's transaction with one INSERT.

    Each dict takes notify_enqueue's arguments except dedupe_key and html_body; the same
    validation and address rules apply. For callers that guard idempotency themselves (the SLA
    sweep's unique firing rows). One delivery is scheduled per distinct not_before.
    """
    now = timezone.now()
    rows = []
    for m in messages:
        channel = m.get("channel")
        if channel not in Channel.values:
            raise Invalid(BAD_CHANNEL, field="channel")
        subject = _WHITESPACE.sub(" ", m.get("subject") or "").strip()
        body = (m.get("body") or "").strip()
        kind = (m.get("kind") or "").strip()
        ref_type, ref_id = m.get("ref_type", ""), m.get("ref_id", "")
        if not body:
            raise Invalid(REQUIRED, field="body")
        if not kind:
            raise Invalid(REQUIRED, field="kind")
        for field, value, limit in (
            ("subject", subject, 255),
            ("kind", kind, 64),
            ("ref_type", ref_type, 40),
            ("ref_id", ref_id, 64),
        ):
            _check_length(field, value, limit)
        to_user = m.get("to_user")
        not_before = max(m.get("not_before") or now, now)
        resolved, reason = _clean_address(
            channel, m.get("address") or address_for_user(channel=channel, user=to_user)
        )
        if not reason and to_user is not None and not to_user.is_active:
            reason = INACTIVE_RECIPIENT
        rows.append(
            OutboxMessage(
                channel=channel,
                to_user=to_user,
                address=resolved,
                subject=subject,
                body=body,
                kind=kind,
                ref_type=ref_type,
                ref_id=ref_id,
                status=Status.FAILED if reason else Status.PENDING,
                last_error=reason,
                not_before=not_before,
                due_at=not_before,
                created_at=now,
            )
        )
    OutboxMessage.objects.bulk_create(rows)
    notices.notices_from_messages(rows)
    for row in rows:
        if row.last_error:
            logger.warning("outbox %s (%s) not deliverable: %s", row.pk, row.kind, row.last_error)
    for moment in sorted({r.not_before for r in rows if r.status == Status.PENDING}):
        transaction.on_commit(partial(_schedule_delivery, moment), robust=True)
    return rows


# --- the demo ---------------------------------------------------------------------------------


def outbox_last_id() -> int:
    """The newest message's id (0 when empty): a demo section notes it before it starts."""
    return OutboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0


def outbox_demo_delivered(since: int) -> int:
    """No mail server in a demo: what a section queued after message `since` counts as sent,
    as far as the demo goes (no worker tries to deliver it). Returns how many."""
    return OutboxMessage.objects.filter(pk__gt=since, status=Status.PENDING).update(
        status=Status.SENT, sent_at=F("due_at"), attempts=1
    )
