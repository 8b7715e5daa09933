"""Every write on spare parts and stock: keyword-only, one transaction each.

A stock write locks the StockLevel row (`select_for_update`), writes its ledger row and the
level's new sums together, and records a timeline row on the part, so the level always equals
its ledger's sums and concurrent reservations never drive available stock below zero. Access
is checked first (403/404), then input (422 naming the field, nothing written), then stock
(409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core import timeline
from aftersales.core.errors import Conflict, Invalid
from aftersales.core.moments import recorded_moment
from aftersales.core.money import parse_amount
from aftersales.core.schema_types import checked_text
from aftersales.inventory import access
from aftersales.inventory.models import (
    MoveKind,
    Part,
    ReorderPoint,
    Reservation,
    ReservationState,
    SerialState,
    SerialUnit,
    StockLevel,
    StockMove,
    Stocktake,
    StocktakeLine,
    StocktakeState,
    Warehouse,
    WarehouseKind,
)
from aftersales.notify.services import notify_enqueue

NO_STOCK = _("No unit of this part is available.")
REQUIRED = _("This field is required.")
BAD_QUANTITY = _("Enter a whole number from 1 to %(max)s.")
BAD_WARRANTY = _("Enter a number of months from 0 to 240.")
PART_NUMBER_TAKEN = _("A part with this part number already exists.")
WAREHOUSE_CODE_TAKEN = _("A warehouse with this code already exists.")
BAD_KIND = _("Choose central, regional or car.")
SERIALS_COUNT = _("Give one serial number per unit: %(count)s expected.")
SERIALS_NOT_SERIALISED = _("This part is not serialised: give no serial numbers.")
SERIAL_DUPLICATE = _("Serial number %(serial)s is given twice or is already in stock.")
SERIAL_NOT_HERE = _("Serial number %(serial)s is not in stock in this warehouse.")
SERIAL_REQUIRED = _("A serialised part names its serial number.")
INACTIVE = _("This part or warehouse is no longer active.")
RESERVATION_CLOSED = _("This reservation is no longer open.")
SAME_WAREHOUSE = _("Choose a different warehouse to transfer to.")
NOT_ENOUGH_FAULTY = _("Not enough faulty units of this part in this warehouse.")
BELOW_RESERVED = _(
    "On hand cannot drop below the %(reserved)s reserved units: release reservations first."
)
ZERO_ADJUSTMENT = _("An adjustment changes the quantity: give a non-zero difference.")
STOCKTAKE_OPEN = _("This warehouse already has a stocktake in progress.")
STOCKTAKE_CLOSED = _("This stocktake is closed.")
BAD_COUNT = _("Enter a count from 0 to %(max)s.")
REORDER_SUBJECT = _("Reorder %(part)s at %(warehouse)s")
REORDER_BODY = _(
    "Available stock of %(part)s at %(warehouse)s is %(available)s, below the reorder point "
    "of %(minimum)s."
)

MAX_QUANTITY = 100_000
SHORT = 200
REASON_MAX = 2_000


# --- input checks: raise Invalid naming the field, before anything is written ---


def _text(value: str, *, field: str, limit: int = SHORT, required: bool = False) -> str:
    return checked_text(value, field=field, limit=limit, required=required)


def _quantity(value: Any, *, field: str = "quantity") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise Invalid(BAD_QUANTITY % {"max": MAX_QUANTITY}, field=field)
    return value


def _moment(at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    return recorded_moment(at, now=now)


def _serials(values: Iterable[str] | None, *, field: str = "serials") -> list[str]:
    serials = [_text(v, field=field, limit=80) for v in (values or [])]
    if any(not s for s in serials):
        raise Invalid(REQUIRED, field=field)
    return serials


# --- the ledger ---


def _level(part: Part, warehouse: Warehouse) -> StockLevel:
    """The locked level row of (part, warehouse), created empty the first time."""
    level = StockLevel.objects.select_for_update().filter(part=part, warehouse=warehouse).first()
    if level is None:
        try:
            # A savepoint: a concurrent first receipt may create the row between our two reads.
            with transaction.atomic():
                StockLevel.objects.create(part=part, warehouse=warehouse)
        except IntegrityError:
            pass
        level = StockLevel.objects.select_for_update().get(part=part, warehouse=warehouse)
    return level


def _lock_existing(part: Part | int, warehouse: Warehouse | int) -> StockLevel | None:
    """The locked level row (part and warehouse by object or id), its part and warehouse loaded
    for the ledger's timeline row; only the level's row is locked."""
    return (
        StockLevel.objects.select_for_update(of=("self",))
        .select_related("part", "warehouse")
        .filter(part=part, warehouse=warehouse)
        .first()
    )


def _book(
    level: StockLevel,
    *,
    kind: str,
    by: User | None,
    at: dt.datetime,
    on_hand: int = 0,
    reserved: int = 0,
    faulty: int = 0,
    serial: str = "",
    reason: str = "",
    ref_kind: str = "",
    ref_id: int | None = None,
    reservation: Reservation | None = None,
) -> StockMove:
    """Apply one ledger row to a locked level: the row, the new sums and the timeline entry."""
    level.on_hand += on_hand
    level.reserved += reserved
    level.faulty += faulty
    # The services check stock before booking; the constraints are the last line.
    assert level.on_hand >= level.reserved >= 0 and level.faulty >= 0, "stock invariant"
    move = StockMove.objects.create(
        kind=kind,
        part_id=level.part_id,
        warehouse_id=level.warehouse_id,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        faulty_delta=faulty,
        serial=serial,
        reason=reason,
        ref_kind=ref_kind,
        ref_id=ref_id,
        reservation=reservation,
        at=at,
        by=by if getattr(by, "pk", None) else None,
    )
    _check_reorder(level)
    level.save(update_fields=["on_hand", "reserved", "faulty", "reorder_alerted"])
    timeline.record(
        subject=level.part,
        kind=kind,
        actor=by,
        at=at,
        internal=True,
        text=f"{level.warehouse.code}: {on_hand:+d} / {reserved:+d} / {faulty:+d}"
        + (f" {serial}" if serial else ""),
        data={"move": move.pk, "warehouse": level.warehouse.code, "ref": [ref_kind, ref_id]},
    )
    return move


def _check_reorder(level: StockLevel) -> None:
    """Tell the keepers once when available falls below the reorder point; re-arm above it."""
    point = ReorderPoint.objects.filter(
        part_id=level.part_id, warehouse_id=level.warehouse_id, is_active=True
    ).first()
    if point is None:
        return
    below = level.available < point.minimum
    if below and not level.reorder_alerted:
        level.reorder_alerted = True
        _notify_keepers(level, point)
    elif not below and level.reorder_alerted:
        level.reorder_alerted = False


def _notify_keepers(level: StockLevel, point: ReorderPoint) -> None:
    names = {
        "part": str(level.part),
        "warehouse": str(level.warehouse),
        "available": level.available,
        "minimum": point.minimum,
    }
    # One alert per crossing: the key names the crossing by the ledger's newest row.
    crossing = StockMove.objects.filter(part_id=level.part_id).order_by("-id").values("id")[0]
    for keeper in level.warehouse.keepers.filter(is_active=True):
        notify_enqueue(
            channel="email",
            to_user=keeper,
            subject=str(REORDER_SUBJECT % names),
            body=str(REORDER_BODY % names),
            kind="inventory.reorder",
            ref_type="part",
            ref_id=level.part.part_number[:64],
            dedupe_key=f"inventory.reorder:{level.pk}:{crossing['id']}:{keeper.pk}",
        )


def _require_active(*objs: Part | Warehouse) -> None:
    if any(not o.is_active for o in objs):
        raise Conflict(INACTIVE)


def _enforce_move(by: User, authorised: bool) -> None:
    if not authorised:
        access.enforce(access.can_move_stock(by), by)


def _no_stock(part: Part) -> Conflict:
    return Conflict(NO_STOCK, extra={"part_number": part.part_number})


# --- parts and warehouses ---


@transaction.atomic
def part_create(
    *,
    by: User,
    part_number: str,
    name: str,
    serialised: bool = False,
    unit_cost: Any = 0,
    sale_price: Any = 0,
    warranty_months: int = 12,
    product_models: Iterable[Any] = (),
) -> Part:
    """Add a spare part; a part number already used (even by an inactive part) is a 422."""
    access.enforce(access.can_create_part(by), by)
    part_number = _text(part_number, field="part_number", limit=80, required=True)
    name = _text(name, field="name", required=True)
    cost = parse_amount(unit_cost, field="unit_cost")
    price = parse_amount(sale_price, field="sale_price")
    if isinstance(warranty_months, bool) or not 0 <= int(warranty_months) <= 240:
        raise Invalid(BAD_WARRANTY, field="warranty_months")
    if Part.objects.filter(part_number__iexact=part_number).exists():
        raise Invalid(PART_NUMBER_TAKEN, field="part_number")
    part = Part.objects.create(
        part_number=part_number,
        name=name,
        serialised=bool(serialised),
        unit_cost=cost,
        sale_price=price,
        warranty_months=int(warranty_months),
    )
    if product_models:
        part.product_models.set(product_models)
    timeline.record(subject=part, kind="created", actor=by, text=str(part), internal=True)
    return part


_PART_FIELDS = ("name", "unit_cost", "sale_price", "warranty_months", "is_active")


@transaction.atomic
def part_update(*, by: User, part: Part, **fields: Any) -> Part:
    """Change a part's name, prices, warranty or active flag (never its number or serialising,
    which the ledger and serial units depend on)."""
    access.enforce(access.can_change_part(by), by)
    unknown = set(fields) - set(_PART_FIELDS)
    if unknown:
        raise Invalid(REQUIRED, field=sorted(unknown)[0])
    part = Part.objects.select_for_update().get(pk=part.pk)
    before = timeline.snapshot(part, fields)
    if "name" in fields:
        part.name = _text(fields["name"], field="name", required=True)
    for money in ("unit_cost", "sale_price"):
        if money in fields:
            setattr(part, money, parse_amount(fields[money], field=money))
    if "warranty_months" in fields:
        months = fields["warranty_months"]
        if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 240:
            raise Invalid(BAD_WARRANTY, field="warranty_months")
        part.warranty_months = months
    if "is_active" in fields:
        part.is_active = bool(fields["is_active"])
    changes = timeline.changes_between(before, part)
    if changes:
        part.save(update_fields=list(changes))
        timeline.record(subject=part, kind="updated", actor=by, changes=changes, internal=True)
    return part


@transaction.atomic
def warehouse_create(
    *,
    by: User,
    code: str,
    name: str,
    kind: str = WarehouseKind.REGIONAL,
    region: str = "",
    keepers: Iterable[User] = (),
) -> Warehouse:
    """Add a warehouse: central, a regional service centre or an engineer's car stock."""
    access.enforce(access.can_create_warehouse(by), by)
    code = _text(code, field="code", limit=40, required=True)
    name = _text(name, field="name", required=True)
    region = _text(region, field="region", limit=40)
    if kind not in WarehouseKind.values:
        raise Invalid(BAD_KIND, field="kind")
    if Warehouse.objects.filter(code__iexact=code).exists():
        raise Invalid(WAREHOUSE_CODE_TAKEN, field="code")
    warehouse = Warehouse.objects.create(code=code, name=name, kind=kind, region=region)
    if keepers:
        warehouse.keepers.set(keepers)
    timeline.record(subject=warehouse, kind="created", actor=by, text=str(warehouse))
    return warehouse


