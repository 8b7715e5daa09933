"""The spare-parts endpoints: who may call them, what they answer, and bad input."""

from __future__ import annotations

import json

import pytest

from aftersales.inventory import services
from aftersales.inventory.models import Part, StockMove, Warehouse

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_keeper_creates_a_part(api_as, keeper):
    response = _post(
        api_as(keeper),
        "/api/v1/parts",
        {"part_number": "PN-1", "name": "风扇", "unit_cost": "12.50"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["unit_cost"] == "12.50" and Part.objects.count() == 1


def test_engineer_may_not_create_a_part(api_as, engineer):
    response = _post(api_as(engineer), "/api/v1/parts", {"part_number": "PN-1", "name": "风扇"})
    assert response.status_code == 403 and Part.objects.count() == 0


def test_a_contact_hears_404_on_parts(api_as, contact_a):
    client = api_as(contact_a.user)
    assert _post(client, "/api/v1/parts", {"part_number": "PN-1", "name": "x"}).status_code == 404
    assert client.get("/api/v1/parts").status_code == 404
    assert client.get("/api/v1/stock").status_code == 404
    assert Part.objects.count() == 0


def test_a_negative_price_is_422_naming_the_field(api_as, keeper):
    body = {"part_number": "PN-1", "name": "x", "sale_price": "-1"}
    response = _post(api_as(keeper), "/api/v1/parts", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "sale_price" and Part.objects.count() == 0


def test_keeper_creates_a_warehouse(api_as, keeper):
    response = _post(api_as(keeper), "/api/v1/warehouses", {"code": "WH-GZ", "name": "广州"})
    assert response.status_code == 201 and response.json()["kind"] == "regional"


def test_a_duplicate_warehouse_code_is_422(api_as, keeper, central):
    response = _post(api_as(keeper), "/api/v1/warehouses", {"code": central.code, "name": "x"})
    assert response.status_code == 422 and Warehouse.objects.count() == 1


def test_receive_then_the_stock_query_shows_available(api_as, keeper, manager, part, central):
    body = {"warehouse": central.code, "part_number": part.part_number, "quantity": 4}
    assert _post(api_as(keeper), "/api/v1/stock/receive", body).status_code == 201
    response = api_as(manager).get(f"/api/v1/stock?part_number={part.part_number}")
    assert response.status_code == 200
    assert response.json()["items"] == [
        {
            "warehouse": central.code,
            "part_number": part.part_number,
            "on_hand": 4,
            "reserved": 0,
            "available": 4,
        }
    ]


def test_manager_may_not_receive_stock(api_as, manager, part, central):
    body = {"warehouse": central.code, "part_number": part.part_number, "quantity": 4}
    assert _post(api_as(manager), "/api/v1/stock/receive", body).status_code == 403
    assert StockMove.objects.count() == 0


def test_receiving_an_unknown_part_is_422_naming_it(api_as, keeper, central):
    body = {"warehouse": central.code, "part_number": "NOPE", "quantity": 1}
    response = _post(api_as(keeper), "/api/v1/stock/receive", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "part_number"]


def test_receiving_zero_units_is_422(api_as, keeper, part, central):
    body = {"warehouse": central.code, "part_number": part.part_number, "quantity": 0}
    assert _post(api_as(keeper), "/api/v1/stock/receive", body).status_code == 422
    assert StockMove.objects.count() == 0


def test_seat_reads_parts_warehouses_and_moves(api_as, seat, keeper, part, central):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=2)
    client = api_as(seat)
    assert client.get("/api/v1/parts?q=PN-PSU").json()["count"] == 1
    assert client.get("/api/v1/warehouses").json()["items"][0]["code"] == central.code
    moves = client.get(f"/api/v1/stock/moves?warehouse={central.code}").json()["items"]
    assert [m["kind"] for m in moves] == ["receipt"]


def test_a_bad_move_kind_filter_is_422(api_as, seat):
    assert api_as(seat).get("/api/v1/stock/moves?kind=steal").status_code == 422


def test_a_moment_without_a_zone_is_read_in_shanghai_time(api_as, keeper, part, central):
    body = {"warehouse": central.code, "part_number": part.part_number, "quantity": 1}
    body["at"] = "2026-01-05T10:00:00"
    response = _post(api_as(keeper), "/api/v1/stock/receive", body)
    assert response.status_code == 201, response.content
    move = StockMove.objects.get()
    assert move.at.isoformat() == "2026-01-05T02:00:00+00:00"


def test_a_moment_in_the_future_is_422_and_books_nothing(api_as, keeper, part, central):
    body = {"warehouse": central.code, "part_number": part.part_number, "quantity": 1}
    body["at"] = "2999-01-05T10:00:00+08:00"
    response = _post(api_as(keeper), "/api/v1/stock/receive", body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "at"
    assert not StockMove.objects.exists()
