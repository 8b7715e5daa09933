"""The same fault repaired twice on one asset proposes replacing it (domain.md)."""

from __future__ import annotations

import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _t

from aftersales.repairs.models import Decision, RepairOrder, RepairStatus

# Completed repairs count towards "the same fault twice" (domain.md).
COMPLETED = (RepairStatus.VERIFIED, RepairStatus.SIGNED_OFF)
REPEATS_BEFORE_REPLACEMENT = 2


def normalise_fault_text(text: str) -> str:
    """Lower case, full-width folded, without spaces or punctuation: "Power  failure!" ==
    "power failure" == "ＰＯＷＥＲ　ＦＡＩＬＵＲＥ"."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZS")


def same_fault_history(order: RepairOrder) -> list[RepairOrder]:
    """Earlier completed repairs of the same asset for the same fault category, oldest first;
    for a catch-all category ("other") the normalised fault texts must also be equal."""
    if order.asset_id is None:
        return []
    earlier = (
        RepairOrder.objects.filter(
            asset_id=order.asset_id, fault_category=order.fault_category, status__in=COMPLETED
        )
        .exclude(pk=order.pk)
        .order_by("created_at", "id")
    )
    if order.fault_category.generic:
        wanted = normalise_fault_text(order.fault_text)
        return [o for o in earlier if normalise_fault_text(o.fault_text) == wanted]
    return list(earlier)


def check_replacement(order: RepairOrder) -> None:
    """Propose (or withdraw) replacing the asset; a proposal defaults the decision to a swap."""
    history = same_fault_history(order)
    if len(history) < REPEATS_BEFORE_REPLACEMENT:
        order.replacement_proposed, order.replacement_reason = False, ""
        return
    dates = [timezone.localdate(o.verified_at or o.created_at).isoformat() for o in history]
    model = order.asset.product_model
    order.replacement_proposed = True
    order.replacement_reason = _t(
        "%(serial)s repaired for “%(fault)s” on %(dates)s: replace it with the same brand "
        "and model (%(vendor)s %(model)s)."
    ) % {
        "serial": order.asset.serial_number,
        "fault": order.fault_category.name,
        "dates": _t(" and ").join([", ".join(dates[:-1]), dates[-1]])
        if len(dates) > 1
        else dates[0],
        "vendor": model.vendor.name,
        "model": model.name,
    }
    if not order.decision:
        order.decision = Decision.SWAP_DEVICE