@transaction.atomic
def reorder_point_set(*, by: User, part: Part, warehouse: Warehouse, minimum: int) -> ReorderPoint:
    """Set (or change) the minimum available stock of a part in a warehouse."""
    access.enforce(access.can_move_stock(by), by)
    if (
        isinstance(minimum, bool)
        or not isinstance(minimum, int)
        or not 0 <= minimum <= MAX_QUANTITY
    ):
        raise Invalid(BAD_COUNT % {"max": MAX_QUANTITY}, field="minimum")
    point, _created = ReorderPoint.objects.update_or_create(
        part=part, warehouse=warehouse, defaults={"minimum": minimum, "is_active": True}
    )
    timeline.record(
        subject=part,
        kind="updated",
        actor=by,
        internal=True,
        changes={"reorder_point": [None, f"{warehouse.code}: {minimum}"]},
    )
    return point


# --- receipts, reservations, issues ---


@transaction.atomic
def stock_receive(
    *,
    by: User,
    part: Part,
    warehouse: Warehouse,
    quantity: int,
    serials: Iterable[str] | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
    authorised: bool = False,
) -> StockMove:
    """Book good units into a warehouse; a serialised part names one new serial per unit
    (`authorised` as in stock_reserve: a repair's engineer puts back an unused part)."""
    _enforce_move(by, authorised)
    quantity = _quantity(quantity)
    serial_list = _serials(serials)
    reason = _text(reason, field="reason", limit=REASON_MAX)
    at = _moment(at, timezone.now())
    if part.serialised:
        if len(serial_list) != quantity:
            raise Invalid(SERIALS_COUNT % {"count": quantity}, field="serials")
        known = set(
            SerialUnit.objects.filter(part=part, serial__in=serial_list)
            .exclude(state=SerialState.ISSUED)  # a unit that left may come back
            .values_list("serial", flat=True)
        )
        seen: set[str] = set()
        for serial in serial_list:
            if serial in seen or serial in known:
                raise Invalid(SERIAL_DUPLICATE % {"serial": serial}, field="serials")
            seen.add(serial)
    elif serial_list:
        raise Invalid(SERIALS_NOT_SERIALISED, field="serials")
    _require_active(part, warehouse)
    level = _level(part, warehouse)
    move = _book(
        level,
        kind=MoveKind.RECEIPT,
        by=by,
        at=at,
        on_hand=quantity,
        serial=",".join(serial_list)[:80],
        reason=reason,
    )
    for serial in serial_list:
        SerialUnit.objects.update_or_create(
            part=part,
            serial=serial,
            defaults={"state": SerialState.IN_STOCK, "warehouse": warehouse, "updated_at": at},
        )
    return move


