"""Every write on a spare-part sale (备件销售): keyword-only, one transaction, its timeline row.

draft → quoted → accepted | declined | (expired) → issued; cancelled from draft, quoted, expired
or accepted. Each line copies Part.sale_price when it is written: later price changes never
touch a sale. Parts for an asset still in warranty or under contract are not sold (422 naming
`asset`): they are replaced free through an RMA. The customer's acceptance reserves the units in
the sale's warehouse (409 when one is missing, nothing written); issuing books the ledger's
issue moves. Access first (403/404), then input (422), then state and stock (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.contracts.entitlement import entitlement_for
from aftersales.core import timeline
from aftersales.core.errors import Invalid
from aftersales.core.moments import recorded_moment
from aftersales.core.numbering import next_day_number
from aftersales.core.schema_types import checked_text
from aftersales.inventory import sales_access as access
from aftersales.inventory import services as stock
from aftersales.inventory.models import (
    Part,
    PartSale,
    PartSaleCounter,
    PartSaleEventKind,
    PartSaleLine,
    PartSaleStatus,
    Reservation,
    ReservationState,
    Warehouse,
)
from aftersales.inventory.sales_access import Predicate
from aftersales.notify.services import notify_enqueue
from aftersales.registry.models import Asset, Contact, Customer

REQUIRED = gettext_lazy("This field is required.")
UNKNOWN_CUSTOMER = gettext_lazy("Unknown customer.")
UNKNOWN_WAREHOUSE = gettext_lazy("Unknown warehouse.")
UNKNOWN_ASSET = gettext_lazy("Unknown asset, or not this customer's.")
UNKNOWN_PART = gettext_lazy("Unknown or retired part number.")
NO_LINES = gettext_lazy("Give from 1 to %(max)s lines.")
PART_TWICE = gettext_lazy("This part is already on another line: give one line per part.")
BAD_QUANTITY = gettext_lazy("Enter a whole number from 1 to %(max)s.")
IN_WARRANTY = gettext_lazy(
    "This asset is covered (%(reason)s): its parts are replaced free through an RMA, not sold."
)
SERIALS_COUNT = gettext_lazy("Give one serial number per unit of %(part)s: %(count)s expected.")
NOT_ON_SALE = gettext_lazy("This part is not on the sale.")

REF_KIND = "sale"
PREFIX = "PS"
MAX_LINES = 50
MAX_QUANTITY = 10_000
SHORT = 100
REASON_MAX = 2_000


# --- numbers and input checks ---


def next_sale_number(now: dt.datetime) -> str:
    """The next part-sale number of the local day (core.numbering)."""
    return next_day_number(PartSaleCounter, PREFIX, now)


def _text(value: Any, *, field: str, limit: int = SHORT, required: bool = False) -> str:
    return checked_text(value, field=field, limit=limit, required=required)


def _lines(lines: Any) -> list[tuple[Part, int]]:
    """(part, quantity) per line; 422 naming the line's field (loc body.lines.<i>)."""
    if not isinstance(lines, list | tuple) or not 1 <= len(lines) <= MAX_LINES:
        raise Invalid(NO_LINES % {"max": MAX_LINES}, field="lines")
    result: list[tuple[Part, int]] = []
    seen: set[int] = set()
    for i, line in enumerate(lines):
        loc = ("body", "lines", i)
        line = line if isinstance(line, Mapping) else {}
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise Invalid(BAD_QUANTITY % {"max": MAX_QUANTITY}, field="quantity", loc=loc)
        if not 1 <= quantity <= MAX_QUANTITY:
            raise Invalid(BAD_QUANTITY % {"max": MAX_QUANTITY}, field="quantity", loc=loc)
        number = line.get("part_number")
        number = number.strip() if isinstance(number, str) else ""
        if not number:
            raise Invalid(REQUIRED, field="part_number", loc=loc)
        part = Part.objects.filter(part_number=number[:80], is_active=True).first()
        if part is None:
            raise Invalid(UNKNOWN_PART, field="part_number", loc=loc)
        if part.pk in seen:
            raise Invalid(PART_TWICE, field="part_number", loc=loc)
        seen.add(part.pk)
        result.append((part, quantity))
    return result


