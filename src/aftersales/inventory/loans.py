"""Loaner devices (备用机, seed 004): a serialised unit flagged as a loaner, lent to a customer
until the repair it covers is done, then taken back good (on hand again) or damaged (faulty).

Lending and return are ledger moves (`loan_out`, `loan_return`) booked by the stock ledger's
one booking function, so every level still equals its ledger's sums. Every write locks the
level row before the unit (the order of every stock write): two loans of one unit serialise
and the second hears 409, with nothing written. Access first (403/404), then input (422
naming the field), then state (409).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member, scope_to_customer
from aftersales.accounts.models import User
from aftersales.core import timeline
from aftersales.core.db import MAX_ID
from aftersales.core.errors import Conflict, Invalid, NotFound
from aftersales.core.moments import recorded_moment
from aftersales.core.schema_types import checked_text
from aftersales.inventory import access
from aftersales.inventory import services as stock
from aftersales.inventory.models import (
    Loan,
    LoanCondition,
    LoanRefKind,
    MoveKind,
    Part,
    SerialState,
    SerialUnit,
)
from aftersales.registry.models import Asset, Customer

UNKNOWN_PART = _("Unknown part number.")
UNKNOWN_LOANER = _("No loaner unit has this serial number.")
AMBIGUOUS_LOANER = _("Loaners of several parts have this serial number: give the part number.")
FOREIGN_ASSET = _("This asset is not the customer's.")
REF_KIND_NEEDED = _("Say what the loan covers: an RMA, a repair order or a case.")
BAD_REF_KIND = _("Choose rma, repair or case.")
BAD_CONDITION = _("Choose good or damaged.")
ON_LOAN = _("This loaner is already lent (loan #%(loan)s).")
NOT_LENDABLE = _("This loaner is not in stock: it is “%(state)s”.")
NOT_IN_POOL = _("Only a unit in stock joins or leaves the loaner pool.")
NOT_FOUND = _("Not found.")

SERIAL_MAX = 80
REF_MAX = 80


def _text(value: Any, *, field: str, limit: int, required: bool = False) -> str:
    return checked_text(value, field=field, limit=limit, required=required)


def _refusal(unit: SerialUnit) -> Conflict:
    if unit.state == SerialState.LOANED:
        loan = unit.loans.filter(returned_at__isnull=True).values_list("pk", flat=True).first()
        return Conflict(ON_LOAN % {"loan": loan}, extra={"state": unit.state, "loan": loan})
    return Conflict(NOT_LENDABLE % {"state": unit.get_state_display()}, extra={"state": unit.state})


# --- the pool ---


def part_for_pool(part_number: str) -> Part:
    """The active part a loaner pool change names (422 naming `part_number`)."""
    part = Part.objects.filter(part_number=(part_number or "").strip(), is_active=True).first()
    if part is None:
        raise Invalid(UNKNOWN_PART, field="part_number")
    return part


@transaction.atomic
def loaner_pool_set(
    *, by: User, part: Part, serial: str, loaner: bool = True, at: dt.datetime | None = None
) -> SerialUnit:
    """Put a unit that is in stock into the loaner pool (or take it out): a loaner is lent,
    never issued as a spare."""
    access.enforce(access.can_move_stock(by), by)
    serial = _text(serial, field="serial", limit=SERIAL_MAX, required=True)
    at = recorded_moment(at, now=timezone.now())
    unit = SerialUnit.objects.select_for_update().filter(part=part, serial=serial).first()
    if unit is None:
        raise Invalid(stock.SERIAL_NOT_HERE % {"serial": serial}, field="serial")
    if unit.state != SerialState.IN_STOCK:
        raise Conflict(NOT_IN_POOL, extra={"state": unit.state})
    if unit.is_loaner != bool(loaner):
        unit.is_loaner = bool(loaner)
        unit.save(update_fields=["is_loaner"])
        timeline.record(
            subject=part,
            kind="updated",
            actor=by,
            at=at,
            internal=True,
            changes={"loaner": [serial if not loaner else None, serial if loaner else None]},
        )
    return unit


# --- lending and return ---


def _loaner(serial: str, part_number: str) -> SerialUnit:
    units = SerialUnit.objects.filter(serial=serial, is_loaner=True).select_related("part")
    if part_number:
        units = units.filter(part__part_number=part_number)
    found = list(units[:2])
    if not found:
        raise Invalid(UNKNOWN_LOANER, field="serial")
    if len(found) > 1:
        raise Invalid(AMBIGUOUS_LOANER, field="serial")
    return found[0]


def loan_lend(
    *,
    by: User,
    serial: str,
    customer: Customer,
    ref_kind: str = "",
    ref: str = "",
    asset: Asset | None = None,
    part_number: str = "",
    at: dt.datetime | None = None,
) -> Loan:
    """Lend the loaner `serial` to `customer` until the repair `ref_kind`/`ref` names is done:
    one `loan_out` move (on hand −1); 409 when it is already lent or held by a reservation."""
    access.enforce(access.can_lend(by, None), by)
    serial = _text(serial, field="serial", limit=SERIAL_MAX, required=True)
    part_number = _text(part_number, field="part_number", limit=80)
    ref_kind = _text(ref_kind, field="ref_kind", limit=10)
    ref = _text(ref, field="ref", limit=REF_MAX)
    if ref_kind and ref_kind not in LoanRefKind.values:
        raise Invalid(BAD_REF_KIND, field="ref_kind")
    if ref and not ref_kind:
        raise Invalid(REF_KIND_NEEDED, field="ref_kind")
    if ref_kind and not ref:
        raise Invalid(stock.REQUIRED, field="ref")
    if asset is not None and asset.customer_id != customer.pk:
        raise Invalid(FOREIGN_ASSET, field="asset")
    now = timezone.now()
    recorded_moment(at, now=now)  # a future moment is refused before any lock
    unit = _loaner(serial, part_number)
    if unit.state != SerialState.IN_STOCK or unit.warehouse_id is None:
        raise _refusal(unit)
    with transaction.atomic():
        level = stock._lock_existing(unit.part, unit.warehouse)
        unit = (
            SerialUnit.objects.select_for_update(of=("self",))
            .select_related("part")
            .get(pk=unit.pk)
        )
        # Another loan (or a transfer) may have taken the unit between the look and the lock.
        if (
            unit.state != SerialState.IN_STOCK
            or level is None
            or unit.warehouse_id != level.warehouse_id
        ):
            raise _refusal(unit)
        if level.available < 1:
            raise stock._no_stock(unit.part)
        at = recorded_moment(at, now=now, previous=unit.updated_at)
        loan = Loan.objects.create(
            unit=unit,
            warehouse_id=level.warehouse_id,
            customer=customer,
            asset=asset,
            ref_kind=ref_kind,
            ref=ref,
            lent_at=at,
            lent_by=by,
        )
        stock._book(
            level,
            kind=MoveKind.LOAN_OUT,
            by=by,
            at=at,
            on_hand=-1,
            serial=unit.serial,
            reason=" ".join(filter(None, [customer.code, ref_kind, ref])),
            ref_kind="loan",
            ref_id=loan.pk,
        )
        unit.state, unit.warehouse, unit.updated_at = SerialState.LOANED, None, at
        unit.save(update_fields=["state", "warehouse", "updated_at"])
        timeline.record(
            subject=loan,
            kind="lent",
            actor=by,
            at=at,
            text=" ".join(filter(None, [unit.part.name, unit.serial, ref])),
            data={"serial": unit.serial, "ref_kind": ref_kind, "ref": ref},
        )
    return loan


def loan_return(
    *, loan: Loan, by: User, condition: str = LoanCondition.GOOD, at: dt.datetime | None = None
) -> Loan:
    """Take the loaner back into the warehouse it was lent from: good → on hand again,
    damaged → counted faulty (never available); one `loan_return` move."""
    access.enforce(access.can_return_loan.who(by, loan), by)
    condition = _text(condition, field="condition", limit=10) or LoanCondition.GOOD
    if condition not in LoanCondition.values:
        raise Invalid(BAD_CONDITION, field="condition")
    now = timezone.now()
    recorded_moment(at, now=now)
    good = condition == LoanCondition.GOOD
    with transaction.atomic():
        # The level first, then the loan and its unit: the order of every stock write.
        level = stock._level(loan.unit.part, loan.warehouse)
        loan = Loan.objects.select_for_update(of=("self",)).get(pk=loan.pk)
        access.can_return_loan.enforce(by, loan)
        at = recorded_moment(at, now=now, previous=loan.lent_at)
        unit = SerialUnit.objects.select_for_update().get(pk=loan.unit_id)
        stock._book(
            level,
            kind=MoveKind.LOAN_RETURN,
            by=by,
            at=at,
            on_hand=1 if good else 0,
            faulty=0 if good else 1,
            serial=unit.serial,
            reason=condition,
            ref_kind="loan",
            ref_id=loan.pk,
        )
        unit.state = SerialState.IN_STOCK if good else SerialState.FAULTY
        unit.warehouse_id, unit.updated_at = loan.warehouse_id, at
        unit.save(update_fields=["state", "warehouse", "updated_at"])
        loan.returned_at, loan.returned_by, loan.condition = at, by, condition
        loan.save(update_fields=["returned_at", "returned_by", "condition"])
        timeline.record(
            subject=loan,
            kind="returned",
            actor=by,
            at=at,
            text=f"{unit.serial}: {LoanCondition(condition).label}",
            data={"condition": condition},
        )
    return loan


# --- reads: scoped to what the user may see ---


def loans_for_user(user: Any) -> QuerySet[Loan]:
    """Every loan for staff who may see stock; a contact's own organisation's (else 403)."""
    return scope_to_customer(
        Loan.objects.all(), user, staff_sees_all=is_staff_member(user) and can(user, access.VIEW)
    )


def loan_get_for_user(*, user: Any, pk: int) -> Loan:
    """The loan, or 404 for whoever may not see it (or for an id no row can have)."""
    qs = loans_for_user(user)
    if not isinstance(pk, int) or not 1 <= pk <= MAX_ID:
        raise NotFound(NOT_FOUND)
    try:
        return _related(qs).get(pk=pk)
    except Loan.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def _related(qs: QuerySet[Loan]) -> QuerySet[Loan]:
    return qs.select_related("unit__part", "warehouse", "customer", "asset")


def loan_list(
    *, user: Any, open: bool | None = None, customer: str = "", q: str = "", **_: Any
) -> QuerySet[Loan]:
    """Open loans first, the longest out first (the ones to chase); then returned ones, the
    newest return first. `q` matches a serial or a customer's code or name."""
    qs = _related(loans_for_user(user))
    if open is not None:
        qs = qs.filter(returned_at__isnull=open)
    if customer:
        qs = qs.filter(customer__code=customer)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(unit__serial__istartswith=q)
            | Q(customer__code__istartswith=q)
            | Q(customer__name__icontains=q)
            | Q(ref__istartswith=q)
        )
    return qs.order_by(F("returned_at").desc(nulls_first=True), "lent_at", "pk")


def days_out(loan: Loan, now: dt.datetime) -> int:
    """Whole days the loaner has been (or was) with the customer."""
    return max(0, ((loan.returned_at or now) - loan.lent_at).days)