def _candidates(part: Part, region: str, quantity: int) -> list[int]:
    """Warehouse ids holding enough available stock, nearest first: the region's, then the
    central ones, then any (ties by code)."""
    whens = [When(warehouse__region=region, then=Value(0))] if region else []
    whens.append(When(warehouse__kind=WarehouseKind.CENTRAL, then=Value(1)))
    rows = (
        StockLevel.objects.filter(part=part, warehouse__is_active=True)
        .annotate(free=F("on_hand") - F("reserved"))
        .filter(free__gte=quantity)
        .annotate(rank=Case(*whens, default=Value(2), output_field=IntegerField()))
        .order_by("rank", "warehouse__code")
        .values_list("warehouse_id", flat=True)
    )
    return list(rows)


@transaction.atomic
def stock_reserve(
    *,
    part: Part,
    by: User,
    ref_kind: str,
    ref_id: int,
    warehouse: Warehouse | None = None,
    region: str = "",
    quantity: int = 1,
    at: dt.datetime | None = None,
    authorised: bool = False,
) -> Reservation:
    """Hold good units for a record (an RMA, a repair order) in `warehouse`, or the nearest one
    holding them; 409 when none is available (checked again under the row lock).

    `authorised`: the caller's own predicate allowed this move (a customer accepting a part
    sale's quote holds no stock permission); the ledger still names `by`."""
    _enforce_move(by, authorised)
    quantity = _quantity(quantity)
    ref_kind = _text(ref_kind, field="ref_kind", limit=40, required=True)
    at = _moment(at, timezone.now())
    if not part.is_active:
        raise Conflict(INACTIVE)
    if warehouse is not None:
        _require_active(warehouse)
        ids = [warehouse.pk]
    else:
        ids = _candidates(part, (region or "").strip(), quantity)
    # Every candidate's row is locked at once, in one order (by id) whatever the preference:
    # two reservations locking rows one by one in their own nearest-first orders deadlock.
    # Only the level rows: a join under FOR UPDATE would lock the part's row as well.
    locked = {
        level.warehouse_id: level
        for level in StockLevel.objects.select_for_update(of=("self",))
        .select_related("part", "warehouse")
        .filter(part=part, warehouse_id__in=ids)
        .order_by("pk")
    }
    for warehouse_id in ids:
        level = locked.get(warehouse_id)
        # Another reservation may have taken the units between the look and the lock.
        if level is None or level.available < quantity:
            continue
        reservation = Reservation.objects.create(
            part=part,
            warehouse_id=warehouse_id,
            quantity=quantity,
            ref_kind=ref_kind,
            ref_id=ref_id,
            created_at=at,
            by=by,
        )
        _book(
            level,
            kind=MoveKind.RESERVE,
            by=by,
            at=at,
            reserved=quantity,
            ref_kind=ref_kind,
            ref_id=ref_id,
            reservation=reservation,
        )
        return reservation
    raise _no_stock(part)


