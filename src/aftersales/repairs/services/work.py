"""Doing the repair: starting the work, then testing and verifying it (测试与验证)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from aftersales.core.errors import Invalid
from aftersales.core.signatures import signature_png
from aftersales.repairs import access
from aftersales.repairs.models import RepairEventKind, RepairOrder, RepairStatus
from aftersales.repairs.services.common import (
    TEST_RESULTS_REQUIRED,
    lock_order,
    record_event,
    save_order,
)


@transaction.atomic
def repair_start(*, by: Any, order: RepairOrder) -> RepairOrder:
    """Start the work: free orders at once; paid ones only after the quote was approved."""
    access.can_start.enforce_who(by, order)
    order = lock_order(order, by, access.can_start)
    now = timezone.now()
    order.status, order.started_at = RepairStatus.IN_PROGRESS, now
    save_order(order, now, "status", "started_at")
    record_event(order, by=by, kind=RepairEventKind.STARTED, now=now)
    return order


@transaction.atomic
def repair_verify(
    *, by: Any, order: RepairOrder, test_results: str, signature: str = ""
) -> RepairOrder:
    """Test and verify the repair (测试与验证); the engineer may sign on screen."""
    access.can_verify.enforce_who(by, order)
    test_results = (test_results or "").strip()
    if not test_results:
        raise Invalid(TEST_RESULTS_REQUIRED, field="test_results")
    png = signature_png(signature, field="signature") if signature else None
    order = lock_order(order, by, access.can_verify)
    now = timezone.now()
    order.status, order.test_results = RepairStatus.VERIFIED, test_results
    order.verified_at, order.verified_by = now, by
    if png:
        order.engineer_signature.save(
            f"engineer-{now:%Y%m%d%H%M%S}.png", ContentFile(png), save=False
        )
    save_order(
        order, now, "status", "test_results", "verified_at", "verified_by", "engineer_signature"
    )
    record_event(order, by=by, kind=RepairEventKind.VERIFIED, now=now, text=test_results)
    return order
