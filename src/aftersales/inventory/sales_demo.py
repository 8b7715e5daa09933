"""Demo part sales: one quote waiting for the customer on the portal, one sale issued.

Runs after the inventory section (it needs the demo warehouse and stock) and books everything
through the services. Idempotent: skipped when sales exist.
"""

from __future__ import annotations

from aftersales.accounts.models import User
from aftersales.core.errors import ApplicationError
from aftersales.inventory import sales
from aftersales.inventory.models import PartSale, StockLevel
from aftersales.notify.services import outbox_demo_delivered, outbox_last_id
from aftersales.registry.demo import Demo
from aftersales.registry.models import Contact


def load(demo: Demo) -> None:
    if PartSale.objects.exists():
        return
    keeper = (
        User.objects.filter(username="wh1").first()
        or User.objects.filter(is_superuser=True).first()
    )
    contact = (
        Contact.objects.filter(user__isnull=False, is_active=True, customer__is_active=True)
        .select_related("customer", "user")
        .order_by("pk")
        .first()
    )
    level = (
        StockLevel.objects.filter(part__serialised=False, on_hand__gte=4, warehouse__is_active=True)
        .select_related("part", "warehouse")
        .order_by("pk")
        .first()
    )
    if keeper is None or contact is None or level is None:
        demo.notes.append("No demo part sales: they need a keeper, a portal contact and stock.")
        return
    first_outbox = outbox_last_id()
    line = [{"part_number": level.part.part_number, "quantity": 1}]

    def draft() -> PartSale:
        return sales.part_sale_create(
            by=keeper,
            customer=contact.customer.code,
            warehouse=level.warehouse.code,
            lines=line,
        )

    try:
        issued = sales.part_sale_quote(sale=draft(), by=keeper)
        issued = sales.part_sale_accept(sale=issued, by=contact.user, name=contact.name)
        sales.part_sale_issue(sale=issued, by=keeper, carrier="顺丰速运", tracking="SF1234567890")
        sales.part_sale_quote(sale=draft(), by=keeper)
    except ApplicationError as exc:
        demo.notes.append(f"Demo part sales stopped: {exc}")
        return
    # The played history's messages went out when they were due (as cases.demo does).
    outbox_demo_delivered(first_outbox)
    demo.add("part sales", PartSale.objects.count())
