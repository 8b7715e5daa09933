"""The bell: in-app notices for staff, made from what the outbox is asked to send.

Writes (services) and reads (selectors) of Notice in one small module. A notice is written in
the caller's transaction, like its outbox row. Notify sits below the apps whose objects the
notices name: they register how to link their reference types (`register_notice_link`) from
their AppConfig.ready.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import is_staff_member
from aftersales.core.db import MAX_ID
from aftersales.core.errors import NotFound
from aftersales.notify.models import Channel, Notice, OutboxMessage

NOT_FOUND = _("Not found.")
# The bell's dropdown shows this many; the full page pages through the rest.
LATEST = 10
# How often open pages ask again (seconds); settings NOTICE_POLL_SECONDS / QUEUE_POLL_SECONDS
# override them (the browser test polls every second).
POLL_SECONDS = {"notices": 30, "queue": 60, "board": 60}

# ref_type -> function(ref_id) -> URL of the referenced object, filled by higher apps.
_LINKS: dict[str, Callable[[str], str]] = {}


def register_notice_link(ref_type: str, url_name: str) -> None:
    """Link notices about `ref_type` to the page `url_name` that takes the ref_id as argument."""

    def link(ref_id: str) -> str:
        try:
            return reverse(url_name, args=[ref_id])
        except NoReverseMatch:  # a reference the page's pattern does not accept
            return ""

    _LINKS[ref_type] = link


def notice_url(ref_type: str, ref_id: str) -> str:
    """The page of the referenced object, or "" for a type nobody registered."""
    link = _LINKS.get(ref_type)
    return link(ref_id)[:300] if link is not None and ref_id else ""


def poll_seconds(name: str) -> int:
    """The polling interval of the bell ("notices"), the queue ("queue") or a home board."""
    overrides = {
        "notices": getattr(settings, "NOTICE_POLL_SECONDS", None),
        "queue": getattr(settings, "QUEUE_POLL_SECONDS", None),
        "board": getattr(settings, "QUEUE_POLL_SECONDS", None),
    }
    value = overrides.get(name)
    return int(value) if value else POLL_SECONDS.get(name, 60)


# --- services ---------------------------------------------------------------------------------


def _wants_notices(user: Any) -> bool:
    return user is not None and user.is_active and is_staff_member(user)


@transaction.atomic
def notice_create(
    *,
    user: Any,
    kind: str,
    title: str,
    ref_type: str = "",
    ref_id: str = "",
    dedupe_key: str = "",
    now: dt.datetime | None = None,
) -> Notice | None:
    """Give a staff user one notice; None for customers, inactive users and a repeated key."""
    if not _wants_notices(user):
        return None
    notice = Notice(
        user=user,
        kind=kind[:64],
        title=(title or kind)[:255],
        ref_type=ref_type[:40],
        ref_id=ref_id[:64],
        url=notice_url(ref_type, ref_id),
        dedupe_key=dedupe_key[:200],
        created_at=now or timezone.now(),
    )
    repeated = Notice.objects.filter(user=user, dedupe_key=notice.dedupe_key)
    if notice.dedupe_key and repeated.exists():
        return None
    try:
        # A savepoint: losing a race on (user, dedupe_key) must not break the caller.
        with transaction.atomic():
            notice.save(force_insert=True)
    except IntegrityError:
        if not notice.dedupe_key:
            raise
        return None
    return notice


def notice_from_message(message: OutboxMessage) -> Notice | None:
    """The bell's copy of an e-mail to a staff member (SMS twins of an e-mail add nothing)."""
    if message.channel != Channel.EMAIL or message.to_user_id is None:
        return None
    return notice_create(
        user=message.to_user,
        kind=message.kind,
        title=message.subject,
        ref_type=message.ref_type,
        ref_id=message.ref_id,
        dedupe_key=message.dedupe_key,
        now=message.created_at,
    )


def notices_from_messages(messages: Iterable[OutboxMessage]) -> list[Notice]:
    """One notice per staff recipient and subject of a batch, whatever its channels.

    The escalation ladder may send by SMS only, so a batch is not limited to e-mails; its
    e-mail and SMS of the same step make one notice.
    """
    seen: set[tuple] = set()
    rows: list[Notice] = []
    staff: dict[int, bool] = {}
    for m in messages:
        user = m.to_user
        if user is None:
            continue
        if user.pk not in staff:
            staff[user.pk] = _wants_notices(user)
        key = (user.pk, m.kind, m.ref_type, m.ref_id, m.subject)
        if not staff[user.pk] or key in seen:
            continue
        seen.add(key)
        rows.append(
            Notice(
                user=user,
                kind=m.kind,
                title=(m.subject or m.kind)[:255],
                ref_type=m.ref_type,
                ref_id=m.ref_id,
                url=notice_url(m.ref_type, m.ref_id),
                created_at=m.created_at,
            )
        )
    return Notice.objects.bulk_create(rows) if rows else []


def notice_mark_read(*, user: Any, notice_id: int) -> Notice:
    """Mark one of the user's own notices read (again: no change); another's is NotFound."""
    notice = notice_get_for_user(user=user, notice_id=notice_id)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def notices_mark_all_read(*, user: Any) -> int:
    """Mark every unread notice of the user read; return how many."""
    _require_staff(user)
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- selectors --------------------------------------------------------------------------------


def _require_staff(user: Any) -> None:
    # Customers have no bell: the pages and endpoints do not exist for them (404).
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)


def notices_for_user(
    *, user: Any, unread: bool = False, unread_first: bool = False
) -> QuerySet[Notice]:
    """The user's own notices, newest first; only the unread ones with `unread`, the unread
    ones before the read ones with `unread_first` (the full page)."""
    _require_staff(user)
    qs = Notice.objects.filter(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    elif unread_first:
        read = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1))
        return qs.order_by(read, "-created_at", "-id")
    return qs.order_by("-created_at", "-id")


def notice_get_for_user(*, user: Any, notice_id: int) -> Notice:
    """One of the user's own notices; anybody else's is NotFound, as is a missing one."""
    _require_staff(user)
    if not isinstance(notice_id, int) or not 1 <= notice_id <= MAX_ID:
        raise NotFound(NOT_FOUND)  # beyond a bigint the database would fail, not answer
    notice = Notice.objects.filter(pk=notice_id, user=user).first()
    if notice is None:
        raise NotFound(NOT_FOUND)
    return notice


def unread_count(user: Any) -> int:
    """How many notices the user has not read: one COUNT on the partial unread index."""
    if not getattr(user, "is_authenticated", False) or not is_staff_member(user):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def notice_unread_count(*, user: Any) -> int:
    """The unread count for the API: customers are NotFound, as for every notice endpoint."""
    _require_staff(user)
    return unread_count(user)


def latest_notices(user: Any, limit: int = LATEST) -> list[Notice]:
    """The bell's dropdown: the user's newest notices, read or not."""
    return list(notices_for_user(user=user)[:limit])
