"""Every write on a return request (退换货): keyword-only, one transaction, its timeline row.

Rules of seed 002 (domain.md, "Returns and exchanges"): a return is requested within 7
calendar days of purchase with the product and packaging intact (a DOA unit unconditionally);
an exchange of a seriously faulty unit is done within 3 business days of the request; the
refund within 5 business days of the goods' arrival. Each step accepts `at` (not in the future,
not before the previous step: 422 naming `at`); the promises count from it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, customer_id_of, is_staff_member
from aftersales.accounts.models import User
from aftersales.cases.uploads import PHOTO_NOT_ALLOWED, PHOTO_TYPES, display_name
from aftersales.core import timeline
from aftersales.core.db import id_or_none
from aftersales.core.errors import Forbidden, Invalid, NotFound
from aftersales.core.moments import recorded_moment
from aftersales.core.money import parse_amount
from aftersales.core.schema_types import MEDIUM_TEXT_MAX, bounded_text, checked_text
from aftersales.core.steps import take_step
from aftersales.core.uploads import check_upload
from aftersales.registry.models import Asset, Customer
from aftersales.rma import return_access as access
from aftersales.rma import return_promises as promises
from aftersales.rma.models import (
    FreightPayer,
    PhotoStage,
    ReturnEventKind,
    ReturnKind,
    ReturnPhoto,
    ReturnRequest,
    ReturnStatus,
)
from aftersales.rma.numbering import next_return_number

RETURN_WINDOW_DAYS = 7

UNKNOWN_CUSTOMER = _("Unknown customer.")
UNKNOWN_KIND = _("Choose return or exchange.")
PURCHASE_IN_FUTURE = _("The purchase date is in the future.")
WINDOW_PASSED = _(
    "Returns are accepted within %(days)s days of purchase; this one was bought on %(day)s."
)
UNKNOWN_STAGE = _("Choose evidence or inspection.")
NOT_FOUND = _("Not found.")
PACKAGING_NOT_INTACT = _(
    "A return needs the product and its packaging intact (unless the unit was dead on arrival)."
)


def _required(value: str, *, field: str, limit: int = MEDIUM_TEXT_MAX) -> str:
    return checked_text(value, field=field, limit=limit, required=True)


def _customer(by: User, code: str) -> Customer:
    """The customer the request is for: a contact may name only their own (else 403)."""
    code = (code or "").strip()
    if not is_staff_member(by):
        own = customer_id_of(by)
        customer = Customer.objects.filter(code=code, pk=own).first() if own else None
        if customer is None:
            raise Forbidden(NOT_ALLOWED)
        return customer
    # The wrong staff role hears 403 before whether the code exists.
    if not can(by, access.WORK):
        raise Forbidden(NOT_ALLOWED)
    customer = Customer.objects.filter(code=code).first() if code else None
    if customer is None:
        raise Invalid(UNKNOWN_CUSTOMER, field="customer")
    return customer


def check_window(*, kind: str, purchased_on: dt.date, requested_on: dt.date) -> None:
    """A purchase in the future is refused; a return only within 7 calendar days of it.

    Exchanges have no window of their own (seed 002 ties them to a serious quality problem
    confirmed by our technical team, not to the purchase date).
    """
    if purchased_on > requested_on:
        raise Invalid(PURCHASE_IN_FUTURE, field="purchased_on")
    if kind == ReturnKind.RETURN and (requested_on - purchased_on).days > RETURN_WINDOW_DAYS:
        raise Invalid(
            WINDOW_PASSED % {"days": RETURN_WINDOW_DAYS, "day": purchased_on.isoformat()},
            field="purchased_on",
        )


def _record(
    request: ReturnRequest, by: User, kind: str, text: str, at: dt.datetime, **data
) -> None:
    timeline.record(subject=request, kind=kind, actor=by, text=text, at=at, data=data)


def return_request(
    *,
    by: User,
    customer: str,
    purchased_on: dt.date,
    reason: str,
    kind: str = ReturnKind.RETURN,
    serial_number: str = "",
    doa: bool = False,
    packaging_intact: bool = True,
    evidence: str = "",
    at: dt.datetime | None = None,
) -> ReturnRequest:
    """Record a customer's return or exchange request; an exchange's promise starts now."""
    owner = _customer(by, customer)
    access.can_request.enforce_who(by, owner)
    now = timezone.now()
    if kind not in ReturnKind.values:
        raise Invalid(UNKNOWN_KIND, field="kind")
    reason = _required(reason, field="reason")
    evidence = bounded_text((evidence or "").strip(), field="evidence", limit=MEDIUM_TEXT_MAX)
    serial_number = bounded_text((serial_number or "").strip(), field="serial_number", limit=80)
    requested = recorded_moment(at, now=now)
    check_window(kind=kind, purchased_on=purchased_on, requested_on=timezone.localdate(requested))
    if kind == ReturnKind.RETURN and not doa and not packaging_intact:
        raise Invalid(PACKAGING_NOT_INTACT, field="packaging_intact")
    asset = (
        Asset.objects.filter(serial_number=serial_number, customer=owner).first()
        if serial_number
        else None
    )
    with transaction.atomic():
        request = ReturnRequest.objects.create(
            number=next_return_number(now),
            customer=owner,
            asset=asset,
            serial_number=serial_number,
            kind=kind,
            reason=reason,
            evidence=evidence,
            doa=doa,
            packaging_intact=packaging_intact,
            purchased_on=purchased_on,
            # A DOA unit is our fault from the start; otherwise the inspection decides.
            freight_paid_by=FreightPayer.US if doa else "",
            requested_at=requested,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        if kind == ReturnKind.EXCHANGE:
            promises.start_exchange(request, requested)
        _record(request, by, ReturnEventKind.REQUESTED, reason, requested, return_kind=kind)
    return request


def return_approve(
    *, request: ReturnRequest, by: User, at: dt.datetime | None = None
) -> ReturnRequest:
    """Accept the request: the customer sends the goods back with the return code."""
    return take_step(
        request,
        by=by,
        predicate=access.can_approve,
        at=at,
        previous=lambda r: r.requested_at,
        status=ReturnStatus.APPROVED,
        field="approved_at",
        kind=ReturnEventKind.APPROVED,
    )


def return_reject(
    *, request: ReturnRequest, by: User, reason: str, at: dt.datetime | None = None
) -> ReturnRequest:
    """Refuse the request with a reason the customer sees on the portal; the clocks stop."""
    access.can_reject.enforce_who(by, request)
    reason = _required(reason, field="reason")
    return take_step(
        request,
        by=by,
        predicate=access.can_reject,
        at=at,
        previous=lambda r: r.requested_at,
        status=ReturnStatus.REJECTED,
        field="rejected_at",
        kind=ReturnEventKind.REJECTED,
        text=reason,
        changes={"rejection_reason": reason},
        more=promises.stop,
    )


def return_receive(
    *, request: ReturnRequest, by: User, at: dt.datetime | None = None
) -> ReturnRequest:
    """The goods arrived: a return's refund is now due within 5 business days."""

    def more(locked: ReturnRequest, moment: dt.datetime) -> None:
        if locked.kind == ReturnKind.RETURN:
            promises.start_refund(locked, moment)

    return take_step(
        request,
        by=by,
        predicate=access.can_receive,
        at=at,
        previous=lambda r: r.approved_at,
        status=ReturnStatus.RECEIVED,
        field="received_at",
        kind=ReturnEventKind.RECEIVED,
        more=more,
    )


