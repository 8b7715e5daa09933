"""The customer's sign-off (签字确认): on the portal, or drawn on the engineer's tablet."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from aftersales.contracts.entitlement import add_months
from aftersales.contracts.selectors import part_warranty_months
from aftersales.core.errors import Invalid
from aftersales.core.pdf import require_cjk_font
from aftersales.core.signatures import signature_png
from aftersales.repairs import access
from aftersales.repairs.models import RepairEventKind, RepairOrder, RepairStatus, SignoffChannel
from aftersales.repairs.services.common import (
    SIGNATURE_REQUIRED,
    SIGNER_REQUIRED,
    contact_name,
    lock_order,
    record_event,
    save_order,
)
from aftersales.repairs.services.reports import report_schedule


@transaction.atomic
def repair_sign_off(
    *, by: Any, order: RepairOrder, name: str = "", signature: str = ""
) -> RepairOrder:
    """The customer confirms the repair on the portal or by signing on the engineer's tablet;
    repaired parts get their own warranty; after commit a task archives and mails the report."""
    customer = access.is_customer_of(by, order)
    allowed = access.can_confirm if customer else access.can_sign_off
    allowed.enforce_who(by, order)
    name = (name or "").strip() or (contact_name(by) if customer else "")
    if not name:
        raise Invalid(SIGNER_REQUIRED, field="name")
    # Staff sign-off stands for the customer only with the customer's own drawn signature.
    if not customer and not signature:
        raise Invalid(SIGNATURE_REQUIRED, field="signature")
    png = signature_png(signature, field="signature") if signature else None
    # The report is rendered after commit; a server that cannot render it refuses now (503).
    require_cjk_font()
    order = lock_order(order, by, allowed)
    now = timezone.now()
    order.status = RepairStatus.SIGNED_OFF
    order.signed_off_at, order.signer_name = now, name[:100]
    order.signoff_channel = SignoffChannel.SIGNATURE if png else SignoffChannel.PORTAL
    if png:
        order.customer_signature.save(
            f"customer-{now:%Y%m%d%H%M%S}.png", ContentFile(png), save=False
        )
    order.warranty_until = add_months(timezone.localdate(now), part_warranty_months())
    order.parts.update(warranty_until=order.warranty_until)
    order.closed_at = now
    save_order(order, now, "status", "signed_off_at", "signer_name", "signoff_channel")
    save_order(order, now, "customer_signature", "warranty_until", "closed_at")
    record_event(order, by=by, kind=RepairEventKind.SIGNED_OFF, now=now, name=name)
    report_schedule(order=order, by=by)
    return order
