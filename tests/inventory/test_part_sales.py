"""Spare-part sales (备件销售): prices fixed at sale time, a quote the customer answers on the
portal, stock reserved on acceptance and issued by the keeper."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from aftersales.inventory import sales, services
from aftersales.inventory.models import (
    PartSale,
    PartSaleStatus,
    Reservation,
    StockLevel,
    StockMove,
)
from aftersales.notify.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def priced(keeper):
    return services.part_create(
        by=keeper, part_number="PN-FAN", name="风扇模块", sale_price=Decimal("690.00")
    )


@pytest.fixture
def stocked(keeper, priced, central):
    services.stock_receive(by=keeper, part=priced, warehouse=central, quantity=3)
    return priced


def _sale(keeper, customer, warehouse, part, quantity=2, **more):
    return sales.part_sale_create(
        by=keeper,
        customer=customer.code,
        warehouse=warehouse.code,
        lines=[{"part_number": part.part_number, "quantity": quantity}],
        **more,
    )


@pytest.fixture
def quoted(keeper, customer_a, contact_a, central, stocked):
    sale = _sale(keeper, customer_a, central, stocked)
    return sales.part_sale_quote(sale=sale, by=keeper)


def test_keeper_creates_a_sale_at_the_current_price(api_as, keeper, customer_a, central, priced):
    body = {
        "customer": customer_a.code,
        "warehouse": central.code,
        "lines": [{"part_number": priced.part_number, "quantity": 2}],
    }
    response = _post(api_as(keeper), "/api/v1/part-sales", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("PS-") and data["status"] == "draft"
    assert data["total"] == "1380.00" and data["lines"][0]["unit_price"] == "690.00"


def test_a_later_price_change_leaves_the_line_unchanged(keeper, customer_a, central, priced):
    sale = _sale(keeper, customer_a, central, priced)
    services.part_update(by=keeper, part=priced, sale_price=Decimal("999.00"))
    line = sale.lines.get()
    assert line.unit_price == Decimal("690.00")
    assert PartSale.objects.get(pk=sale.pk).total == Decimal("1380.00")


def test_quoting_notifies_the_customers_contacts(keeper, quoted, contact_a):
    assert quoted.status == PartSaleStatus.QUOTED
    assert quoted.valid_until == timezone.localdate() + dt.timedelta(days=15)
    message = OutboxMessage.objects.get(kind="part_sale.quoted")
    assert message.address == contact_a.email and quoted.number in message.body


def test_accepting_on_the_portal_reserves_the_units(api_as, quoted, contact_a, central, stocked):
    response = _post(
        api_as(contact_a.user), f"/api/v1/part-sales/{quoted.number}/accept", {"name": "张三"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted" and response.json()["accepted_by"] == "张三"
    level = StockLevel.objects.get(part=stocked, warehouse=central)
    assert (level.on_hand, level.reserved) == (3, 2)
    assert Reservation.objects.get(ref_kind="sale", ref_id=quoted.pk).quantity == 2


def test_issuing_books_the_ledger_issue_moves(api_as, keeper, quoted, contact_a, stocked):
    sales.part_sale_accept(sale=quoted, by=contact_a.user, name="张三")
    body = {"carrier": "顺丰", "tracking": "SF123"}
    response = _post(api_as(keeper), f"/api/v1/part-sales/{quoted.number}/issue", body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "issued"
    move = StockMove.objects.get(kind="issue", ref_kind="sale", ref_id=quoted.pk)
    assert (move.on_hand_delta, move.reserved_delta) == (-2, -2)
    assert StockLevel.objects.get(part=stocked).on_hand == 1


def test_a_manager_may_issue_without_the_stock_permission(manager, quoted, contact_a):
    sales.part_sale_accept(sale=quoted, by=contact_a.user, name="张三")
    sale = sales.part_sale_issue(sale=quoted, by=manager, carrier="顺丰", tracking="SF1")
    assert sale.status == PartSaleStatus.ISSUED


def test_no_unit_in_stock_is_409_and_nothing_written(
    api_as, keeper, customer_a, contact_a, central, stocked
):
    sale = sales.part_sale_quote(sale=_sale(keeper, customer_a, central, stocked, 4), by=keeper)
    moves = StockMove.objects.count()
    response = _post(
        api_as(contact_a.user), f"/api/v1/part-sales/{sale.number}/accept", {"name": "张三"}
    )
    assert response.status_code == 409
    assert PartSale.objects.get(pk=sale.pk).status == PartSaleStatus.QUOTED
    assert StockMove.objects.count() == moves and not Reservation.objects.filter(ref_kind="sale")


def test_the_customer_declines_the_quote(api_as, quoted, contact_a, stocked):
    response = _post(
        api_as(contact_a.user), f"/api/v1/part-sales/{quoted.number}/decline", {"reason": "太贵"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined" and response.json()["decline_reason"] == "太贵"
    assert StockLevel.objects.get(part=stocked).reserved == 0


def test_an_expired_quote_cannot_be_accepted(api_as, quoted, contact_a):
    later = timezone.now() + dt.timedelta(days=16)
    with time_machine.travel(later, tick=False):
        client = api_as(contact_a.user)
        response = _post(client, f"/api/v1/part-sales/{quoted.number}/accept", {"name": "张三"})
        shown = client.get(f"/api/v1/part-sales/{quoted.number}").json()["status"]
    assert response.status_code == 409 and response.json()["status"] == "expired"
    assert shown == "expired"
    assert PartSale.objects.get(pk=quoted.pk).accepted_at is None


def test_a_part_for_an_asset_in_warranty_is_422_naming_asset(
    api_as, keeper, customer_a, central, priced
):
    asset = factories.AssetFactory(
        customer=customer_a, accepted_on=timezone.localdate() - dt.timedelta(days=30)
    )
    body = {
        "customer": customer_a.code,
        "warehouse": central.code,
        "asset": asset.serial_number,
        "lines": [{"part_number": priced.part_number, "quantity": 1}],
    }
    response = _post(api_as(keeper), "/api/v1/part-sales", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "asset" and PartSale.objects.count() == 0


def test_an_asset_out_of_warranty_may_buy_parts(keeper, customer_a, central, priced):
    asset = factories.AssetFactory(
        customer=customer_a, accepted_on=dt.date(2015, 1, 1), warranty_months=12
    )
    sale = _sale(keeper, customer_a, central, priced, asset=asset.serial_number)
    assert sale.asset == asset


def test_a_contact_of_another_customer_hears_404(api_as, quoted, contact_b):
    client = api_as(contact_b.user)
    assert client.get(f"/api/v1/part-sales/{quoted.number}").status_code == 404
    response = _post(client, f"/api/v1/part-sales/{quoted.number}/accept", {"name": "李四"})
    assert response.status_code == 404
    assert PartSale.objects.get(pk=quoted.pk).status == PartSaleStatus.QUOTED
    assert client.get("/api/v1/part-sales").json()["count"] == 0


def test_an_engineer_may_not_create_a_sale(api_as, engineer, customer_a, central, priced):
    body = {
        "customer": customer_a.code,
        "warehouse": central.code,
        "lines": [{"part_number": priced.part_number, "quantity": 1}],
    }
    response = _post(api_as(engineer), "/api/v1/part-sales", body)
    assert response.status_code == 403 and PartSale.objects.count() == 0


def test_staff_may_not_accept_for_the_customer(api_as, keeper, quoted):
    response = _post(api_as(keeper), f"/api/v1/part-sales/{quoted.number}/accept", {"name": "x"})
    assert response.status_code == 404
    assert PartSale.objects.get(pk=quoted.pk).status == PartSaleStatus.QUOTED


@pytest.mark.parametrize("quantity", [0, -1, 10_001, "2", 1.5])
def test_a_bad_quantity_is_422_naming_quantity(
    api_as, keeper, customer_a, central, priced, quantity
):
    body = {
        "customer": customer_a.code,
        "warehouse": central.code,
        "lines": [{"part_number": priced.part_number, "quantity": quantity}],
    }
    response = _post(api_as(keeper), "/api/v1/part-sales", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "quantity" and PartSale.objects.count() == 0


def test_the_service_refuses_a_bad_quantity_naming_the_line(keeper, customer_a, central, priced):
    with pytest.raises(sales.Invalid) as caught:
        _sale(keeper, customer_a, central, priced, quantity=0)
    assert caught.value.field == "quantity" and caught.value.loc == ("body", "lines", 0)
    assert PartSale.objects.count() == 0


def test_cancelling_an_accepted_sale_releases_its_units(keeper, quoted, contact_a, stocked):
    sales.part_sale_accept(sale=quoted, by=contact_a.user, name="张三")
    sales.part_sale_cancel(sale=quoted, by=keeper, reason="客户改主意")
    assert StockLevel.objects.get(part=stocked).reserved == 0
    assert PartSale.objects.get(pk=quoted.pk).status == PartSaleStatus.CANCELLED


def test_a_contact_does_not_see_drafts(api_as, keeper, customer_a, contact_a, central, priced):
    sale = _sale(keeper, customer_a, central, priced)
    assert api_as(contact_a.user).get(f"/api/v1/part-sales/{sale.number}").status_code == 404


def test_the_list_filters_by_status_and_customer(
    api_as, keeper, quoted, customer_a, customer_b, central, priced
):
    _sale(keeper, customer_b, central, priced)
    client = api_as(keeper)
    assert client.get("/api/v1/part-sales").json()["count"] == 2
    data = client.get(f"/api/v1/part-sales?status=quoted&customer={customer_a.code}").json()
    assert [i["number"] for i in data["items"]] == [quoted.number]


def test_a_sale_without_lines_is_422_naming_lines(api_as, keeper, customer_a, central):
    body = {"customer": customer_a.code, "warehouse": central.code, "lines": []}
    response = _post(api_as(keeper), "/api/v1/part-sales", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "lines" and PartSale.objects.count() == 0


def test_a_serialised_part_is_issued_with_its_serials(
    keeper, customer_a, contact_a, central, serial_part
):
    services.stock_receive(
        by=keeper, part=serial_part, warehouse=central, quantity=2, serials=["S1", "S2"]
    )
    sale = sales.part_sale_quote(sale=_sale(keeper, customer_a, central, serial_part), by=keeper)
    sale = sales.part_sale_accept(sale=sale, by=contact_a.user, name="张三")
    with pytest.raises(sales.Invalid) as caught:
        sales.part_sale_issue(sale=sale, by=keeper)
    assert caught.value.field == "serials"
    serials = [{"part_number": serial_part.part_number, "serial": s} for s in ("S1", "S2")]
    sale = sales.part_sale_issue(sale=sale, by=keeper, serials=serials)
    assert StockMove.objects.filter(kind="issue", ref_kind="sale").count() == 2
