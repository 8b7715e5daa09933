"""Every write on an RMA: keyword-only, one transaction, its timeline row, promises via the engine.

Each step accepts `at`, the moment it happened when recorded afterwards: not in the future and
not before the previous step (422 naming `at`); the step's promises count from it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.cases.models import Case
from aftersales.cases.services import case_rma_opened
from aftersales.contracts.entitlement import IN_WARRANTY, Entitlement, add_months, entitlement_for
from aftersales.contracts.selectors import part_warranty_months
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.core.moments import recorded_moment
from aftersales.core.money import parse_amount
from aftersales.core.schema_types import MEDIUM_TEXT_MAX, SHORT_TEXT_MAX, bounded_text, checked_text
from aftersales.core.steps import take_step
from aftersales.notify.services import notify_enqueue
from aftersales.rma import access, promises, stock
from aftersales.rma.access import Predicate
from aftersales.rma.models import Rma, RmaEventKind, RmaMode, RmaStatus
from aftersales.rma.numbering import next_rma_number
from aftersales.sla.numbered import is_late

# What a step's lock loads with the RMA (its notices name the customer and the case).
RELATED = ("customer", "case")
UNKNOWN_PART = gettext_lazy("Unknown part number.")
UNKNOWN_WAREHOUSE = gettext_lazy("Unknown warehouse.")
UNKNOWN_MODE = gettext_lazy("Unknown replacement mode.")


def _moment(
    at: dt.datetime | None, *, previous: dt.datetime | None, now: dt.datetime, field: str = "at"
) -> dt.datetime:
    """The step's moment: now by default; never in the future nor before the previous step."""
    return recorded_moment(at, now=now, previous=previous, field=field)


def _required(value: str, *, field: str, limit: int = SHORT_TEXT_MAX) -> str:
    return checked_text(value, field=field, limit=limit, required=True)


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


def _mode(case: Case, *, doa: bool) -> str:
    """The contract's replacement mode; a unit dead on arrival is always replaced in advance."""
    if doa or case.contract_id is None or case.contract.advance_replacement:
        return RmaMode.ADVANCE
    return RmaMode.AFTER_RETURN


def _part_warranty(
    entitlement: Entitlement, *, customer_id: int, faulty_serial: str, on: dt.date
) -> Entitlement:
    """A part we shipped as a spare carries its own warranty, after the device's has ended."""
    if entitlement.status == IN_WARRANTY or not faulty_serial:
        return entitlement
    earlier = (
        Rma.objects.filter(
            customer_id=customer_id, shipped_serial=faulty_serial, shipped_at__isnull=False
        )
        .order_by("-shipped_at")
        .first()
    )
    if earlier is None:
        return entitlement
    until = add_months(timezone.localdate(earlier.shipped_at), part_warranty_months())
    if until < on:
        return entitlement
    params = {"number": earlier.number, "date": until.isoformat()}
    return Entitlement(IN_WARRANTY, "spare_part", until, reason_params=params)


