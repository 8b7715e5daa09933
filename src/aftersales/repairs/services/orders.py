"""Opening a repair order on a case, recording its diagnosis and costs, cancelling it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import has_role, is_staff_member
from aftersales.accounts.roles import Role
from aftersales.cases.models import Case
from aftersales.core import timeline
from aftersales.core.errors import Conflict, Invalid
from aftersales.registry.models import Asset
from aftersales.repairs import access, promises
from aftersales.repairs.models import (
    ZERO,
    Decision,
    Exclusion,
    FaultCategory,
    PriceList,
    RepairEventKind,
    RepairOrder,
    RepairPart,
    RepairStatus,
    ServiceMode,
    TravelMode,
)
from aftersales.repairs.services.common import (
    ASSET_OF_OTHER_CUSTOMER,
    FAULT_REQUIRED,
    NO_PRICE_LIST,
    NOT_AN_ENGINEER,
    NOT_NEGATIVE,
    OVER_QUOTE,
    UNKNOWN_DECISION,
    UNKNOWN_EXCLUSION,
    UNKNOWN_FAULT,
    UNKNOWN_MODE,
    UNKNOWN_TRAVEL,
    lock_order,
    record_event,
    save_order,
)
from aftersales.repairs.services.pricing import money, part_lines, reprice, set_chargeable
from aftersales.repairs.services.replacement import check_replacement
from aftersales.repairs.services.warranty import repair_entitlement

TEXT_FIELDS = ("diagnosis", "cause", "solution", "process", "test_results", "fault_text")


def _fault(code: str) -> FaultCategory:
    category = FaultCategory.objects.filter(code=(code or "").strip(), is_active=True).first()
    if category is None:
        raise Invalid(UNKNOWN_FAULT, field="fault_category")
    return category


def _next_number(case: Case) -> str:
    return f"{case.number}-R{RepairOrder.objects.filter(case=case).count() + 1}"


def has_engineer_role(user: Any) -> bool:
    return has_role(user, Role.ENGINEER, Role.EXPERT)


@transaction.atomic
def repair_create(
    *,
    by: Any,
    case: Case,
    service_mode: str,
    fault_category: str,
    fault_text: str,
    diagnosis: str = "",
    asset: Asset | None = None,
) -> RepairOrder:
    """Open a repair order on an open case; decides entitlement and the replacement rule."""
    access.can_open.enforce_who(by, case)
    if service_mode not in ServiceMode.values:
        raise Invalid(UNKNOWN_MODE, field="service_mode")
    category = _fault(fault_category)
    fault_text = (fault_text or "").strip()
    if not fault_text:
        raise Invalid(FAULT_REQUIRED, field="fault_text")
    asset = asset or case.asset
    if asset is not None and asset.customer_id != case.customer_id:
        raise Invalid(ASSET_OF_OTHER_CUSTOMER, field="asset")
    prices = PriceList.objects.filter(is_active=True).order_by("-is_default", "id").first()
    if prices is None:
        raise Conflict(NO_PRICE_LIST)
    case = Case.objects.select_for_update().get(pk=case.pk)
    access.can_open.enforce(by, case)
    now = timezone.now()
    ent = repair_entitlement(asset=asset, customer=case.customer, on=timezone.localdate(now))
    order = RepairOrder(
        number=_next_number(case),
        case=case,
        customer_id=case.customer_id,
        asset=asset,
        service_mode=service_mode,
        fault_category=category,
        fault_text=fault_text,
        diagnosis=(diagnosis or "").strip(),
        price_list=prices,
        labour_per_hour=prices.labour_per_hour,
        travel_per_km=prices.travel_per_km,
        travel_fixed_fee=prices.travel_fixed_fee,
        entitlement_status=ent.status,
        entitlement_reason=ent.stored_reason,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    set_chargeable(order)
    check_replacement(order)
    order.save()
    if has_engineer_role(by):
        order.engineers.add(by)
    record_event(
        order,
        by=by,
        kind=RepairEventKind.CREATED,
        now=now,
        text=order.fault_text,
        entitlement=ent.status,
        replacement=order.replacement_proposed,
    )
    return order


@transaction.atomic
def repair_update(
    *,
    by: Any,
    order: RepairOrder,
    parts: Iterable[dict] | None = None,
    engineers: Iterable[Any] | None = None,
    **fields: Any,
) -> RepairOrder:
    """Record diagnosis, decision, appointment, parts, labour and travel, and reprice; a new
    price withdraws a paid order's quote (back to new), and in progress may not exceed it."""
    access.can_record_work.enforce_who(by, order)
    order = lock_order(order, by, access.can_record_work)
    now = timezone.now()
    before = order.customer_amount
    changed: list[str] = []
    for key, value in fields.items():
        if key in TEXT_FIELDS:
            value = (value or "").strip()
            if key == "fault_text" and not value:
                raise Invalid(FAULT_REQUIRED, field=key)
        elif key == "fault_category":
            value = _fault(value)
        elif key == "decision":
            value = value or ""
            if value not in Decision.values:
                raise Invalid(UNKNOWN_DECISION, field=key)
        elif key == "service_mode":
            if value not in ServiceMode.values:
                raise Invalid(UNKNOWN_MODE, field=key)
        elif key == "travel_mode":
            if value not in TravelMode.values:
                raise Invalid(UNKNOWN_TRAVEL, field=key)
        elif key == "exclusion":
            value = value or ""
            if value not in Exclusion.values:
                raise Invalid(UNKNOWN_EXCLUSION, field=key)
        elif key == "labour_minutes":
            try:
                value = int(value or 0)
            except (TypeError, ValueError) as exc:
                raise Invalid(NOT_NEGATIVE, field=key) from exc
            if not 0 <= value <= 10**6:
                raise Invalid(NOT_NEGATIVE, field=key)
        elif key == "travel_km":
            value = money(value or 0, key).quantize(Decimal("0.1"))
        elif key == "appointment_at":
            pass
        else:
            raise Invalid(_("Unknown field."), field=key)
        setattr(order, key, value)
        changed.append(key)
    if parts is not None:
        new_parts = part_lines(parts)
        # The list holds the free-text parts; parts drawn from stock go back through the ledger.
        order.parts.filter(stock_move__isnull=True).delete()
        for part in new_parts:
            part.order = order
        RepairPart.objects.bulk_create(new_parts)
        changed.append("parts")
    if engineers is not None:
        engineers = list(engineers)
        if any(not (u.is_active and is_staff_member(u)) for u in engineers):
            raise Invalid(NOT_AN_ENGINEER, field="engineers")
        order.engineers.set(engineers)
        changed.append("engineers")
    set_chargeable(order)
    if "fault_category" in changed or "fault_text" in changed:
        check_replacement(order)
    reprice(order)
    text = price_changed(order, before)
    order.updated_at = now
    order.save()
    amounts = timeline.changes_between(
        {"customer_amount": str(before)}, {"customer_amount": order.customer_amount}
    )
    record_event(
        order,
        by=by,
        kind=RepairEventKind.UPDATED,
        now=now,
        text=text,
        changes=amounts,
        fields=changed,
    )
    return order


