"""Part-sale pages: the console list, new sale and steps; the portal quote with Accept/Decline."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from aftersales.inventory import sales, services
from aftersales.inventory.models import PartSale, PartSaleStatus, StockLevel

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def quoted(keeper, customer_a, contact_a, central):
    part = services.part_create(
        by=keeper, part_number="PN-FAN", name="风扇模块", sale_price=Decimal("690.00")
    )
    services.stock_receive(by=keeper, part=part, warehouse=central, quantity=3)
    sale = sales.part_sale_create(
        by=keeper,
        customer=customer_a.code,
        warehouse=central.code,
        lines=[{"part_number": "PN-FAN", "quantity": 2}],
    )
    return sales.part_sale_quote(sale=sale, by=keeper)


def test_keeper_sees_the_list_the_sale_and_the_new_form(keeper, quoted):
    client = _client(keeper)
    assert quoted.number in client.get("/inventory/part-sales/?status=quoted").content.decode()
    page = client.get(f"/inventory/part-sales/{quoted.number}/").content.decode()
    assert "1380.00" in page and "/cancel/" in page
    assert client.get("/inventory/part-sales/new/").status_code == 200


def test_the_new_sale_form_drafts_a_sale(keeper, customer_a, central, part):
    response = _client(keeper).post(
        "/inventory/part-sales/new/",
        {"customer": customer_a.code, "warehouse": central.code, "lines": f"{part.part_number} 2"},
    )
    assert response.status_code == 302
    assert PartSale.objects.get().lines.get().quantity == 2


def test_a_bad_line_on_the_form_is_422_and_nothing_written(keeper, customer_a, central, part):
    response = _client(keeper).post(
        "/inventory/part-sales/new/",
        {"customer": customer_a.code, "warehouse": central.code, "lines": f"{part.part_number} 0"},
    )
    assert response.status_code == 422 and PartSale.objects.count() == 0


def test_an_engineer_is_refused_the_console_pages(engineer, quoted):
    client = _client(engineer)
    assert client.get("/inventory/part-sales/").status_code == 403
    assert client.post(f"/inventory/part-sales/{quoted.number}/cancel/").status_code == 403


def test_the_keeper_issues_from_the_sale_page(keeper, quoted, contact_a):
    sales.part_sale_accept(sale=quoted, by=contact_a.user, name="张三")
    response = _client(keeper).post(
        f"/inventory/part-sales/{quoted.number}/issue/", {"carrier": "顺丰", "tracking": "SF1"}
    )
    assert response.status_code == 302
    assert PartSale.objects.get(pk=quoted.pk).status == PartSaleStatus.ISSUED


def test_the_customer_accepts_on_the_portal(contact_a, quoted, central):
    client = _client(contact_a.user)
    assert quoted.number in client.get("/portal/part-sales/").content.decode()
    response = client.post(f"/portal/part-sales/{quoted.number}/accept/", {"name": "张三"})
    assert response.status_code == 302
    assert PartSale.objects.get(pk=quoted.pk).accepted_by_name == "张三"
    assert StockLevel.objects.get(warehouse=central).reserved == 2


def test_the_customer_declines_on_the_portal(contact_a, quoted):
    response = _client(contact_a.user).post(
        f"/portal/part-sales/{quoted.number}/decline/", {"reason": "太贵"}
    )
    assert response.status_code == 302
    assert PartSale.objects.get(pk=quoted.pk).status == PartSaleStatus.DECLINED


def test_accepting_without_a_name_is_422_and_nothing_written(contact_a, quoted):
    response = _client(contact_a.user).post(f"/portal/part-sales/{quoted.number}/accept/", {})
    assert response.status_code == 422
    assert PartSale.objects.get(pk=quoted.pk).status == PartSaleStatus.QUOTED


def test_another_customers_contact_hears_404_on_the_portal(contact_b, quoted):
    client = _client(contact_b.user)
    assert client.get(f"/portal/part-sales/{quoted.number}/").status_code == 404
    assert (
        client.post(f"/portal/part-sales/{quoted.number}/accept/", {"name": "x"}).status_code == 404
    )
    assert PartSale.objects.get(pk=quoted.pk).status == PartSaleStatus.QUOTED