def _locked_open(reservation: Reservation) -> tuple[Reservation, StockLevel]:
    # The level first, then the reservation: every stock write locks in that order.
    level = _lock_existing(reservation.part_id, reservation.warehouse_id)
    reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.state != ReservationState.OPEN or level is None:
        raise Conflict(RESERVATION_CLOSED, extra={"state": reservation.state})
    return reservation, level


@transaction.atomic
def reservation_release(
    *, reservation: Reservation, by: User, reason: str = "", authorised: bool = False
) -> Reservation:
    """Give the reserved units back to available stock (`authorised` as in stock_reserve)."""
    _enforce_move(by, authorised)
    reason = _text(reason, field="reason", limit=REASON_MAX)
    reservation, level = _locked_open(reservation)
    now = timezone.now()
    _book(
        level,
        kind=MoveKind.RELEASE,
        by=by,
        at=now,
        reserved=-reservation.quantity,
        reason=reason,
        ref_kind=reservation.ref_kind,
        ref_id=reservation.ref_id,
        reservation=reservation,
    )
    reservation.state = ReservationState.RELEASED
    reservation.closed_at = now
    reservation.save(update_fields=["state", "closed_at"])
    return reservation


@transaction.atomic
def reservation_issue(
    *,
    reservation: Reservation,
    by: User,
    serial: str = "",
    at: dt.datetime | None = None,
    asset: Any = None,
    authorised: bool = False,
) -> StockMove:
    """The reserved good unit leaves stock (on hand and reserved both drop); a serialised part
    names the unit's serial, which then follows the customer's `asset` when given
    (`authorised` as in stock_reserve)."""
    _enforce_move(by, authorised)
    serial = _text(serial, field="serial", limit=80)
    at = _moment(at, timezone.now())
    reservation, level = _locked_open(reservation)
    unit = None
    if reservation.part.serialised:
        if not serial:
            raise Invalid(SERIAL_REQUIRED, field="serial")
        unit = (
            SerialUnit.objects.select_for_update()
            .filter(
                part=reservation.part,
                serial=serial,
                warehouse=reservation.warehouse,
                state=SerialState.IN_STOCK,
                is_loaner=False,  # a loaner is lent (inventory.loans), never issued
            )
            .first()
        )
        if unit is None:
            raise Invalid(SERIAL_NOT_HERE % {"serial": serial}, field="serial")
    move = _book(
        level,
        kind=MoveKind.ISSUE,
        by=by,
        at=at,
        on_hand=-reservation.quantity,
        reserved=-reservation.quantity,
        serial=serial,
        ref_kind=reservation.ref_kind,
        ref_id=reservation.ref_id,
        reservation=reservation,
    )
    if unit is not None:
        unit.state, unit.warehouse, unit.updated_at = SerialState.ISSUED, None, at
        unit.asset = asset or unit.asset
        unit.save(update_fields=["state", "warehouse", "updated_at", "asset"])
    reservation.state = ReservationState.ISSUED
    reservation.closed_at = at
    reservation.save(update_fields=["state", "closed_at"])
    return move