def price_changed(order: RepairOrder, before: Decimal) -> str:
    """After a reprice: a new price withdraws a paid order's quote (back to new, returns the
    note saying so); in progress it may not exceed the approved quote (409)."""
    if not order.chargeable or order.customer_amount == before:
        return ""
    if order.status in (RepairStatus.QUOTED, RepairStatus.APPROVED):
        order.status = RepairStatus.NEW
        return _t("Price changed: the quote was withdrawn and must be sent again.")
    if order.status == RepairStatus.IN_PROGRESS and order.customer_amount > (
        order.quote_amount or ZERO
    ):
        raise Conflict(OVER_QUOTE % {"amount": order.quote_amount})
    return ""


@transaction.atomic
def repair_cancel(*, by: Any, order: RepairOrder, text: str = "") -> RepairOrder:
    """Cancel an order before work starts (e.g. the fault went away); nothing is deleted."""
    access.can_cancel.enforce_who(by, order)
    order = lock_order(order, by, access.can_cancel)
    now = timezone.now()
    order.status, order.closed_at = RepairStatus.CANCELLED, now
    save_order(order, now, "status", "closed_at")
    promises.stop(order, now)
    record_event(order, by=by, kind=RepairEventKind.CANCELLED, now=now, text=(text or "").strip())
    return order
