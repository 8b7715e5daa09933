"""The stock services: ledger rows and levels together, refusals that write nothing."""

from __future__ import annotations

import pytest

from aftersales.core.errors import Conflict, Forbidden, Invalid, NotFound
from aftersales.core.models import Activity
from aftersales.inventory import services
from aftersales.inventory.models import (
    Part,
    Reservation,
    SerialState,
    SerialUnit,
    StockLevel,
    StockMove,
    Warehouse,
)
from aftersales.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _level(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse)


def test_receipt_raises_on_hand_and_writes_one_ledger_row_and_timeline_row(keeper, part, central):
    move = services.stock_receive(by=keeper, part=part, warehouse=central, quantity=5)
    level = _level(part, central)
    assert (level.on_hand, level.reserved, level.available) == (5, 0, 5)
    assert move.kind == "receipt" and move.on_hand_delta == 5
    assert Activity.objects.filter(subject_kind="part", subject_id=part.pk, kind="receipt").count()


def test_engineer_may_not_receive_stock_and_nothing_is_written(engineer, part, central):
    with pytest.raises(Forbidden):
        services.stock_receive(by=engineer, part=part, warehouse=central, quantity=5)
    assert StockMove.objects.count() == 0


def test_customer_contact_hears_not_found_on_a_stock_write(contact_a, part, central):
    with pytest.raises(NotFound):
        services.stock_receive(by=contact_a.user, part=part, warehouse=central, quantity=1)
    assert StockMove.objects.count() == 0


@pytest.mark.parametrize("quantity", [0, -1, 100_001, True, "3"])
def test_bad_quantity_is_refused_naming_the_field_and_writes_nothing(
    keeper, part, central, quantity
):
    with pytest.raises(Invalid) as exc:
        services.stock_receive(by=keeper, part=part, warehouse=central, quantity=quantity)
    assert exc.value.field == "quantity"
    assert StockMove.objects.count() == 0 and StockLevel.objects.count() == 0


def test_serialised_receipt_needs_one_serial_per_unit(keeper, serial_part, central):
    with pytest.raises(Invalid) as exc:
        services.stock_receive(
            by=keeper, part=serial_part, warehouse=central, quantity=2, serials=["S1"]
        )
    assert exc.value.field == "serials"
    assert StockMove.objects.count() == 0


def test_duplicate_serials_are_refused(keeper, serial_part, central):
    services.stock_receive(
        by=keeper, part=serial_part, warehouse=central, quantity=1, serials=["S1"]
    )
    for serials in (["S2", "S2"], ["S3", "S1"]):
        with pytest.raises(Invalid) as exc:
            services.stock_receive(
                by=keeper, part=serial_part, warehouse=central, quantity=2, serials=serials
            )
        assert exc.value.message == services.SERIAL_DUPLICATE % {"serial": serials[1]}
    assert SerialUnit.objects.count() == 1 and StockMove.objects.count() == 1


def test_serials_on_a_plain_part_are_refused(keeper, part, central):
    with pytest.raises(Invalid) as exc:
        services.stock_receive(by=keeper, part=part, warehouse=central, quantity=1, serials=["X"])
    assert exc.value.message == services.SERIALS_NOT_SERIALISED


def test_reserve_without_warehouse_prefers_the_region_then_central(
    keeper, rma_admin, part, central, regional
):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=2)
    services.stock_receive(by=keeper, part=part, warehouse=regional, quantity=1)
    first = services.stock_reserve(part=part, by=rma_admin, ref_kind="rma", ref_id=1, region="华东")
    second = services.stock_reserve(
        part=part, by=rma_admin, ref_kind="rma", ref_id=2, region="华东"
    )
    assert first.warehouse == regional and second.warehouse == central
    assert _level(part, central).reserved == 1 and _level(part, regional).available == 0


def test_reserve_with_no_available_unit_is_409_naming_the_part(keeper, rma_admin, part, central):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=1)
    services.stock_reserve(part=part, by=rma_admin, ref_kind="rma", ref_id=1)
    with pytest.raises(Conflict) as exc:
        services.stock_reserve(part=part, by=rma_admin, ref_kind="rma", ref_id=2)
    assert exc.value.message == services.NO_STOCK
    assert exc.value.extra["part_number"] == part.part_number
    assert Reservation.objects.count() == 1 and StockMove.objects.count() == 2


def test_release_gives_units_back(keeper, part, central):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=1)
    reservation = services.stock_reserve(part=part, by=keeper, ref_kind="rma", ref_id=1)
    services.reservation_release(reservation=reservation, by=keeper, reason="客户取消")
    assert _level(part, central).available == 1
    reservation.refresh_from_db()
    assert reservation.state == "released"
    with pytest.raises(Conflict):
        services.reservation_release(reservation=reservation, by=keeper)


