"""Every write on an RMA: keyword-only, one transaction, its timeline row, promises via the engine.

Each step accepts `at`, the moment it happened when recorded afterwards: not in the future and
not before the previous step (422 naming `at`); the step's promises count from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.cases.models import Case
from aftersales.contracts.entitlement import entitlement_for
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.core.moments import recorded_moment
from aftersales.core.schema_types import MEDIUM_TEXT_MAX, SHORT_TEXT_MAX, bounded_text
from aftersales.notify.services import notify_enqueue
from aftersales.rma import access, promises, stock
from aftersales.rma.access import Predicate
from aftersales.rma.models import Rma, RmaEventKind, RmaMode, RmaStatus
from aftersales.rma.numbering import next_rma_number

REQUIRED = gettext_lazy("This field is required.")
UNKNOWN_PART = gettext_lazy("Unknown part number.")
UNKNOWN_WAREHOUSE = gettext_lazy("Unknown warehouse.")


def _moment(
    at: dt.datetime | None, *, previous: dt.datetime | None, now: dt.datetime, field: str = "at"
) -> dt.datetime:
    """The step's moment: now by default; never in the future nor before the previous step."""
    return recorded_moment(at, now=now, previous=previous, field=field)


def _required(value: str, *, field: str, limit: int = SHORT_TEXT_MAX) -> str:
    value = bounded_text((value or "").strip(), field=field, limit=limit)
    if not value:
        raise Invalid(REQUIRED, field=field)
    return value


def _lock(rma: Rma, by: User, predicate: Predicate) -> Rma:
    """Refuse the wrong user (403) before anything, then lock the row and check its state."""
    predicate.enforce_who(by, rma)
    locked = (
        Rma.objects.select_for_update(of=("self",))
        .select_related("customer", "case")
        .get(pk=rma.pk)
    )
    predicate.enforce(by, locked)
    return locked


def _save(rma: Rma, now: dt.datetime, *fields: str) -> None:
    rma.updated_at = now
    rma.save(update_fields=[*fields, "updated_at"])


def _record(rma: Rma, by: User, kind: str, text: str, at: dt.datetime, **data) -> None:
    timeline.record(subject=rma, kind=kind, actor=by, text=text, at=at, data=data)


def _notify_admins(rma: Rma) -> None:
    """Tell every RMA admin of the new RMA through the outbox (delivered after commit)."""
    for admin in promises.rma_admins():
        with translation.override(admin.language):
            notify_enqueue(
                channel="email",
                to_user=admin,
                subject=_("New RMA %(number)s for %(customer)s")
                % {"number": rma.number, "customer": rma.customer.name},
                body=_("RMA %(number)s (case %(case)s): part %(part)s. Fault: %(fault)s")
                % {
                    "number": rma.number,
                    "case": rma.case.number,
                    "part": rma.part_number,
                    "fault": rma.fault,
                },
                kind="rma.opened",
                ref_type="rma",
                ref_id=rma.number,
                dedupe_key=f"rma.opened:{rma.number}:{admin.pk}",
            )


