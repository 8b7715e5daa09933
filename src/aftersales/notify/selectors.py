"""Every read on the outbox, behind one gate: staff with notify.view_outboxmessage."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.core.errors import Forbidden, NotFound
from aftersales.notify.models import OutboxMessage

VIEW_PERMISSION = "notify.view_outboxmessage"
RETRY_PERMISSION = "notify.change_outboxmessage"
NOT_FOUND = _("Not found.")


def _require_view(user: Any) -> None:
    # Customers must not learn the outbox exists: 404 for them, 403 for staff without the right.
    if can(user, VIEW_PERMISSION):
        return
    if is_staff_member(user):
        raise Forbidden(NOT_ALLOWED)
    raise NotFound(NOT_FOUND)


def outbox_search(
    *,
    user: Any,
    q: str = "",
    channel: str = "",
    status: str = "",
    kind: str = "",
    recipient: str = "",
    ref_type: str = "",
    ref_id: str = "",
) -> QuerySet[OutboxMessage]:
    """Outbox messages newest first, filtered; `recipient` matches login, name or address."""
    _require_view(user)
    qs = OutboxMessage.objects.select_related("to_user")
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if ref_type:
        qs = qs.filter(ref_type=ref_type)
    if ref_id:
        qs = qs.filter(ref_id=ref_id)
    if recipient:
        qs = qs.filter(
            Q(address__icontains=recipient)
            | Q(to_user__username__iexact=recipient)
            | Q(to_user__display_name__icontains=recipient)
        )
    if q:
        qs = qs.filter(
            Q(subject__icontains=q)
            | Q(body__icontains=q)
            | Q(address__icontains=q)
            | Q(ref_id__icontains=q)
            | Q(kind__icontains=q)
        )
    return qs.order_by("-created_at", "-id")


def outbox_get_for_user(*, user: Any, message_id: int) -> OutboxMessage:
    _require_view(user)
    message = OutboxMessage.objects.select_related("to_user").filter(pk=message_id).first()
    if message is None:
        raise NotFound(NOT_FOUND)
    return message


def can_retry(user: Any) -> bool:
    return can(user, RETRY_PERMISSION)
