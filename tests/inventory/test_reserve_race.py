"""Eight requests reserve the last three units at once: three win, five hear 409."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Sum

from aftersales.core.errors import Conflict
from aftersales.inventory import services
from aftersales.inventory.models import Reservation, StockLevel, StockMove
from tests import factories
from tests.cases.test_case_concurrency import _race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock races are meaningful on PostgreSQL only"
)


@pytest.mark.django_db(transaction=True)
def test_eight_reservations_of_the_last_three_units_leave_three_winners():
    keeper = factories.staff_user("keeper", role="warehouse")
    part = services.part_create(by=keeper, part_number="PN-RACE", name="race")
    central = services.warehouse_create(by=keeper, code="WH-C", name="c", kind="central")
    regional = services.warehouse_create(by=keeper, code="WH-R", name="r", region="华东")
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=2)
    services.stock_receive(by=keeper, part=part, warehouse=regional, quantity=1)

    results = _race(
        *[
            (
                lambda n=n: services.stock_reserve(
                    part=part, by=keeper, ref_kind="rma", ref_id=n, region="华东"
                )
            )
            for n in range(8)
        ]
    )
    winners = [r for r in results if isinstance(r, Reservation)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 3 and len(losers) == 5, results
    assert all(str(c.message) == str(services.NO_STOCK) for c in losers)
    for level in StockLevel.objects.filter(part=part):
        sums = StockMove.objects.filter(part=part, warehouse=level.warehouse).aggregate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
        )
        assert (level.on_hand, level.reserved) == (sums["on_hand"], sums["reserved"])
        assert level.available == 0


@pytest.mark.django_db(transaction=True)
def test_reservations_preferring_different_warehouses_never_deadlock():
    keeper = factories.staff_user("keeper", role="warehouse")
    part = services.part_create(by=keeper, part_number="PN-ORDER", name="order")
    central = services.warehouse_create(by=keeper, code="WH-C", name="c", kind="central")
    regional = services.warehouse_create(by=keeper, code="WH-R", name="r", region="华南")
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=2)
    services.stock_receive(by=keeper, part=part, warehouse=regional, quantity=2)

    # Half prefer the regional warehouse, half the central one: opposite locking preferences.
    results = _race(
        *[
            (
                lambda n=n: services.stock_reserve(
                    part=part, by=keeper, ref_kind="rma", ref_id=n, region="华南" if n % 2 else ""
                )
            )
            for n in range(8)
        ]
    )
    assert sum(isinstance(r, Reservation) for r in results) == 4, results
    assert sum(isinstance(r, Conflict) for r in results) == 4, results