def test_issue_drops_on_hand_and_reserved_and_follows_the_serial_to_the_asset(
    keeper, serial_part, central
):
    from tests import factories

    asset = factories.AssetFactory()
    services.stock_receive(
        by=keeper, part=serial_part, warehouse=central, quantity=1, serials=["S9"]
    )
    reservation = services.stock_reserve(part=serial_part, by=keeper, ref_kind="rma", ref_id=7)
    with pytest.raises(Invalid):
        services.reservation_issue(reservation=reservation, by=keeper)
    move = services.reservation_issue(reservation=reservation, by=keeper, serial="S9", asset=asset)
    level = _level(serial_part, central)
    assert (level.on_hand, level.reserved) == (0, 0) and move.serial == "S9"
    unit = SerialUnit.objects.get(serial="S9")
    assert unit.state == SerialState.ISSUED and unit.asset == asset and unit.warehouse is None


def test_faulty_return_is_counted_apart_and_never_available(keeper, serial_part, central):
    services.faulty_receive(
        part=serial_part, warehouse=central, by=keeper, serial="S5", ref_kind="rma", ref_id=3
    )
    level = _level(serial_part, central)
    assert (level.on_hand, level.faulty, level.available) == (0, 1, 0)
    assert SerialUnit.objects.get(serial="S5").state == SerialState.FAULTY


def test_transfer_moves_available_units_and_refuses_more(keeper, part, central, regional):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=3)
    services.stock_transfer(by=keeper, part=part, source=central, target=regional, quantity=2)
    assert _level(part, central).on_hand == 1 and _level(part, regional).on_hand == 2
    with pytest.raises(Conflict):
        services.stock_transfer(by=keeper, part=part, source=central, target=regional, quantity=2)
    assert StockMove.objects.filter(kind__startswith="transfer").count() == 2


def test_scrap_needs_a_reason(keeper, part, central):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=1)
    with pytest.raises(Invalid) as exc:
        services.stock_scrap(by=keeper, part=part, warehouse=central, reason=" ")
    assert exc.value.field == "reason"
    services.stock_scrap(by=keeper, part=part, warehouse=central, reason="受潮")
    assert _level(part, central).on_hand == 0


def test_adjustment_never_drops_on_hand_below_reserved(keeper, part, central):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=2)
    services.stock_reserve(part=part, by=keeper, ref_kind="rma", ref_id=1)
    with pytest.raises(Conflict):
        services.stock_adjust(by=keeper, part=part, warehouse=central, delta=-2, reason="盘亏")
    services.stock_adjust(by=keeper, part=part, warehouse=central, delta=-1, reason="盘亏")
    assert _level(part, central).on_hand == 1


def test_stocktake_books_differences_as_adjustments_with_the_reason(keeper, part, central):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=5)
    stocktake = services.stocktake_open(by=keeper, warehouse=central)
    with pytest.raises(Conflict):
        services.stocktake_open(by=keeper, warehouse=central)
    services.stocktake_count(by=keeper, stocktake=stocktake, part=part, counted=3)
    services.stocktake_close(by=keeper, stocktake=stocktake, reason="年度盘点")
    move = StockMove.objects.get(kind="adjust")
    assert move.on_hand_delta == -2 and "年度盘点" in move.reason
    assert _level(part, central).on_hand == 3
    with pytest.raises(Conflict):
        services.stocktake_count(by=keeper, stocktake=stocktake, part=part, counted=1)


def test_rma_admin_may_not_run_a_stocktake(rma_admin, central):
    with pytest.raises(Forbidden):
        services.stocktake_open(by=rma_admin, warehouse=central)


def test_reorder_alert_goes_to_keepers_once_per_crossing(keeper, part, central):
    central.keepers.add(keeper)
    services.reorder_point_set(by=keeper, part=part, warehouse=central, minimum=2)
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=3)
    services.stock_scrap(by=keeper, part=part, warehouse=central, reason="损坏")  # 2 left
    assert OutboxMessage.objects.filter(kind="inventory.reorder").count() == 0
    services.stock_scrap(by=keeper, part=part, warehouse=central, reason="损坏")  # 1: crossed
    services.stock_scrap(by=keeper, part=part, warehouse=central, reason="损坏")  # 0: still below
    assert OutboxMessage.objects.filter(kind="inventory.reorder", to_user=keeper).count() == 1
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=5)  # re-armed
    services.stock_scrap(by=keeper, part=part, warehouse=central, reason="损坏", quantity=4)
    assert OutboxMessage.objects.filter(kind="inventory.reorder").count() == 2


def test_part_number_taken_is_refused(keeper, part):
    with pytest.raises(Invalid) as exc:
        services.part_create(by=keeper, part_number=part.part_number.lower(), name="x")
    assert exc.value.field == "part_number" and Part.objects.count() == 1


def test_seat_may_not_create_a_warehouse(seat):
    with pytest.raises(Forbidden):
        services.warehouse_create(by=seat, code="WH-X", name="x")
    assert Warehouse.objects.count() == 0


def test_future_moment_is_refused(keeper, part, central):
    import datetime as dt

    from django.utils import timezone

    with pytest.raises(Invalid) as exc:
        services.stock_receive(
            by=keeper,
            part=part,
            warehouse=central,
            quantity=1,
            at=timezone.now() + dt.timedelta(hours=1),
        )
    assert exc.value.field == "at"