def _record(sale: PartSale, by: User, kind: str, text: str, at: dt.datetime, **data: Any) -> None:
    timeline.record(subject=sale, kind=kind, actor=by, text=text, at=at, data=data)


def _lock(sale: PartSale, by: User, predicate: Predicate) -> PartSale:
    """Refuse the wrong user (403) before anything, then lock the row and check its state."""
    predicate.enforce_who(by, sale)
    locked = (
        PartSale.objects.select_for_update(of=("self",))
        .select_related("customer", "warehouse", "asset")
        .get(pk=sale.pk)
    )
    predicate.enforce(by, locked)
    return locked


def _save(sale: PartSale, now: dt.datetime, *fields: str) -> None:
    sale.updated_at = now
    sale.save(update_fields=[*fields, "updated_at"])


def _reservations(sale: PartSale) -> list[Reservation]:
    return list(
        Reservation.objects.filter(
            ref_kind=REF_KIND, ref_id=sale.pk, state=ReservationState.OPEN
        ).select_related("part", "warehouse")
    )


# --- notifications (the outbox, delivered after commit) ---


def _portal_link(sale: PartSale) -> str:
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return base + reverse("portal:part_sale_detail", args=[sale.number]) if base else ""


def _notify_contacts(sale: PartSale) -> int:
    """Send the quote to every active contact of the customer with an e-mail or a login."""
    sent = 0
    contacts = Contact.objects.filter(customer=sale.customer, is_active=True).select_related("user")
    for contact in contacts:
        if not contact.email and contact.user_id is None:
            continue
        language = contact.user.language if contact.user_id else settings.LANGUAGE_CODE
        with translation.override(language):
            body = _(
                "Quote %(number)s for spare parts: %(total)s, valid until %(day)s. "
                "Accept or decline it on the customer portal."
            ) % {
                "number": sale.number,
                "total": f"{sale.total:.2f}",
                "day": sale.valid_until.isoformat() if sale.valid_until else "",
            }
            link = _portal_link(sale)
            notify_enqueue(
                channel="email",
                to_user=contact.user,
                address=contact.email,
                subject=_("Spare-parts quote %(number)s") % {"number": sale.number},
                body=f"{body}\n{link}".strip(),
                kind="part_sale.quoted",
                ref_type="part_sale",
                ref_id=sale.number,
                dedupe_key=f"part_sale.quoted:{sale.number}:{sale.quoted_at:%Y%m%d%H%M%S}:"
                f"{contact.pk}",
            )
        sent += 1
    return sent


def _notify_keepers(sale: PartSale) -> None:
    """Tell the warehouse's keepers an accepted sale waits to be issued."""
    for keeper in sale.warehouse.keepers.filter(is_active=True):
        with translation.override(keeper.language):
            notify_enqueue(
                channel="email",
                to_user=keeper,
                subject=_("Part sale %(number)s accepted: issue the parts")
                % {"number": sale.number},
                body=_("%(customer)s accepted quote %(number)s; the units are reserved at %(wh)s.")
                % {
                    "customer": sale.customer.name,
                    "number": sale.number,
                    "wh": sale.warehouse.code,
                },
                kind="part_sale.accepted",
                ref_type="part_sale",
                ref_id=sale.number,
                dedupe_key=f"part_sale.accepted:{sale.number}:{keeper.pk}",
            )


# --- the steps ---