def rma_open(
    *,
    case: Case,
    by: User,
    part_number: str,
    fault: str,
    doa: bool = False,
    faulty_serial: str = "",
    confirmed_at: dt.datetime | None = None,
    mode: str = RmaMode.ADVANCE,
) -> Rma:
    """Open an RMA on a case whose hardware fault is confirmed; the ship-by promise starts."""
    access.can_open.enforce_who(by, case)
    now = timezone.now()
    part_number = _required(part_number, field="part_number", limit=80)
    fault = _required(fault, field="fault", limit=MEDIUM_TEXT_MAX)
    faulty_serial = bounded_text((faulty_serial or "").strip(), field="faulty_serial", limit=80)
    if stock.part_by_number(part_number) is None:
        raise Invalid(UNKNOWN_PART, field="part_number")
    confirmed = _moment(confirmed_at, previous=case.created_at, now=now, field="confirmed_at")
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("customer", "asset")
            .get(pk=case.pk)
        )
        access.can_open.enforce(by, locked)
        entitlement = entitlement_for(
            asset=locked.asset, on=timezone.localdate(confirmed), customer=locked.customer
        )
        rma = Rma.objects.create(
            number=next_rma_number(now),
            case=locked,
            customer=locked.customer,
            asset=locked.asset,
            part_number=part_number,
            faulty_serial=faulty_serial,
            fault=fault,
            doa=doa,
            mode=mode,
            entitlement_status=entitlement.status,
            entitlement_reason=entitlement.reason[:300],
            confirmed_at=confirmed,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        promises.start_ship_by(rma, confirmed)
        _record(rma, by, RmaEventKind.OPENED, fault, confirmed, case=locked.number)
        # The case's own timeline says where its hardware part went (an internal note).
        timeline.record(
            subject=locked,
            kind="notice",
            actor=by,
            internal=True,
            text=_("RMA %(number)s opened for part %(part)s.")
            % {"number": rma.number, "part": part_number},
            data={"rma": rma.number},
        )
        _notify_admins(rma)
    return rma


def rma_reserve(
    *, rma: Rma, by: User, warehouse_code: str = "", at: dt.datetime | None = None
) -> Rma:
    """Reserve a good spare in the named warehouse, else the nearest holding one (409: none)."""
    access.can_reserve.enforce_who(by, rma)
    now = timezone.now()
    warehouse = None
    if warehouse_code:
        warehouse = stock.warehouse_by_code(warehouse_code)
        if warehouse is None:
            raise Invalid(UNKNOWN_WAREHOUSE, field="warehouse")
    with transaction.atomic():
        rma = _lock(rma, by, access.can_reserve)
        at = _moment(at, previous=rma.confirmed_at, now=now)
        reservation = stock.reserve(
            part_number=rma.part_number,
            by=by,
            rma_id=rma.pk,
            region=rma.customer.region,
            warehouse=warehouse,
            at=at,
        )
        rma.reservation_id = reservation.pk
        rma.warehouse_code = reservation.warehouse.code
        rma.reserved_at, rma.status = at, RmaStatus.RESERVED
        _save(rma, now, "reservation_id", "warehouse_code", "reserved_at", "status")
        _record(
            rma, by, RmaEventKind.RESERVED, rma.warehouse_code, at, warehouse=rma.warehouse_code
        )
    return rma


def rma_ship(
    *, rma: Rma, by: User, carrier: str, tracking: str, at: dt.datetime | None = None
) -> Rma:
    """The spare leaves the warehouse: the reservation is issued, ship_by is kept or missed."""
    access.can_ship.enforce_who(by, rma)
    now = timezone.now()
    carrier = _required(carrier, field="carrier", limit=100)
    tracking = _required(tracking, field="tracking", limit=100)
    with transaction.atomic():
        rma = _lock(rma, by, access.can_ship)
        at = _moment(at, previous=rma.reserved_at, now=now)
        stock.issue(reservation_id=rma.reservation_id, by=by, at=at)
        rma.carrier, rma.tracking, rma.shipped_at = carrier, tracking, at
        rma.status = RmaStatus.SHIPPED
        _save(rma, now, "carrier", "tracking", "shipped_at", "status")
        promise = promises.complete(rma, promises.SHIP_BY, at)
        _record(
            rma,
            by,
            RmaEventKind.SHIPPED,
            f"{carrier} {tracking}",
            at,
            late=bool(promises.is_late(promise)),
        )
    return rma


def _step(
    *,
    rma: Rma,
    by: User,
    predicate: Predicate,
    at: dt.datetime | None,
    previous: Callable[[Rma], dt.datetime | None],
    status: str,
    field: str,
    kind: str,
    text: str = "",
    more: Callable[[Rma, dt.datetime], None] | None = None,
    extra_fields: tuple[str, ...] = (),
) -> Rma:
    """One plain step: lock, check `at`, stamp `field`, move to `status`, then `more`."""
    predicate.enforce_who(by, rma)
    now = timezone.now()
    with transaction.atomic():
        rma = _lock(rma, by, predicate)
        at = _moment(at, previous=previous(rma), now=now)
        setattr(rma, field, at)
        rma.status = status
        _save(rma, now, field, "status", *extra_fields)
        if more is not None:
            more(rma, at)
        _record(rma, by, kind, text, at)
    return rma


def rma_delivered(*, rma: Rma, by: User, at: dt.datetime | None = None) -> Rma:
    """The customer received the spare: the faulty part is due back (10 business days)."""
    return _step(
        rma=rma,
        by=by,
        predicate=access.can_deliver,
        at=at,
        previous=lambda r: r.shipped_at,
        status=RmaStatus.DELIVERED,
        field="delivered_at",
        kind=RmaEventKind.DELIVERED,
        more=promises.start_faulty_return,
    )


def rma_faulty_shipped(
    *,
    rma: Rma,
    by: User,
    carrier: str = "",
    tracking: str = "",
    at: dt.datetime | None = None,
) -> Rma:
    """The customer sent the faulty part back: the return promise is kept or missed."""
    rma.return_carrier = bounded_text((carrier or "").strip(), field="carrier", limit=100)
    rma.return_tracking = bounded_text((tracking or "").strip(), field="tracking", limit=100)
    carrier, tracking = rma.return_carrier, rma.return_tracking

    def more(locked: Rma, moment: dt.datetime) -> None:
        locked.return_carrier, locked.return_tracking = carrier, tracking
        Rma.objects.filter(pk=locked.pk).update(return_carrier=carrier, return_tracking=tracking)
        promises.complete(locked, promises.FAULTY_RETURN, moment)

    return _step(
        rma=rma,
        by=by,
        predicate=access.can_faulty_ship,
        at=at,
        previous=lambda r: r.delivered_at,
        status=RmaStatus.FAULTY_SHIPPED,
        field="faulty_shipped_at",
        kind=RmaEventKind.FAULTY_SHIPPED,
        text=f"{carrier} {tracking}".strip(),
        more=more,
    )


def rma_faulty_received(*, rma: Rma, by: User, at: dt.datetime | None = None) -> Rma:
    """The faulty part arrived: booked into stock as faulty; the swap repair's promise starts."""

    def more(locked: Rma, moment: dt.datetime) -> None:
        stock.faulty_receive(
            part_number=locked.part_number,
            warehouse_code=locked.warehouse_code,
            serial=locked.faulty_serial,
            by=by,
            rma_id=locked.pk,
            at=moment,
        )
        promises.start_swap_repair(locked, moment)

    return _step(
        rma=rma,
        by=by,
        predicate=access.can_faulty_receive,
        at=at,
        previous=lambda r: r.faulty_shipped_at,
        status=RmaStatus.FAULTY_RECEIVED,
        field="faulty_received_at",
        kind=RmaEventKind.FAULTY_RECEIVED,
        more=more,
    )


def rma_repaired(*, rma: Rma, by: User, at: dt.datetime | None = None) -> Rma:
    """The swap repair is done: its promise is kept or missed."""
    return _step(
        rma=rma,
        by=by,
        predicate=access.can_repair,
        at=at,
        previous=lambda r: r.faulty_received_at,
        status=RmaStatus.REPAIRED,
        field="repaired_at",
        kind=RmaEventKind.REPAIRED,
        more=lambda locked, moment: promises.complete(locked, promises.SWAP_REPAIR, moment),
    )


def rma_close(*, rma: Rma, by: User, at: dt.datetime | None = None) -> Rma:
    return _step(
        rma=rma,
        by=by,
        predicate=access.can_close,
        at=at,
        previous=lambda r: r.repaired_at,
        status=RmaStatus.CLOSED,
        field="closed_at",
        kind=RmaEventKind.CLOSED,
        more=promises.stop,
    )


def rma_cancel(*, rma: Rma, by: User, reason: str, at: dt.datetime | None = None) -> Rma:
    """Cancel before shipment: a reservation is released, the promises stop."""
    reason = _required(reason, field="reason", limit=MEDIUM_TEXT_MAX)

    def more(locked: Rma, moment: dt.datetime) -> None:
        stock.release(reservation_id=locked.reservation_id, by=by, reason=reason)
        promises.stop(locked, moment)

    return _step(
        rma=rma,
        by=by,
        predicate=access.can_cancel,
        at=at,
        previous=lambda r: r.reserved_at or r.confirmed_at,
        status=RmaStatus.CANCELLED,
        field="cancelled_at",
        kind=RmaEventKind.CANCELLED,
        text=reason,
        more=more,
    )
