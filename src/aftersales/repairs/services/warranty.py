"""The repair's own warranty: how long repaired parts are covered, how it extends entitlement."""

from __future__ import annotations

import datetime as dt

from aftersales.contracts.entitlement import (
    IN_WARRANTY,
    OUT_OF_WARRANTY,
    Entitlement,
    entitlement_for,
)
from aftersales.registry.models import Asset, Customer
from aftersales.repairs.models import RepairOrder, RepairStatus


def repair_entitlement(*, asset: Asset | None, customer: Customer, on: dt.date) -> Entitlement:
    """The asset's entitlement, extended by the own warranty of earlier repairs (保修期内返修)."""
    ent = entitlement_for(asset=asset, on=on, customer=customer)
    if ent.status != OUT_OF_WARRANTY or asset is None:
        return ent
    earlier = (
        RepairOrder.objects.filter(
            asset=asset, status=RepairStatus.SIGNED_OFF, warranty_until__gte=on
        )
        .order_by("-warranty_until")
        .first()
    )
    if earlier is None:
        return ent
    params = {"number": earlier.number, "date": earlier.warranty_until.isoformat()}
    return Entitlement(IN_WARRANTY, "repair_warranty", earlier.warranty_until, reason_params=params)