def part_sale_create(
    *,
    by: User,
    customer: str,
    warehouse: str,
    lines: Iterable[Mapping[str, Any]],
    asset: str = "",
) -> PartSale:
    """Draft a sale of parts for a customer (codes), each line at today's sale price.

    With an `asset` (serial number), the sale is refused while the asset is in warranty or
    under contract (422 naming `asset`); without one, nothing is checked.
    """
    access.can_create.enforce_who(by, None)
    now = timezone.now()
    customer_code = _text(customer, field="customer", limit=40, required=True)
    warehouse_code = _text(warehouse, field="warehouse", limit=40, required=True)
    serial = _text(asset, field="asset", limit=80)
    customer_obj = Customer.objects.filter(code=customer_code, is_active=True).first()
    if customer_obj is None:
        raise Invalid(UNKNOWN_CUSTOMER, field="customer")
    warehouse_obj = Warehouse.objects.filter(code=warehouse_code, is_active=True).first()
    if warehouse_obj is None:
        raise Invalid(UNKNOWN_WAREHOUSE, field="warehouse")
    asset_obj = None
    if serial:
        asset_obj = (
            Asset.objects.select_related("product_model")
            .filter(serial_number=serial, customer=customer_obj)
            .first()
        )
        if asset_obj is None:
            raise Invalid(UNKNOWN_ASSET, field="asset")
        entitlement = entitlement_for(
            asset=asset_obj, on=timezone.localdate(now), customer=customer_obj
        )
        if entitlement.is_free:
            raise Invalid(IN_WARRANTY % {"reason": entitlement.reason}, field="asset")
    parsed = _lines(list(lines) if not isinstance(lines, str | bytes) else lines)
    with transaction.atomic():
        sale = PartSale.objects.create(
            number=next_sale_number(now),
            customer=customer_obj,
            asset=asset_obj,
            warehouse=warehouse_obj,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        # The price is fixed here, from the part's price of this moment.
        rows = [
            PartSaleLine(sale=sale, part=part, quantity=quantity, unit_price=part.sale_price)
            for part, quantity in parsed
        ]
        PartSaleLine.objects.bulk_create(rows)
        sale.total = sum((row.unit_price * row.quantity for row in rows), Decimal(0))
        sale.save(update_fields=["total"])
        _record(
            sale,
            by,
            PartSaleEventKind.CREATED,
            ", ".join(f"{p.part_number} × {q}" for p, q in parsed),
            now,
            total=f"{sale.total:.2f}",
        )
    return sale


def part_sale_quote(*, sale: PartSale, by: User, valid_days: int | None = None) -> PartSale:
    """Send the quote to the customer's contacts; it stays open `valid_days` calendar days
    (default: settings.PART_SALE_QUOTE_DAYS), through the end of the last local day."""
    access.can_quote.enforce_who(by, sale)
    days = settings.PART_SALE_QUOTE_DAYS if valid_days is None else valid_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise Invalid(BAD_QUANTITY % {"max": 365}, field="valid_days")
    now = timezone.now()
    with transaction.atomic():
        sale = _lock(sale, by, access.can_quote)
        sale.status = PartSaleStatus.QUOTED
        sale.quoted_at = now
        sale.valid_until = timezone.localdate(now) + dt.timedelta(days=days)
        _save(sale, now, "status", "quoted_at", "valid_until")
        sent = _notify_contacts(sale)
        _record(
            sale,
            by,
            PartSaleEventKind.QUOTED,
            _("Valid until %(day)s.") % {"day": sale.valid_until.isoformat()},
            now,
            valid_until=sale.valid_until.isoformat(),
            notified=sent,
        )
    return sale


def part_sale_accept(*, sale: PartSale, by: User, name: str) -> PartSale:
    """The customer accepts the quote (typing their name): every unit is reserved in the sale's
    warehouse, or 409 and nothing is written. A serialised part holds one reservation per unit
    so each issue names its serial."""
    access.can_accept.enforce_who(by, sale)
    name = _text(name, field="name", required=True)
    now = timezone.now()
    with transaction.atomic():
        sale = _lock(sale, by, access.can_accept)
        for line in sale.lines.select_related("part"):
            units = [1] * line.quantity if line.part.serialised else [line.quantity]
            for quantity in units:
                stock.stock_reserve(
                    part=line.part,
                    by=by,
                    ref_kind=REF_KIND,
                    ref_id=sale.pk,
                    warehouse=sale.warehouse,
                    quantity=quantity,
                    at=now,
                    authorised=True,
                )
        sale.status = PartSaleStatus.ACCEPTED
        sale.accepted_at, sale.accepted_by_name = now, name
        _save(sale, now, "status", "accepted_at", "accepted_by_name")
        _notify_keepers(sale)
        _record(sale, by, PartSaleEventKind.ACCEPTED, name, now)
    return sale


def part_sale_decline(*, sale: PartSale, by: User, reason: str = "") -> PartSale:
    """The customer declines the quote, optionally saying why."""
    access.can_decline.enforce_who(by, sale)
    reason = _text(reason, field="reason", limit=REASON_MAX)
    now = timezone.now()
    with transaction.atomic():
        sale = _lock(sale, by, access.can_decline)
        sale.status = PartSaleStatus.DECLINED
        sale.declined_at, sale.decline_reason = now, reason
        _save(sale, now, "status", "declined_at", "decline_reason")
        _record(sale, by, PartSaleEventKind.DECLINED, reason, now)
    return sale


def _serials_by_part(sale: PartSale, serials: Any) -> dict[int, list[str]]:
    """{part id: serials} for the sale's serialised lines, one per unit (422 naming `serials`)."""
    given: dict[str, list[str]] = {}
    for i, item in enumerate(serials or []):
        loc = ("body", "serials", i)
        item = item if isinstance(item, Mapping) else {}
        number = _text(item.get("part_number"), field="part_number", limit=80)
        serial = _text(item.get("serial"), field="serial", limit=80)
        if not number or not serial:
            raise Invalid(REQUIRED, field="serial" if number else "part_number", loc=loc)
        given.setdefault(number, []).append(serial)
    result: dict[int, list[str]] = {}
    lines = {line.part.part_number: line for line in sale.lines.select_related("part")}
    for number in given:
        if number not in lines:
            raise Invalid(NOT_ON_SALE, field="serials")
    for number, line in lines.items():
        wanted = line.quantity if line.part.serialised else 0
        if len(given.get(number, [])) != wanted:
            raise Invalid(SERIALS_COUNT % {"part": number, "count": wanted}, field="serials")
        result[line.part_id] = given.get(number, [])
    return result


def part_sale_issue(
    *,
    sale: PartSale,
    by: User,
    carrier: str = "",
    tracking: str = "",
    serials: Any = None,
    at: dt.datetime | None = None,
) -> PartSale:
    """The sold units leave the warehouse (the ledger's issue moves), shipped with a carrier and
    tracking number or handed over (both blank); serialised units name their serials."""
    access.can_issue.enforce_who(by, sale)
    carrier = _text(carrier, field="carrier")
    tracking = _text(tracking, field="tracking")
    now = timezone.now()
    with transaction.atomic():
        sale = _lock(sale, by, access.can_issue)
        at = recorded_moment(at, now=now, previous=sale.accepted_at)
        by_part = _serials_by_part(sale, serials)
        for reservation in _reservations(sale):
            serial = by_part[reservation.part_id].pop() if reservation.part.serialised else ""
            stock.reservation_issue(
                reservation=reservation,
                by=by,
                serial=serial,
                at=at,
                asset=sale.asset,
                authorised=True,
            )
        sale.status = PartSaleStatus.ISSUED
        sale.issued_at, sale.carrier, sale.tracking = at, carrier, tracking
        _save(sale, now, "status", "issued_at", "carrier", "tracking")
        _record(sale, by, PartSaleEventKind.ISSUED, f"{carrier} {tracking}".strip(), at)
    return sale


def part_sale_cancel(*, sale: PartSale, by: User, reason: str) -> PartSale:
    """Cancel a sale not yet issued, with a reason; reserved units go back to stock."""
    access.can_cancel.enforce_who(by, sale)
    reason = _text(reason, field="reason", limit=REASON_MAX, required=True)
    now = timezone.now()
    with transaction.atomic():
        sale = _lock(sale, by, access.can_cancel)
        for reservation in _reservations(sale):
            stock.reservation_release(
                reservation=reservation, by=by, reason=reason, authorised=True
            )
        sale.status = PartSaleStatus.CANCELLED
        sale.cancelled_at, sale.cancel_reason = now, reason
        _save(sale, now, "status", "cancelled_at", "cancel_reason")
        _record(sale, by, PartSaleEventKind.CANCELLED, reason, now)
    return sale
