"""The quote (报价) of a paid repair, and the customer's approval or refusal of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t

from aftersales.contracts.entitlement import reason_text
from aftersales.core.errors import Invalid
from aftersales.repairs import access, promises
from aftersales.repairs.models import ApprovalChannel, RepairEventKind, RepairOrder, RepairStatus
from aftersales.repairs.services.common import (
    DECIDED_IN_FUTURE,
    DIAGNOSIS_REQUIRED,
    NAME_REQUIRED,
    contact_name,
    lock_order,
    notify_contact,
    record_event,
    save_order,
    site_url,
)
from aftersales.repairs.services.pricing import PRICE_FIELDS, reprice


@transaction.atomic
def repair_quote(*, by: Any, order: RepairOrder) -> RepairOrder:
    """Send the quote (报价) of a paid repair to the case's contact; the portal shows it."""
    access.can_quote.enforce_who(by, order)
    order = lock_order(order, by, access.can_quote)
    if not order.diagnosis:
        raise Invalid(DIAGNOSIS_REQUIRED, field="diagnosis")
    now = timezone.now()
    reprice(order)
    order.status = RepairStatus.QUOTED
    order.quoted_at, order.quoted_by, order.quote_amount = now, by, order.customer_amount
    order.approval_decided_at, order.approval_by_name, order.approval_channel = None, "", ""
    save_order(order, now, "status", "quoted_at", "quoted_by", "quote_amount", *PRICE_FIELDS)
    save_order(order, now, "approval_decided_at", "approval_by_name", "approval_channel")
    record_event(order, by=by, kind=RepairEventKind.QUOTED, now=now, amount=str(order.quote_amount))
    link = site_url(reverse("portal:repair_detail", args=[order.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        notify_contact(
            order,
            kind="repair.quote",
            subject=_t("Repair quote %(number)s: %(amount)s yuan")
            % {"number": order.number, "amount": order.quote_amount},
            body=_t(
                "Your device %(serial)s is out of warranty (%(reason)s).\n"
                "Diagnosis: %(diagnosis)s\n"
                "Parts %(parts)s + labour %(labour)s + travel %(travel)s = %(total)s yuan.\n"
                "Please approve or refuse the quote on the portal: %(link)s"
            )
            % {
                "serial": order.asset.serial_number if order.asset_id else "—",
                "reason": reason_text(order.entitlement_reason),
                "diagnosis": order.diagnosis,
                "parts": order.parts_cost,
                "labour": order.labour_cost,
                "travel": order.travel_cost,
                "total": order.quote_amount,
                "link": link,
            },
            key=now.isoformat(),
        )
    return order


@transaction.atomic
def repair_quote_decide(
    *,
    by: Any,
    order: RepairOrder,
    approve: bool,
    name: str = "",
    decided_at: dt.datetime | None = None,
    note: str = "",
    channel: str = "",
) -> RepairOrder:
    """The customer approves or refuses the quote: on the portal themselves, or staff record
    a phone decision with who and when. A refusal ends the order; the device goes back."""
    customer = access.is_customer_of(by, order)
    allowed = access.can_approve_quote if customer else access.can_record_approval
    allowed.enforce_who(by, order)
    order = lock_order(order, by, allowed)
    now = timezone.now()
    name = (name or "").strip()
    if customer:
        name = name or contact_name(by)
        decided_at = now
        channel = channel or ApprovalChannel.PORTAL
    else:
        if not name:
            raise Invalid(NAME_REQUIRED, field="name")
        decided_at = decided_at or now
        if decided_at > now:
            raise Invalid(DECIDED_IN_FUTURE, field="decided_at")
        channel = ApprovalChannel.PHONE
    order.approval_decided_at, order.approval_by_name = decided_at, name[:100]
    order.approval_channel = channel
    order.approval_recorded_by = by if getattr(by, "is_authenticated", False) else None
    fields = ["approval_decided_at", "approval_by_name", "approval_channel"]
    fields.append("approval_recorded_by")
    if approve:
        order.status = RepairStatus.APPROVED
        kind = RepairEventKind.APPROVED
    else:
        order.status = RepairStatus.REFUSED
        order.refusal_note = (note or "").strip()
        order.device_returned_at = now
        order.closed_at = now
        fields += ["refusal_note", "device_returned_at", "closed_at"]
        kind = RepairEventKind.REFUSED
        # Nothing was repaired: a carry-in return promise stops rather than counts as kept.
        promises.stop(order, now)
    save_order(order, now, "status", *fields)
    record_event(
        order,
        by=by,
        kind=kind,
        now=now,
        text=order.refusal_note if not approve else "",
        name=name,
        channel=channel,
        decided_at=decided_at.isoformat(),
    )
    return order
