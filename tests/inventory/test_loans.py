"""Loaner devices (备用机): lending and return are ledger moves; one unit, one open loan."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from aftersales.core.errors import Conflict, Forbidden, Invalid, NotFound
from aftersales.core.timeline import Activity
from aftersales.inventory import loans, services
from aftersales.inventory.models import Loan, SerialState, SerialUnit, StockLevel, StockMove

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def pool(keeper, serial_part, central):
    """Two loaner units and one ordinary spare of the same part in the central warehouse."""
    with time_machine.travel(NOW - dt.timedelta(days=5), tick=False):
        services.stock_receive(
            by=keeper,
            part=serial_part,
            warehouse=central,
            quantity=3,
            serials=["LN-001", "LN-002", "SP-001"],
        )
        for serial in ("LN-001", "LN-002"):
            loans.loaner_pool_set(by=keeper, part=serial_part, serial=serial)
    return serial_part


def _level(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse)


def _ledger_sums(part, warehouse):
    return StockMove.objects.filter(part=part, warehouse=warehouse).aggregate(
        on_hand=Sum("on_hand_delta"), faulty=Sum("faulty_delta")
    )


@pytest.fixture
def lent(keeper, pool, customer_a):
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        return loans.loan_lend(
            by=keeper, serial="LN-001", customer=customer_a, ref_kind="rma", ref="RMA-2026-0001"
        )


def test_lending_books_a_loan_out_move_and_lowers_on_hand(lent, pool, central):
    move = StockMove.objects.get(kind="loan_out")
    assert (move.on_hand_delta, move.serial, move.ref_kind, move.ref_id) == (
        -1,
        "LN-001",
        "loan",
        lent.pk,
    )
    level = _level(pool, central)
    assert level.on_hand == 2 == _ledger_sums(pool, central)["on_hand"]
    unit = SerialUnit.objects.get(serial="LN-001")
    assert unit.state == SerialState.LOANED and unit.warehouse is None
    assert Activity.objects.filter(subject_kind="loan", subject_id=lent.pk, kind="lent").exists()


def test_a_good_return_puts_the_unit_back_on_hand(keeper, lent, pool, central):
    with time_machine.travel(NOW, tick=False):
        loan = loans.loan_return(loan=lent, by=keeper)
    move = StockMove.objects.get(kind="loan_return")
    assert (move.on_hand_delta, move.faulty_delta) == (1, 0)
    assert loan.returned_at == NOW and loan.condition == "good"
    level = _level(pool, central)
    sums = _ledger_sums(pool, central)
    assert (level.on_hand, level.faulty) == (3, 0) == (sums["on_hand"], sums["faulty"])
    unit = SerialUnit.objects.get(serial="LN-001")
    assert unit.state == SerialState.IN_STOCK and unit.warehouse == central


def test_a_damaged_return_is_counted_faulty_never_available(keeper, lent, pool, central):
    with time_machine.travel(NOW, tick=False):
        loans.loan_return(loan=lent, by=keeper, condition="damaged")
    level = _level(pool, central)
    sums = _ledger_sums(pool, central)
    assert (level.on_hand, level.faulty, level.available) == (2, 1, 2)
    assert (sums["on_hand"], sums["faulty"]) == (2, 1)
    assert SerialUnit.objects.get(serial="LN-001").state == SerialState.FAULTY


def test_a_lent_unit_cannot_be_lent_again_and_nothing_is_written(keeper, lent, customer_b):
    moves, activities = StockMove.objects.count(), Activity.objects.count()
    with pytest.raises(Conflict) as refused:
        loans.loan_lend(by=keeper, serial="LN-001", customer=customer_b)
    assert refused.value.status_code == 409 and refused.value.extra["loan"] == lent.pk
    assert Loan.objects.count() == 1
    assert (StockMove.objects.count(), Activity.objects.count()) == (moves, activities)


def test_a_returned_loan_cannot_be_returned_twice(keeper, lent):
    loans.loan_return(loan=lent, by=keeper)
    with pytest.raises(Conflict):
        loans.loan_return(loan=lent, by=keeper, condition="damaged")
    assert StockMove.objects.filter(kind="loan_return").count() == 1


def test_a_returned_unit_may_be_lent_again(keeper, lent, customer_b):
    with time_machine.travel(NOW, tick=False):
        loans.loan_return(loan=lent, by=keeper)
        again = loans.loan_lend(by=keeper, serial="LN-001", customer=customer_b)
    assert again.customer == customer_b and Loan.objects.filter(returned_at=None).count() == 1


def test_an_ordinary_spare_is_not_a_loaner(keeper, pool, customer_a):
    with pytest.raises(Invalid) as refused:
        loans.loan_lend(by=keeper, serial="SP-001", customer=customer_a)
    assert refused.value.field == "serial"


def test_an_unknown_serial_is_422_naming_serial(keeper, pool, customer_a):
    with pytest.raises(Invalid) as refused:
        loans.loan_lend(by=keeper, serial="NOPE", customer=customer_a)
    assert refused.value.field == "serial" and not Loan.objects.exists()


def test_a_reference_needs_its_kind(keeper, pool, customer_a):
    with pytest.raises(Invalid) as refused:
        loans.loan_lend(by=keeper, serial="LN-002", customer=customer_a, ref="RMA-1")
    assert refused.value.field == "ref_kind"


def test_another_customers_asset_is_422_naming_asset(keeper, pool, customer_a, customer_b):
    from tests.factories import AssetFactory

    with pytest.raises(Invalid) as refused:
        loans.loan_lend(
            by=keeper, serial="LN-002", customer=customer_a, asset=AssetFactory(customer=customer_b)
        )
    assert refused.value.field == "asset"


def test_a_return_before_the_lending_moment_is_422_naming_at(keeper, lent):
    with time_machine.travel(NOW, tick=False), pytest.raises(Invalid) as refused:
        loans.loan_return(loan=lent, by=keeper, at=lent.lent_at - dt.timedelta(minutes=1))
    assert refused.value.field == "at" and Loan.objects.get().returned_at is None


def test_a_future_lending_moment_is_422_naming_at(keeper, pool, customer_a):
    with pytest.raises(Invalid) as refused:
        loans.loan_lend(
            by=keeper,
            serial="LN-002",
            customer=customer_a,
            at=timezone.now() + dt.timedelta(hours=1),
        )
    assert refused.value.field == "at"


def test_an_engineer_may_not_lend(engineer, pool, customer_a):
    with pytest.raises(Forbidden):
        loans.loan_lend(by=engineer, serial="LN-002", customer=customer_a)
    assert not Loan.objects.exists()


def test_a_contact_may_not_return_their_loan(contact_a, lent):
    with pytest.raises(NotFound):
        loans.loan_return(loan=lent, by=contact_a.user)


def test_a_loaner_held_by_a_reservation_is_not_lent(keeper, pool, central, customer_a):
    # Three units, three reserved for RMAs: no unit is free to lend.
    services.stock_reserve(part=pool, by=keeper, ref_kind="rma", ref_id=1, warehouse=central)
    services.stock_reserve(part=pool, by=keeper, ref_kind="rma", ref_id=2, quantity=2)
    with pytest.raises(Conflict):
        loans.loan_lend(by=keeper, serial="LN-002", customer=customer_a)


def test_a_loaner_is_never_issued_as_a_spare(keeper, pool, central):
    reservation = services.stock_reserve(
        part=pool, by=keeper, ref_kind="rma", ref_id=1, warehouse=central
    )
    with pytest.raises(Invalid) as refused:
        services.reservation_issue(reservation=reservation, by=keeper, serial="LN-001")
    assert refused.value.field == "serial"


def test_the_list_puts_open_loans_first_the_longest_out_first(keeper, pool, lent, customer_b):
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        newer = loans.loan_lend(by=keeper, serial="LN-002", customer=customer_b)
    with time_machine.travel(NOW, tick=False):
        loans.loan_return(loan=newer, by=keeper)
    assert list(loans.loan_list(user=keeper)) == [lent, newer]
    assert list(loans.loan_list(user=keeper, open=True)) == [lent]
    assert list(loans.loan_list(user=keeper, q="LN-002")) == [newer]
    assert list(loans.loan_list(user=keeper, q=customer_b.code)) == [newer]
