"""Demo returns and exchanges: one waiting for approval, one refunded, one rejected, one exchange.

Runs after the registry section: it needs customers and an RMA admin; each step is recorded
with its own `at` in the past (the services accept it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.core.errors import ApplicationError
from aftersales.registry.models import Customer
from aftersales.rma import returns
from aftersales.rma.models import ReturnKind, ReturnRequest


def _days_ago(days: int, hour: int) -> dt.datetime:
    local = timezone.localtime() - dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def load(demo: Any) -> None:
    """Add four return requests in different steps (skipped when the demo has them already)."""
    if ReturnRequest.objects.exists():
        return
    admin = get_user_model().objects.filter(groups__name=Role.RMA_ADMIN, is_active=True).first()
    customers = list(Customer.objects.order_by("pk")[:2])
    if admin is None or not customers:
        demo.notes.append("No demo returns: they need an RMA admin and customers.")
        return
    plans = [
        # (days ago, kind, reason, doa, steps)
        (12, ReturnKind.RETURN, "开箱后电源模块无法上电", True, "refund"),
        (9, ReturnKind.RETURN, "外观划伤，包装完好", False, "reject"),
        (4, ReturnKind.EXCHANGE, "频繁死机，技术部已确认为严重质量问题", False, "exchange"),
        (1, ReturnKind.RETURN, "风扇异响", False, ""),
    ]
    made = 0
    for index, (days, kind, reason, doa, steps) in enumerate(plans):
        customer = customers[index % len(customers)]
        at = _days_ago(days, 10)
        try:
            request = returns.return_request(
                by=admin,
                customer=customer.code,
                purchased_on=timezone.localdate(at) - dt.timedelta(days=2),
                reason=reason,
                kind=kind,
                doa=doa,
                serial_number=f"SN-RT-{index + 1:04d}",
                at=at,
            )
            made += 1
            if steps == "reject":
                returns.return_reject(
                    request=request,
                    by=admin,
                    reason="划伤属人为损坏，不属于质量问题",
                    at=at + dt.timedelta(hours=3),
                )
            elif steps:
                returns.return_approve(request=request, by=admin, at=at + dt.timedelta(hours=2))
                returns.return_receive(request=request, by=admin, at=at + dt.timedelta(days=2))
                returns.return_inspect(
                    request=request, by=admin, passed=True, at=at + dt.timedelta(days=2, hours=2)
                )
                if steps == "refund":
                    returns.return_refund(
                        request=request, by=admin, amount="3280.00", at=at + dt.timedelta(days=4)
                    )
                else:
                    returns.return_exchange(
                        request=request,
                        by=admin,
                        replacement_serial=f"SN-RT-NEW-{index + 1:04d}",
                        at=at + dt.timedelta(days=2, hours=4),
                    )
        except ApplicationError as exc:
            demo.notes.append(f"Demo return for {customer.code} stopped: {exc.message}")
    demo.add("returns", made)
