"""Two loans of one loaner at once: one wins, the other hears 409 and writes nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Sum

from aftersales.core.errors import Conflict
from aftersales.inventory import loans, services
from aftersales.inventory.models import Loan, SerialState, SerialUnit, StockLevel, StockMove
from tests import factories
from tests.cases.test_case_concurrency import _race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock races are meaningful on PostgreSQL only"
)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_loans_of_one_unit_leave_one_winner():
    keeper = factories.staff_user("keeper", role="warehouse")
    part = services.part_create(by=keeper, part_number="PN-LOAN", name="备用机", serialised=True)
    central = services.warehouse_create(by=keeper, code="WH-C", name="c", kind="central")
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=1, serials=["L-1"])
    loans.loaner_pool_set(by=keeper, part=part, serial="L-1")
    customers = [factories.CustomerFactory() for _ in range(4)]

    results = _race(
        *[(lambda c=c: loans.loan_lend(by=keeper, serial="L-1", customer=c)) for c in customers]
    )
    winners = [r for r in results if isinstance(r, Loan)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 3, results
    assert all(c.status_code == 409 for c in losers)
    assert Loan.objects.count() == 1
    assert StockMove.objects.filter(kind="loan_out").count() == 1
    level = StockLevel.objects.get(part=part, warehouse=central)
    sums = StockMove.objects.filter(part=part, warehouse=central).aggregate(s=Sum("on_hand_delta"))
    assert level.on_hand == 0 == sums["s"]
    assert SerialUnit.objects.get(serial="L-1").state == SerialState.LOANED
