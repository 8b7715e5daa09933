"""Parts used on an onsite job come out of the engineer's car stock (车载备件)."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from aftersales.core.models import Activity
from aftersales.inventory import services as stock
from aftersales.inventory.models import StockLevel, StockMove, WarehouseKind
from tests import factories
from tests.fieldservice.factories_appointments import JSON, NOW, at, book, field_engineer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wang(db):
    return field_engineer("wang")


@pytest.fixture
def keeper(db):
    return factories.staff_user("fs_keeper", role="warehouse")


@pytest.fixture
def fan(keeper):
    return stock.part_create(by=keeper, part_number="PN-FAN-80", name="风扇模块")


@pytest.fixture
def car(keeper, wang, fan):
    """Wang's car with two fans in it."""
    store = stock.warehouse_create(
        by=keeper, code="CAR-WANG", name="王工车载库", kind=WarehouseKind.CAR, keepers=[wang]
    )
    stock.stock_receive(by=keeper, part=fan, warehouse=store, quantity=2)
    return store


@pytest.fixture
def job(seat, wang, customer_a):
    return book(seat, wang, at(7, 10), at(7, 12), customer=customer_a, address="上海市张江路1号")


def _use(client, job, **body):
    with time_machine.travel(NOW, tick=False):
        return client.post(f"/api/v1/appointments/{job.pk}/parts", body, content_type=JSON)


def _on_hand(car, part) -> int:
    return StockLevel.objects.get(warehouse=car, part=part).on_hand


def test_a_part_used_on_the_job_leaves_the_engineers_car(api_as, wang, job, car, fan):
    response = _use(api_as(wang), job, part_number="PN-FAN-80", quantity=1)
    assert response.status_code == 201
    assert response.json()[0] | {"at": None} == {
        "part_number": "PN-FAN-80",
        "name": "风扇模块",
        "quantity": 1,
        "warehouse": "CAR-WANG",
        "serial": "",
        "at": None,
    }
    assert _on_hand(car, fan) == 1
    assert Activity.objects.filter(subject_kind="appointment", kind="part_used").count() == 1


def test_more_than_the_car_holds_is_refused_and_books_nothing(api_as, wang, job, car, fan):
    response = _use(api_as(wang), job, part_number="PN-FAN-80", quantity=3)
    assert response.status_code == 409
    assert _on_hand(car, fan) == 2
    assert not StockMove.objects.filter(ref_kind="appointment").exists()


def test_an_engineer_without_car_stock_is_told_so(api_as, wang, job, fan):
    response = _use(api_as(wang), job, part_number="PN-FAN-80")
    assert response.status_code == 409 and "car stock" in response.json()["detail"]


def test_an_unknown_part_number_is_422_naming_it(api_as, wang, job, car):
    response = _use(api_as(wang), job, part_number="PN-NONE")
    assert response.status_code == 422 and "part_number" in str(response.json())


def test_a_quantity_of_zero_is_422_naming_it(api_as, wang, job, car, fan):
    response = _use(api_as(wang), job, part_number="PN-FAN-80", quantity=0)
    assert response.status_code == 422 and "quantity" in str(response.json())
    assert _on_hand(car, fan) == 2


def test_another_engineer_may_not_book_parts_on_wangs_job(api_as, job, car, fan):
    other = field_engineer("li")
    response = _use(api_as(other), job, part_number="PN-FAN-80")
    assert response.status_code == 404
    assert _on_hand(car, fan) == 2


def test_the_customer_cannot_book_parts(api_as, contact_a, job, car, fan):
    response = _use(api_as(contact_a.user), job, part_number="PN-FAN-80")
    assert response.status_code == 403
    assert _on_hand(car, fan) == 2


def test_the_job_page_books_a_part_and_lists_it(wang, job, car, fan):
    client = Client()
    client.force_login(wang)
    with time_machine.travel(NOW, tick=False):
        client.post(f"/appointments/{job.pk}/parts/", {"part_number": "PN-FAN-80", "quantity": "1"})
        page = client.get(f"/appointments/{job.pk}/").content.decode()
    assert "PN-FAN-80 风扇模块 × 1" in page
    assert _on_hand(car, fan) == 1


def test_a_typed_quantity_that_is_no_number_is_refused_on_the_page(wang, job, car, fan):
    client = Client()
    client.force_login(wang)
    with time_machine.travel(NOW, tick=False):
        client.post(f"/appointments/{job.pk}/parts/", {"part_number": "PN-FAN-80", "quantity": "x"})
    assert _on_hand(car, fan) == 2
