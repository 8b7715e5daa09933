"""Random stock operations: every level always equals its ledger's sums (hypothesis stateful)."""

from __future__ import annotations

import itertools

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from aftersales.core.errors import ApplicationError
from aftersales.inventory import loans, services
from aftersales.inventory.models import (
    Loan,
    Reservation,
    StockLevel,
    StockMove,
    WarehouseKind,
)
from tests import factories

quantities = st.integers(min_value=1, max_value=4)
# Each example gets rows of its own: examples share one transaction, and id() of a collected
# machine may come back for the next one (a part number taken twice, a flaky data draw).
_machines = itertools.count(1)


class StockMachine(RuleBasedStateMachine):
    """Receipts, reservations, releases, issues, transfers, scraps and adjustments at random;
    refusals (409) are allowed and must change nothing."""

    @initialize()
    def setup(self):
        suffix = next(_machines)
        self.keeper = factories.staff_user(f"k{suffix}", role="admin")
        self.parts = [
            services.part_create(by=self.keeper, part_number=f"P{suffix}-{n}", name=f"p{n}")
            for n in range(2)
        ]
        self.warehouses = [
            services.warehouse_create(
                by=self.keeper,
                code=f"W{suffix}-{n}",
                name=f"w{n}",
                kind=WarehouseKind.CENTRAL if n == 0 else WarehouseKind.REGIONAL,
                region="华东",
            )
            for n in range(2)
        ]
        self.ref = 0
        # A serialised part with two loaner units: lending and return move its level too.
        self.loaner_part = services.part_create(
            by=self.keeper, part_number=f"L{suffix}", name="loaner", serialised=True
        )
        self.loaners = [f"L{suffix}-{n}" for n in range(2)]
        services.stock_receive(
            by=self.keeper,
            part=self.loaner_part,
            warehouse=self.warehouses[0],
            quantity=2,
            serials=self.loaners,
        )
        for serial in self.loaners:
            loans.loaner_pool_set(by=self.keeper, part=self.loaner_part, serial=serial)
        self.customer = factories.CustomerFactory(code=f"KH-L{suffix}")

    def _try(self, call):
        try:
            return call()
        except ApplicationError as exc:
            assert exc.status_code == 409, exc
            return None

    @rule(p=st.integers(0, 1), w=st.integers(0, 1), q=quantities)
    def receive(self, p, w, q):
        services.stock_receive(
            by=self.keeper, part=self.parts[p], warehouse=self.warehouses[w], quantity=q
        )

    @rule(p=st.integers(0, 1), q=quantities, anywhere=st.booleans(), w=st.integers(0, 1))
    def reserve(self, p, q, anywhere, w):
        self.ref += 1
        self._try(
            lambda: services.stock_reserve(
                part=self.parts[p],
                by=self.keeper,
                ref_kind="test",
                ref_id=self.ref,
                quantity=q,
                warehouse=None if anywhere else self.warehouses[w],
                region="华东",
            )
        )

    def _open(self, n):
        opened = list(Reservation.objects.filter(state="open").order_by("id"))
        return opened[n % len(opened)] if opened else None

    @rule(n=st.integers(0, 20))
    def release(self, n):
        if (reservation := self._open(n)) is not None:
            services.reservation_release(reservation=reservation, by=self.keeper)

    @rule(n=st.integers(0, 20))
    def issue(self, n):
        if (reservation := self._open(n)) is not None:
            services.reservation_issue(reservation=reservation, by=self.keeper)

    @rule(p=st.integers(0, 1), w=st.integers(0, 1), q=quantities)
    def transfer(self, p, w, q):
        self._try(
            lambda: services.stock_transfer(
                by=self.keeper,
                part=self.parts[p],
                source=self.warehouses[w],
                target=self.warehouses[1 - w],
                quantity=q,
            )
        )

    @rule(p=st.integers(0, 1), w=st.integers(0, 1), q=quantities)
    def scrap(self, p, w, q):
        self._try(
            lambda: services.stock_scrap(
                by=self.keeper,
                part=self.parts[p],
                warehouse=self.warehouses[w],
                quantity=q,
                reason="test",
            )
        )

    @rule(p=st.integers(0, 1), w=st.integers(0, 1), d=st.integers(-3, 3).filter(bool))
    def adjust(self, p, w, d):
        self._try(
            lambda: services.stock_adjust(
                by=self.keeper,
                part=self.parts[p],
                warehouse=self.warehouses[w],
                delta=d,
                reason="t",
            )
        )

    @rule(p=st.integers(0, 1), w=st.integers(0, 1))
    def faulty(self, p, w):
        self.ref += 1
        services.faulty_receive(
            part=self.parts[p],
            warehouse=self.warehouses[w],
            by=self.keeper,
            ref_kind="test",
            ref_id=self.ref,
        )

    @rule(n=st.integers(0, 1))
    def lend(self, n):
        self._try(
            lambda: loans.loan_lend(by=self.keeper, serial=self.loaners[n], customer=self.customer)
        )

    @rule(n=st.integers(0, 1), damaged=st.booleans())
    def give_back(self, n, damaged):
        loan = Loan.objects.filter(unit__serial=self.loaners[n], returned_at=None).first()
        if loan is not None:
            condition = "damaged" if damaged else "good"
            loans.loan_return(loan=loan, by=self.keeper, condition=condition)

    @invariant()
    def levels_equal_ledger_sums(self):
        if not hasattr(self, "parts"):
            return
        for level in StockLevel.objects.filter(part__in=[*self.parts, self.loaner_part]):
            sums = StockMove.objects.filter(part=level.part, warehouse=level.warehouse).aggregate(
                on_hand=Sum("on_hand_delta"),
                reserved=Sum("reserved_delta"),
                faulty=Sum("faulty_delta"),
            )
            assert (level.on_hand, level.reserved, level.faulty) == (
                sums["on_hand"] or 0,
                sums["reserved"] or 0,
                sums["faulty"] or 0,
            )
            assert level.available >= 0 and level.reserved >= 0 and level.faulty >= 0
            open_held = sum(
                r.quantity
                for r in Reservation.objects.filter(part=level.part, warehouse=level.warehouse)
                if r.state == "open"
            )
            assert open_held == level.reserved


@pytest.mark.django_db
def test_levels_always_equal_the_ledger_after_random_operations():
    machine = settings(
        max_examples=25,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )(StockMachine)
    machine.TestCase().runTest()
