"""Carry-in repairs (送修): the product received at the service centre, and returned.

Receipt starts the engine's 72-hour wall-clock return promise (repairs.promises); the return
keeps or misses it. Each step accepts `at`, the moment it happened when recorded afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from aftersales.core.moments import recorded_moment
from aftersales.repairs import access, promises
from aftersales.repairs.models import RepairEventKind, RepairOrder
from aftersales.repairs.services.common import lock_order, record_event, save_order
from aftersales.sla.numbered import is_late


@transaction.atomic
def repair_receive(*, by: Any, order: RepairOrder, at: dt.datetime | None = None) -> RepairOrder:
    """The service centre received the carry-in product: due back within 72 hours of `at`
    (not in the future, not before the order was opened: 422 naming `at`)."""
    access.can_receive.enforce_who(by, order)
    now = timezone.now()
    order = lock_order(order, by, access.can_receive)
    at = recorded_moment(at, now=now, previous=order.created_at)
    order.received_at = at
    save_order(order, now, "received_at")
    promise = promises.start_return(order, at)
    record_event(
        order, by=by, kind=RepairEventKind.RECEIVED, now=at, due=promise.due_at.isoformat()
    )
    return order


@transaction.atomic
def repair_return_device(
    *, by: Any, order: RepairOrder, at: dt.datetime | None = None
) -> RepairOrder:
    """The repaired device went back to the customer: the return promise is kept or missed
    (`at` not in the future, not before the verification: 422 naming `at`)."""
    access.can_return_device.enforce_who(by, order)
    now = timezone.now()
    order = lock_order(order, by, access.can_return_device)
    at = recorded_moment(at, now=now, previous=order.verified_at or order.received_at)
    order.device_returned_at = at
    save_order(order, now, "device_returned_at")
    promise = promises.complete_return(order, at)
    record_event(
        order,
        by=by,
        kind=RepairEventKind.RETURNED,
        now=at,
        late=bool(is_late(promise)),
    )
    return order
