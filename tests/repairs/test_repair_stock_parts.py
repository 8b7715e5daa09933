"""Parts a repair order draws from stock: through the inventory's services, priced at the
part's sale price, serial traced to the customer's asset, returned to stock when unused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.inventory import services as inventory
from aftersales.inventory.models import SerialUnit, StockLevel, StockMove
from aftersales.repairs import services
from aftersales.repairs.models import RepairPart
from tests import factories
from tests.repairs.conftest import open_case

JSON = "application/json"


@pytest.fixture
def rma_admin(db):
    """Works repairs and moves stock: the role that draws parts."""
    return factories.staff_user("rma_admin", role="rma_admin")


@pytest.fixture
def store(admin_user):
    return inventory.warehouse_create(
        by=admin_user, code="WH-SH", name="上海服务中心", region="华东"
    )


@pytest.fixture
def psu(admin_user, store):
    """Two units of a plain part at 1,280 yuan."""
    part = inventory.part_create(
        by=admin_user, part_number="PSU-900", name="电源模块 900W", sale_price=Decimal("1280.00")
    )
    inventory.stock_receive(by=admin_user, part=part, warehouse=store, quantity=2)
    return part


@pytest.fixture
def controller(admin_user, store):
    """The last unit of a serialised part."""
    part = inventory.part_create(
        by=admin_user,
        part_number="CTL-01",
        name="存储控制器",
        serialised=True,
        sale_price=Decimal("52000.00"),
    )
    inventory.stock_receive(
        by=admin_user, part=part, warehouse=store, quantity=1, serials=["CTL-SN-1"]
    )
    return part


def new_order(rma_admin, seat, engineer, customer, contact, serial):
    case = open_case(seat, engineer, customer, contact, serial)
    return services.repair_create(
        by=rma_admin, case=case, service_mode="carry_in", fault_category="power", fault_text="坏"
    )


@pytest.fixture
def free_order(rma_admin, seat, engineer, customer_a, contact_a, new_asset):
    return new_order(rma_admin, seat, engineer, customer_a, contact_a, "SN-NEW-1")


@pytest.fixture
def paid_order(rma_admin, seat, engineer, customer_a, contact_a, old_asset):
    return new_order(rma_admin, seat, engineer, customer_a, contact_a, "SN-OLD-1")


def draw(client, order, **body):
    return client.post(f"/api/v1/repairs/{order.pk}/parts", body, content_type=JSON)


def level(part, store) -> StockLevel:
    return StockLevel.objects.get(part=part, warehouse=store)


def test_a_serialised_part_drawn_lowers_on_hand_writes_one_issue_row_and_follows_the_asset(
    api_as, rma_admin, free_order, store, controller
):
    response = draw(
        api_as(rma_admin), free_order, warehouse="WH-SH", part_number="CTL-01", serial="CTL-SN-1"
    )
    assert response.status_code == 201, response.content
    stock = level(controller, store)
    assert (stock.on_hand, stock.reserved) == (0, 0)
    issues = StockMove.objects.filter(kind="issue", ref_kind="repair", ref_id=free_order.pk)
    assert [(m.on_hand_delta, m.serial) for m in issues] == [(-1, "CTL-SN-1")]
    unit = SerialUnit.objects.get(part=controller, serial="CTL-SN-1")
    assert unit.state == "issued" and unit.asset_id == free_order.asset_id
    line = response.json()["parts"][0]
    assert line["serial"] == "CTL-SN-1" and line["from_stock"] and line["warehouse"] == "WH-SH"


def test_the_unit_price_is_the_sale_price_and_a_paid_customer_pays_it(
    api_as, rma_admin, paid_order, psu
):
    body = draw(api_as(rma_admin), paid_order, warehouse="WH-SH", part_number="PSU-900").json()
    assert body["parts"][0]["unit_price"] == "1280.00"
    assert body["cost"]["parts"] == "1280.00" and body["cost"]["customer_pays"] == "1280.00"


def test_in_warranty_the_customer_pays_nothing_for_a_stock_part(api_as, rma_admin, free_order, psu):
    body = draw(api_as(rma_admin), free_order, warehouse="WH-SH", part_number="PSU-900").json()
    assert body["cost"]["parts"] == "1280.00" and body["cost"]["customer_pays"] == "0.00"


def test_last_unit_taken_twice_the_second_gets_409_and_nothing_is_written(
    api_as, rma_admin, free_order, paid_order, store, controller
):
    client = api_as(rma_admin)
    first = draw(client, free_order, warehouse="WH-SH", part_number="CTL-01", serial="CTL-SN-1")
    assert first.status_code == 201
    moves, parts = StockMove.objects.count(), RepairPart.objects.count()
    second = draw(client, paid_order, warehouse="WH-SH", part_number="CTL-01", serial="CTL-SN-1")
    assert second.status_code == 409
    assert "No unit of this part is available." in second.content.decode()
    assert (StockMove.objects.count(), RepairPart.objects.count()) == (moves, parts)
    assert not paid_order.parts.exists()


def test_the_engineer_working_the_repair_draws_a_part_without_a_stock_role(
    api_as, engineer, free_order, psu
):
    response = draw(api_as(engineer), free_order, warehouse="WH-SH", part_number="PSU-900")
    assert response.status_code == 201, response.content
    issue = StockMove.objects.get(ref_kind="repair", kind="issue")
    assert issue.by == engineer


def test_a_seat_who_does_not_work_repairs_gets_403(api_as, seat, free_order, psu):
    response = draw(api_as(seat), free_order, warehouse="WH-SH", part_number="PSU-900")
    assert response.status_code == 403
    assert not StockMove.objects.filter(ref_kind="repair").exists()


def test_another_customers_contact_gets_404(api_as, contact_b, free_order, psu):
    response = draw(api_as(contact_b.user), free_order, warehouse="WH-SH", part_number="PSU-900")
    assert response.status_code == 404


def test_an_unknown_part_number_is_422_naming_part_number(api_as, rma_admin, free_order, psu):
    response = draw(api_as(rma_admin), free_order, warehouse="WH-SH", part_number="NOPE-1")
    assert response.status_code == 422 and "part_number" in response.content.decode()
    assert not free_order.parts.exists()


def test_a_serialised_part_without_its_serial_is_422_naming_serial(
    api_as, rma_admin, free_order, controller
):
    response = draw(api_as(rma_admin), free_order, warehouse="WH-SH", part_number="CTL-01")
    assert response.status_code == 422 and "serial" in response.content.decode()


def test_returning_an_unverified_part_puts_it_back_on_the_shelf(
    api_as, rma_admin, paid_order, store, psu
):
    client = api_as(rma_admin)
    line = draw(client, paid_order, warehouse="WH-SH", part_number="PSU-900").json()["parts"][0]
    url = f"/api/v1/repairs/{paid_order.pk}/parts/{line['id']}/return"
    body = client.post(url, content_type=JSON).json()
    assert body["parts"] == [] and body["cost"]["customer_pays"] == "0.00"
    assert level(psu, store).on_hand == 2
    assert StockMove.objects.filter(kind="receipt", part=psu).count() == 2


def test_editing_the_free_text_parts_keeps_the_stock_parts(rma_admin, free_order, psu):
    services.repair_part_draw(
        by=rma_admin, order=free_order, warehouse="WH-SH", part_number="PSU-900"
    )
    services.repair_update(
        by=rma_admin,
        order=free_order,
        parts=[{"name": "螺丝", "part_number": "", "quantity": 4, "unit_price": "1.00"}],
    )
    lines = sorted((p.part_number, p.from_stock) for p in free_order.parts.all())
    assert lines == [("", False), ("PSU-900", True)]


def test_an_order_holding_stock_parts_cannot_be_cancelled(rma_admin, free_order, psu):
    from aftersales.core.errors import Conflict

    services.repair_part_draw(
        by=rma_admin, order=free_order, warehouse="WH-SH", part_number="PSU-900"
    )
    with pytest.raises(Conflict):
        services.repair_cancel(by=rma_admin, order=free_order)
