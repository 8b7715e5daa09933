"""Demo repairs: a carry-in order just received, due back in 72 hours, with a part drawn
from stock. Runs after the cases section; loads the inventory section first (idempotent)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from aftersales.accounts.roles import Role
from aftersales.cases.models import OPEN_STATUSES, Case
from aftersales.core.errors import ApplicationError
from aftersales.inventory import demo as inventory_demo
from aftersales.inventory.selectors import stock_levels
from aftersales.repairs import services
from aftersales.repairs.models import RepairOrder, ServiceMode
from aftersales.repairs.selectors import fault_categories


def load(demo: Any) -> None:
    """One carry-in order with its due moment and a stock part (skipped when there is one)."""
    if RepairOrder.objects.filter(service_mode=ServiceMode.CARRY_IN).exists():
        return
    inventory_demo.load(demo)
    admin = get_user_model().objects.filter(groups__name=Role.RMA_ADMIN, is_active=True).first()
    case = (
        Case.objects.filter(status__in=OPEN_STATUSES, asset__isnull=False)
        .order_by("created_at")
        .first()
    )
    category = fault_categories().first()
    if admin is None or case is None or category is None:
        demo.notes.append("No demo carry-in repair: it needs an RMA admin and an open case.")
        return
    levels = stock_levels(user=admin).filter(available_count__gt=0, part__serialised=False)
    level = levels.select_related("part", "warehouse").first()
    try:
        order = services.repair_create(
            by=admin,
            case=case,
            service_mode=ServiceMode.CARRY_IN,
            fault_category=category.code,
            fault_text=case.title,
        )
        # Received as it is opened (a receipt may not precede its order): due back in 72 h.
        services.repair_receive(by=admin, order=order)
        if level is not None:
            services.repair_part_draw(
                by=admin,
                order=order,
                warehouse=level.warehouse.code,
                part_number=level.part.part_number,
            )
    except ApplicationError as exc:
        demo.notes.append(f"Demo carry-in repair on {case.number} stopped: {exc.message}")
        return
    demo.add("repair orders", 1)