def return_inspect(
    *,
    request: ReturnRequest,
    by: User,
    passed: bool,
    notes: str = "",
    at: dt.datetime | None = None,
) -> ReturnRequest:
    """Inspection on arrival: passed (our defect: we pay the freight) or failed with a reason
    (the customer's: the freight is theirs, nothing is owed, the clocks stop)."""
    access.can_inspect.enforce_who(by, request)
    notes = (
        bounded_text((notes or "").strip(), field="notes", limit=MEDIUM_TEXT_MAX)
        if passed
        else _required(notes, field="notes")
    )
    return take_step(
        request,
        by=by,
        predicate=access.can_inspect,
        at=at,
        previous=lambda r: r.received_at,
        status=ReturnStatus.PASSED if passed else ReturnStatus.FAILED,
        field="inspected_at",
        kind=ReturnEventKind.INSPECTED,
        text=notes,
        changes={
            "inspection_passed": passed,
            "inspection_notes": notes,
            "freight_paid_by": FreightPayer.US if passed else FreightPayer.CUSTOMER,
        },
        more=None if passed else promises.stop,
    )


def return_refund(
    *,
    request: ReturnRequest,
    by: User,
    amount: Decimal | str | int | float | None,
    at: dt.datetime | None = None,
) -> ReturnRequest:
    """The refund is paid: its promise is kept or missed."""
    access.can_refund.enforce_who(by, request)
    amount = parse_amount(amount, field="amount")
    return take_step(
        request,
        by=by,
        predicate=access.can_refund,
        at=at,
        previous=lambda r: r.inspected_at,
        status=ReturnStatus.REFUNDED,
        field="refunded_at",
        kind=ReturnEventKind.REFUNDED,
        text=f"{amount}",
        changes={"refund_amount": amount},
        more=lambda locked, moment: promises.complete(locked, promises.REFUND, moment),
    )