def rma_open(
    *,
    case: Case,
    by: User,
    part_number: str,
    fault: str,
    doa: bool = False,
    faulty_serial: str = "",
    confirmed_at: dt.datetime | None = None,
    mode: str | None = None,
) -> Rma:
    """Open an RMA on a case whose hardware fault is confirmed. In advance replacement the
    ship-by promise starts now; after return, when the faulty part arrives."""
    access.can_open.enforce_who(by, case)
    now = timezone.now()
    part_number = _required(part_number, field="part_number", limit=80)
    fault = _required(fault, field="fault", limit=MEDIUM_TEXT_MAX)
    faulty_serial = bounded_text((faulty_serial or "").strip(), field="faulty_serial", limit=80)
    if stock.part_by_number(part_number) is None:
        raise Invalid(UNKNOWN_PART, field="part_number")
    if mode is not None and mode not in RmaMode.values:
        raise Invalid(UNKNOWN_MODE, field="mode")
    confirmed = _moment(confirmed_at, previous=case.created_at, now=now, field="confirmed_at")
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("customer", "asset", "contract")
            .get(pk=case.pk)
        )
        access.can_open.enforce(by, locked)
        on = timezone.localdate(confirmed)
        entitlement = _part_warranty(
            entitlement_for(asset=locked.asset, on=on, customer=locked.customer),
            customer_id=locked.customer_id,
            faulty_serial=faulty_serial,
            on=on,
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
            mode=mode or _mode(locked, doa=doa),
            entitlement_status=entitlement.status,
            entitlement_reason=entitlement.stored_reason,
            confirmed_at=confirmed,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        if rma.mode == RmaMode.ADVANCE:
            promises.start_ship_by(rma, confirmed)
        _record(rma, by, RmaEventKind.OPENED, fault, confirmed, case=locked.number)
        # The case says where its hardware part went: the return code the customer ships with.
        case_rma_opened(
            case=locked,
            by=by,
            number=rma.number,
            text=_("RMA %(number)s opened for part %(part)s.")
            % {"number": rma.number, "part": part_number},
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
        at = _moment(at, previous=rma.faulty_received_at or rma.confirmed_at, now=now)
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
    *,
    rma: Rma,
    by: User,
    carrier: str,
    tracking: str,
    serial: str = "",
    at: dt.datetime | None = None,
) -> Rma:
    """The spare leaves the warehouse: the reservation is issued (a serialised spare names its
    unit, which then follows the customer's asset); ship_by is kept or missed."""
    access.can_ship.enforce_who(by, rma)
    now = timezone.now()
    carrier = _required(carrier, field="carrier", limit=100)
    tracking = _required(tracking, field="tracking", limit=100)
    serial = bounded_text((serial or "").strip(), field="serial", limit=80)
    with transaction.atomic():
        rma = _lock(rma, by, access.can_ship)
        at = _moment(at, previous=rma.reserved_at, now=now)
        stock.issue(reservation_id=rma.reservation_id, by=by, at=at, serial=serial, asset=rma.asset)
        rma.carrier, rma.tracking, rma.shipped_at = carrier, tracking, at
        rma.shipped_serial, rma.status = serial, RmaStatus.SHIPPED
        _save(rma, now, "carrier", "tracking", "shipped_serial", "shipped_at", "status")
        promise = promises.complete(rma, promises.SHIP_BY, at)
        _record(
            rma,
            by,
            RmaEventKind.SHIPPED,
            f"{carrier} {tracking}",
            at,
            late=bool(is_late(promise)),
        )
    return rma


def _after_delivery(rma: Rma, at: dt.datetime) -> None:
    if rma.mode == RmaMode.ADVANCE:
        promises.start_faulty_return(rma, at)


def _delivered_status(rma: Rma) -> str:
    # After return, the faulty part may be repaired before the spare reaches the customer.
    return RmaStatus.REPAIRED if rma.repaired_at is not None else RmaStatus.DELIVERED


def rma_delivered(*, rma: Rma, by: User, at: dt.datetime | None = None) -> Rma:
    """The customer received the spare; in advance replacement the faulty part is now due back
    (10 business days)."""
    return take_step(
        rma,
        related=RELATED,
        by=by,
        predicate=access.can_deliver,
        at=at,
        previous=lambda r: r.shipped_at,
        status=_delivered_status,
        field="delivered_at",
        kind=RmaEventKind.DELIVERED,
        more=_after_delivery,
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

    return take_step(
        rma,
        related=RELATED,
        by=by,
        predicate=access.can_faulty_ship,
        at=at,
        previous=lambda r: r.delivered_at or r.confirmed_at,
        status=RmaStatus.FAULTY_SHIPPED,
        field="faulty_shipped_at",
        kind=RmaEventKind.FAULTY_SHIPPED,
        text=f"{carrier} {tracking}".strip(),
        more=more,
    )


def rma_faulty_received(*, rma: Rma, by: User, at: dt.datetime | None = None) -> Rma:
    """The faulty part arrived: booked into stock as faulty; the swap repair's promise starts
    and, after return, the spare's ship-by."""

    def more(locked: Rma, moment: dt.datetime) -> None:
        stock.faulty_receive(
            part_number=locked.part_number,
            warehouse_code=locked.warehouse_code,
            serial=locked.faulty_serial,
            by=by,
            rma_id=locked.pk,
            at=moment,
        )
        if locked.mode == RmaMode.AFTER_RETURN:
            promises.start_ship_by(locked, moment)
        promises.start_swap_repair(locked, moment)

    return take_step(
        rma,
        related=RELATED,
        by=by,
        predicate=access.can_faulty_receive,
        at=at,
        previous=lambda r: r.faulty_shipped_at,
        status=RmaStatus.FAULTY_RECEIVED,
        field="faulty_received_at",
        kind=RmaEventKind.FAULTY_RECEIVED,
        more=more,
    )


def rma_vendor_sent(
    *,
    rma: Rma,
    by: User,
    vendor: str,
    reference: str = "",
    at: dt.datetime | None = None,
) -> Rma:
    """The faulty part goes to the vendor for repair (厂商返修), under their RMA reference."""
    vendor = _required(vendor, field="vendor", limit=100)
    reference = bounded_text((reference or "").strip(), field="reference", limit=100)

    def more(locked: Rma, moment: dt.datetime) -> None:
        locked.vendor_name, locked.vendor_reference = vendor, reference
        Rma.objects.filter(pk=locked.pk).update(vendor_name=vendor, vendor_reference=reference)

    return take_step(
        rma,
        related=RELATED,
        by=by,
        predicate=access.can_vendor_send,
        at=at,
        previous=lambda r: r.faulty_received_at,
        status=lambda r: r.status,
        field="vendor_sent_at",
        kind=RmaEventKind.VENDOR_SENT,
        text=f"{vendor} {reference}".strip(),
        more=more,
    )


def rma_vendor_back(
    *, rma: Rma, by: User, cost: object = None, at: dt.datetime | None = None
) -> Rma:
    """The part is back from the vendor, with what the repair cost (CNY, optional)."""
    amount = None if cost in (None, "") else parse_amount(cost, field="cost")

    def more(locked: Rma, moment: dt.datetime) -> None:
        locked.vendor_cost = amount
        Rma.objects.filter(pk=locked.pk).update(vendor_cost=amount)

    return take_step(
        rma,
        related=RELATED,
        by=by,
        predicate=access.can_vendor_back,
        at=at,
        previous=lambda r: r.vendor_sent_at,
        status=lambda r: r.status,
        field="vendor_back_at",
        kind=RmaEventKind.VENDOR_BACK,
        text="" if amount is None else f"{amount} CNY",
        more=more,
    )


def _repaired_status(rma: Rma) -> str:
    # After return the spare may still be on its way: the status follows the spare then.
    if rma.mode == RmaMode.ADVANCE or rma.delivered_at is not None:
        return RmaStatus.REPAIRED
    return rma.status


def rma_repaired(*, rma: Rma, by: User, at: dt.datetime | None = None) -> Rma:
    """The swap repair is done: its promise is kept or missed."""
    return take_step(
        rma,
        related=RELATED,
        by=by,
        predicate=access.can_repair,
        at=at,
        previous=lambda r: r.vendor_back_at or r.faulty_received_at,
        status=_repaired_status,
        field="repaired_at",
        kind=RmaEventKind.REPAIRED,
        more=lambda locked, moment: promises.complete(locked, promises.SWAP_REPAIR, moment),
    )


def rma_close(*, rma: Rma, by: User, at: dt.datetime | None = None) -> Rma:
    return take_step(
        rma,
        related=RELATED,
        by=by,
        predicate=access.can_close,
        at=at,
        previous=lambda r: max(r.repaired_at, r.delivered_at),
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

    return take_step(
        rma,
        related=RELATED,
        by=by,
        predicate=access.can_cancel,
        at=at,
        previous=lambda r: r.reserved_at or r.faulty_shipped_at or r.confirmed_at,
        status=RmaStatus.CANCELLED,
        field="cancelled_at",
        kind=RmaEventKind.CANCELLED,
        text=reason,
        more=more,
    )
