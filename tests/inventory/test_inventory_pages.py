"""The keeper's console pages: they render, receive through the service, and keep others out."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.inventory import services
from aftersales.inventory.models import StockLevel, StockMove

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_keeper_sees_parts_part_warehouse_and_stocktake_pages(keeper, part, central):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=2)
    stocktake = services.stocktake_open(by=keeper, warehouse=central)
    client = _client(keeper)
    for url in (
        "/inventory/?q=PN-PSU",
        f"/inventory/parts/{part.pk}/",
        f"/inventory/warehouses/{central.pk}/",
        f"/inventory/stocktakes/{stocktake.pk}/",
        "/inventory/receive/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert part.part_number in client.get("/inventory/?q=PN-PSU").content.decode()


def test_receive_form_books_stock(keeper, part, central):
    response = _client(keeper).post(
        "/inventory/receive/",
        {"part_number": part.part_number, "warehouse": central.pk, "quantity": 3},
    )
    assert response.status_code == 302
    assert StockLevel.objects.get(part=part, warehouse=central).on_hand == 3


def test_receive_form_with_unknown_part_is_422_and_writes_nothing(keeper, central):
    response = _client(keeper).post(
        "/inventory/receive/", {"part_number": "NOPE", "warehouse": central.pk, "quantity": 3}
    )
    assert response.status_code == 422 and StockMove.objects.count() == 0


def test_stocktake_page_counts_and_closes(keeper, part, central):
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=2)
    stocktake = services.stocktake_open(by=keeper, warehouse=central)
    client = _client(keeper)
    client.post(f"/inventory/stocktakes/{stocktake.pk}/", {"part": part.pk, "counted": 5})
    client.post(f"/inventory/stocktakes/{stocktake.pk}/", {"close": "1", "reason": "季度盘点"})
    assert StockLevel.objects.get(part=part, warehouse=central).on_hand == 5


def test_contact_gets_404_and_engineer_cannot_receive(contact_a, engineer, part):
    assert _client(contact_a.user).get("/inventory/").status_code == 404
    assert _client(engineer).get("/inventory/receive/").status_code == 403