def return_exchange(
    *,
    request: ReturnRequest,
    by: User,
    replacement_serial: str = "",
    at: dt.datetime | None = None,
) -> ReturnRequest:
    """The new unit reached the customer: the exchange promise is kept or missed."""
    access.can_exchange.enforce_who(by, request)
    serial = bounded_text((replacement_serial or "").strip(), field="replacement_serial", limit=80)
    return take_step(
        request,
        by=by,
        predicate=access.can_exchange,
        at=at,
        previous=lambda r: r.inspected_at or r.received_at or r.approved_at,
        status=ReturnStatus.EXCHANGED,
        field="exchanged_at",
        kind=ReturnEventKind.EXCHANGED,
        text=serial,
        changes={"replacement_serial": serial},
        more=lambda locked, moment: promises.complete(locked, promises.EXCHANGE, moment),
    )


def return_close(
    *, request: ReturnRequest, by: User, at: dt.datetime | None = None
) -> ReturnRequest:
    """Close after the refund, the exchange or a failed inspection; the clocks stop."""
    return take_step(
        request,
        by=by,
        predicate=access.can_close,
        at=at,
        previous=lambda r: r.refunded_at or r.exchanged_at or r.inspected_at,
        status=ReturnStatus.CLOSED,
        field="closed_at",
        kind=ReturnEventKind.CLOSED,
        more=promises.stop,
    )


# --- photos ---

PHOTOS_MAX = 20
TOO_MANY_PHOTOS = _("A request keeps at most %(max)s photos.")
STAFF_STAGE = _("Only our staff add inspection photos.")


@transaction.atomic
def return_photo_add(
    *, request: ReturnRequest, by: User, file: object, stage: str = PhotoStage.EVIDENCE
) -> ReturnPhoto:
    """Keep a photo of the goods (the customer's evidence, or the inspection's findings)
    under MEDIA_ROOT/returns/<id>/ with a generated name; its timeline row says so."""
    access.can_add_photo.enforce_who(by, request)
    if stage not in PhotoStage.values:
        raise Invalid(UNKNOWN_STAGE, field="stage")
    if stage == PhotoStage.INSPECTION and not is_staff_member(by):
        raise Forbidden(STAFF_STAGE)
    ext, content_type = check_upload(
        file, types=PHOTO_TYPES, not_allowed=PHOTO_NOT_ALLOWED, field="photo"
    )
    locked = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    access.can_add_photo.enforce(by, locked)
    if locked.photos.count() >= PHOTOS_MAX:
        raise Invalid(TOO_MANY_PHOTOS % {"max": PHOTOS_MAX}, field="photo")
    now = timezone.now()
    photo = ReturnPhoto(
        request=locked,
        stage=stage,
        name=display_name(file),
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
        uploaded_at=now,
    )
    # The client's file name never reaches the disk: paths stay ours.
    photo.file.save(f"{uuid.uuid4().hex}.{ext}", file, save=False)
    photo.save()
    _record(locked, by, ReturnEventKind.PHOTO, photo.name, now, photo=photo.pk, stage=stage)
    return photo


def photo_get_for_user(*, user: User, return_request: ReturnRequest, pk: int) -> ReturnPhoto:
    """A photo of a request the user may see (callers load the request for the user first);
    404 for an id no row can have."""
    photo_id = id_or_none(pk)
    photo = return_request.photos.filter(pk=photo_id).first() if photo_id else None
    if photo is None:
        raise NotFound(NOT_FOUND)
    return photo