@transaction.atomic
def faulty_receive(
    *,
    part: Part,
    warehouse: Warehouse,
    by: User,
    serial: str = "",
    ref_kind: str,
    ref_id: int,
    at: dt.datetime | None = None,
    asset: Any = None,
) -> StockMove:
    """Book in a faulty unit a customer returned: counted as faulty, never available."""
    access.enforce(access.can_move_stock(by), by)
    serial = _text(serial, field="serial", limit=80)
    ref_kind = _text(ref_kind, field="ref_kind", limit=40, required=True)
    at = _moment(at, timezone.now())
    if part.serialised and not serial:
        raise Invalid(SERIAL_REQUIRED, field="serial")
    _require_active(warehouse)
    level = _level(part, warehouse)
    move = _book(
        level,
        kind=MoveKind.FAULTY_IN,
        by=by,
        at=at,
        faulty=1,
        serial=serial,
        ref_kind=ref_kind,
        ref_id=ref_id,
    )
    if part.serialised:
        defaults = {"state": SerialState.FAULTY, "warehouse": warehouse, "updated_at": at}
        if asset is not None:
            defaults["asset"] = asset
        SerialUnit.objects.update_or_create(part=part, serial=serial, defaults=defaults)
    return move


# --- transfers, scrap, adjustments ---


def _units_at(part: Part, warehouse: Warehouse, serials: list[str], state: str) -> list:
    units = list(
        SerialUnit.objects.select_for_update().filter(
            part=part, warehouse=warehouse, serial__in=serials, state=state
        )
    )
    found = {u.serial for u in units}
    for serial in serials:
        if serial not in found:
            raise Invalid(SERIAL_NOT_HERE % {"serial": serial}, field="serials")
    return units


