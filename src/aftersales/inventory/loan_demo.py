"""Demo loaners (备用机): four loaner servers in the demo warehouses and two open loans to
customers with a portal login, lent some days ago. Runs after the inventory section; idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.inventory import loans, services
from aftersales.inventory.models import Part, Warehouse
from aftersales.registry.models import Asset, Customer

PART_NUMBER = "BYJ-2288H-V6"
PART_NAME = "FusionServer 2288H V6 备用机"
# (serial, warehouse code)
UNITS = [
    ("BYJ2288-SH001", "WH-SH"),
    ("BYJ2288-SH002", "WH-SH"),
    ("BYJ2288-BJ001", "WH-BJ-CENTRAL"),
    ("BYJ2288-BJ002", "WH-BJ-CENTRAL"),
]


def _days_ago(days: int, hour: int) -> dt.datetime:
    local = timezone.localtime() - dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def load(demo: Any) -> None:
    """Add the loaner part, its units in the pool and two open loans (once)."""
    if Part.objects.filter(part_number=PART_NUMBER).exists():
        return
    keeper = (
        User.objects.filter(username="wh1").first()
        or User.objects.filter(is_superuser=True).first()
    )
    warehouses = {w.code: w for w in Warehouse.objects.filter(code__in={c for _s, c in UNITS})}
    if keeper is None or len(warehouses) < 2:
        demo.notes.append("No demo loaners: they need the demo warehouses and a keeper.")
        return
    received = _days_ago(30, 9)
    part = services.part_create(
        by=keeper, part_number=PART_NUMBER, name=PART_NAME, serialised=True, warranty_months=0
    )
    for code, warehouse in warehouses.items():
        serials = [s for s, c in UNITS if c == code]
        services.stock_receive(
            by=keeper,
            part=part,
            warehouse=warehouse,
            quantity=len(serials),
            serials=serials,
            reason="备用机池",
            at=received,
        )
        for serial in serials:
            loans.loaner_pool_set(by=keeper, part=part, serial=serial, at=received)
    demo.add("loaner units", len(UNITS))
    borrowers = list(
        Customer.objects.filter(contacts__user__isnull=False).distinct().order_by("code")[:2]
    )
    for index, customer in enumerate(borrowers):
        asset = Asset.objects.filter(customer=customer).order_by("pk").first()
        loans.loan_lend(
            by=keeper,
            serial=UNITS[index * 2][0],
            customer=customer,
            asset=asset,
            at=_days_ago(12 - index * 7, 15),
        )
    demo.add("open loans", len(borrowers))