@transaction.atomic
def stock_transfer(
    *,
    by: User,
    part: Part,
    source: Warehouse,
    target: Warehouse,
    quantity: int,
    serials: Iterable[str] | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> tuple[StockMove, StockMove]:
    """Move available good units from one warehouse to another (two ledger rows)."""
    access.enforce(access.can_move_stock(by), by)
    quantity = _quantity(quantity)
    serial_list = _serials(serials)
    reason = _text(reason, field="reason", limit=REASON_MAX)
    at = _moment(at, timezone.now())
    if source.pk == target.pk:
        raise Invalid(SAME_WAREHOUSE, field="target")
    if part.serialised and len(serial_list) != quantity:
        raise Invalid(SERIALS_COUNT % {"count": quantity}, field="serials")
    if not part.serialised and serial_list:
        raise Invalid(SERIALS_NOT_SERIALISED, field="serials")
    _require_active(part, target)
    # Both rows locked in one order (by warehouse id) so two opposite transfers cannot deadlock.
    levels = {}
    for warehouse in sorted((source, target), key=lambda w: w.pk):
        levels[warehouse.pk] = _level(part, warehouse)
    out_level, in_level = levels[source.pk], levels[target.pk]
    if out_level.available < quantity:
        raise _no_stock(part)
    units = _units_at(part, source, serial_list, SerialState.IN_STOCK) if serial_list else []
    serial_text = ",".join(serial_list)[:80]
    out = _book(
        out_level,
        kind=MoveKind.TRANSFER_OUT,
        by=by,
        at=at,
        on_hand=-quantity,
        serial=serial_text,
        reason=reason,
        ref_kind="warehouse",
        ref_id=target.pk,
    )
    inn = _book(
        in_level,
        kind=MoveKind.TRANSFER_IN,
        by=by,
        at=at,
        on_hand=quantity,
        serial=serial_text,
        reason=reason,
        ref_kind="warehouse",
        ref_id=source.pk,
    )
    for unit in units:
        unit.warehouse, unit.updated_at = target, at
        unit.save(update_fields=["warehouse", "updated_at"])
    return out, inn


@transaction.atomic
def stock_scrap(
    *,
    by: User,
    part: Part,
    warehouse: Warehouse,
    reason: str,
    quantity: int = 1,
    faulty: bool = False,
    serial: str = "",
    at: dt.datetime | None = None,
) -> StockMove:
    """Write off units: available good ones, or (`faulty`) faulty ones; a reason is required."""
    access.enforce(access.can_move_stock(by), by)
    quantity = _quantity(quantity)
    reason = _text(reason, field="reason", limit=REASON_MAX, required=True)
    serial = _text(serial, field="serial", limit=80)
    at = _moment(at, timezone.now())
    if part.serialised and (not serial or quantity != 1):
        raise Invalid(SERIAL_REQUIRED, field="serial")
    level = _lock_existing(part, warehouse)
    if faulty and (level is None or level.faulty < quantity):
        raise Conflict(NOT_ENOUGH_FAULTY)
    if not faulty and (level is None or level.available < quantity):
        raise _no_stock(part)
    state = SerialState.FAULTY if faulty else SerialState.IN_STOCK
    units = _units_at(part, warehouse, [serial], state) if serial else []
    move = _book(
        level,
        kind=MoveKind.SCRAP,
        by=by,
        at=at,
        on_hand=0 if faulty else -quantity,
        faulty=-quantity if faulty else 0,
        serial=serial,
        reason=reason,
    )
    for unit in units:
        unit.state, unit.warehouse, unit.updated_at = SerialState.SCRAPPED, None, at
        unit.save(update_fields=["state", "warehouse", "updated_at"])
    return move


def _adjust(
    *,
    by: User,
    part: Part,
    warehouse: Warehouse,
    delta: int,
    reason: str,
    at: dt.datetime,
    ref_kind: str = "",
    ref_id: int | None = None,
) -> StockMove:
    level = _level(part, warehouse)
    if level.on_hand + delta < level.reserved:
        raise Conflict(
            BELOW_RESERVED % {"reserved": level.reserved},
            extra={"part_number": part.part_number, "warehouse": warehouse.code},
        )
    return _book(
        level,
        kind=MoveKind.ADJUST,
        by=by,
        at=at,
        on_hand=delta,
        reason=reason,
        ref_kind=ref_kind,
        ref_id=ref_id,
    )


@transaction.atomic
def stock_adjust(
    *,
    by: User,
    part: Part,
    warehouse: Warehouse,
    delta: int,
    reason: str,
    at: dt.datetime | None = None,
) -> StockMove:
    """Correct on-hand by `delta` with a reason (a stocktake's difference, a found box);
    never below what is reserved (409). Serial units are not touched."""
    access.enforce(access.can_take_stock(by), by)
    if isinstance(delta, bool) or not isinstance(delta, int) or abs(delta) > MAX_QUANTITY:
        raise Invalid(BAD_QUANTITY % {"max": MAX_QUANTITY}, field="delta")
    if delta == 0:
        raise Invalid(ZERO_ADJUSTMENT, field="delta")
    reason = _text(reason, field="reason", limit=REASON_MAX, required=True)
    at = _moment(at, timezone.now())
    return _adjust(by=by, part=part, warehouse=warehouse, delta=delta, reason=reason, at=at)


# --- stocktake (盘点) ---


@transaction.atomic
def stocktake_open(*, by: User, warehouse: Warehouse) -> Stocktake:
    """Start counting a warehouse: one line per part it holds, expecting today's on hand."""
    access.enforce(access.can_take_stock(by), by)
    _require_active(warehouse)
    if Stocktake.objects.filter(warehouse=warehouse, state=StocktakeState.OPEN).exists():
        raise Conflict(STOCKTAKE_OPEN)
    now = timezone.now()
    try:
        with transaction.atomic():
            stocktake = Stocktake.objects.create(warehouse=warehouse, opened_at=now, opened_by=by)
    except IntegrityError:  # a second keeper opened one at the same moment
        raise Conflict(STOCKTAKE_OPEN) from None
    StocktakeLine.objects.bulk_create(
        StocktakeLine(stocktake=stocktake, part_id=part_id, expected=on_hand)
        for part_id, on_hand in StockLevel.objects.filter(warehouse=warehouse).values_list(
            "part_id", "on_hand"
        )
    )
    timeline.record(subject=stocktake, kind="opened", actor=by, at=now)
    return stocktake


@transaction.atomic
def stocktake_count(*, by: User, stocktake: Stocktake, part: Part, counted: int) -> StocktakeLine:
    """Record how many units of `part` are on the shelf (a part not expected gets a line)."""
    access.enforce(access.can_take_stock(by), by)
    if (
        isinstance(counted, bool)
        or not isinstance(counted, int)
        or not 0 <= counted <= MAX_QUANTITY
    ):
        raise Invalid(BAD_COUNT % {"max": MAX_QUANTITY}, field="counted")
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if stocktake.state != StocktakeState.OPEN:
        raise Conflict(STOCKTAKE_CLOSED)
    line, _created = StocktakeLine.objects.get_or_create(
        stocktake=stocktake, part=part, defaults={"expected": 0}
    )
    line.counted = counted
    line.save(update_fields=["counted"])
    return line


@transaction.atomic
def stocktake_close(*, by: User, stocktake: Stocktake, reason: str = "") -> Stocktake:
    """Book each counted difference (counted − expected) as an `adjust` move with the
    stocktake's reason; uncounted lines change nothing."""
    access.enforce(access.can_take_stock(by), by)
    reason = _text(reason, field="reason", limit=REASON_MAX)
    stocktake = (
        Stocktake.objects.select_for_update(of=("self",))
        .select_related("warehouse")
        .get(pk=stocktake.pk)
    )
    if stocktake.state != StocktakeState.OPEN:
        raise Conflict(STOCKTAKE_CLOSED)
    now = timezone.now()
    text = f"#{stocktake.pk} {reason}".strip()
    lines = stocktake.lines.select_related("part").filter(counted__isnull=False).order_by("part_id")
    for line in lines:
        if line.difference:
            _adjust(
                by=by,
                part=line.part,
                warehouse=stocktake.warehouse,
                delta=line.difference,
                reason=text,
                at=now,
                ref_kind="stocktake",
                ref_id=stocktake.pk,
            )
    stocktake.state, stocktake.closed_at, stocktake.reason = StocktakeState.CLOSED, now, reason
    stocktake.save(update_fields=["state", "closed_at", "reason"])
    timeline.record(subject=stocktake, kind="closed", actor=by, at=now, text=reason)
    return stocktake
