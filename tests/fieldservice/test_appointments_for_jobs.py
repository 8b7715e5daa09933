"""An engineer booked for an inspection visit or for a delivery's installation."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from aftersales.fieldservice.models import Appointment
from tests import factories
from tests.fieldservice.factories_appointments import NOW, api_book, at, field_engineer
from tests.fieldservice.factories_deliveries import contract_for, delivery_of
from tests.fieldservice.factories_inspections import make_contract, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wang(db):
    return field_engineer("wang")


@pytest.fixture
def visit(customer_a):
    plan = make_plan(make_contract(customer_a, starts="2026-10-01", ends="2027-09-30"))
    return plan.visits.order_by("sequence")[1]


@pytest.fixture
def delivery(seat, customer_a):
    model = factories.ProductModelFactory()
    return delivery_of(seat, contract_for(customer_a), model, "SN-JOB-1")


def _body(**more) -> dict:
    return {
        "engineer": "wang",
        "starts_at": at(8, 10).isoformat(),
        "ends_at": at(8, 12).isoformat(),
    } | more


def test_an_appointment_for_a_visit_takes_its_customer_and_kind(api_as, seat, wang, visit):
    response = api_book(api_as(seat), **_body(visit=visit.pk))
    assert response.status_code == 201
    body = response.json()
    assert (body["visit"], body["kind"], body["customer"]) == (
        visit.pk,
        "visit",
        visit.customer.code,
    )


def test_an_appointment_for_a_delivery_is_an_installation(api_as, seat, wang, delivery):
    response = api_book(api_as(seat), **_body(delivery=delivery.pk))
    assert response.status_code == 201
    assert (response.json()["delivery"], response.json()["kind"]) == (delivery.pk, "installation")


def test_an_unknown_visit_is_422_naming_it_and_books_nothing(api_as, seat, wang):
    response = api_book(api_as(seat), **_body(visit=999999))
    assert response.status_code == 422 and "visit" in str(response.json())
    assert not Appointment.objects.exists()


def test_a_visit_and_a_delivery_at_once_are_refused(api_as, seat, wang, visit, delivery):
    response = api_book(api_as(seat), **_body(visit=visit.pk, delivery=delivery.pk))
    assert response.status_code == 422
    assert not Appointment.objects.exists()


def test_the_visit_page_links_to_a_booking_form_for_it(seat, visit):
    client = Client()
    client.force_login(seat)
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/inspections/{visit.pk}/").content.decode()
        form = client.get(f"/appointments/new/?visit={visit.pk}").content.decode()
    assert f"/appointments/new/?visit={visit.pk}" in page
    assert f'name="visit" value="{visit.pk}"' in form


def test_the_booking_form_books_for_the_visit(seat, wang, visit):
    client = Client()
    client.force_login(seat)
    with time_machine.travel(NOW, tick=False):
        client.post(
            "/appointments/new/",
            {
                "engineer": "wang",
                "starts_at": "2026-12-08T10:00",
                "ends_at": "2026-12-08T12:00",
                "visit": str(visit.pk),
                "client_key": "k1",
            },
        )
    assert Appointment.objects.get().visit_id == visit.pk


@pytest.fixture
def repair_order(seat, engineer, customer_a, contact_a):
    from aftersales.cases import services as case_services
    from aftersales.repairs import services as repair_services

    factories.AssetFactory(customer=customer_a, serial_number="SN-REP-1")
    with time_machine.travel(NOW, tick=False):
        case = case_services.case_create(
            by=seat,
            customer=customer_a,
            title="设备无法开机",
            description="电源指示灯不亮",
            priority="P3",
            case_type="fault",
            channel="phone",
            serial_number="SN-REP-1",
            contact=contact_a,
        )
        case_services.case_assign(case=case, engineer=engineer, by=seat)
        return repair_services.repair_create(
            by=engineer,
            case=case,
            service_mode="carry_in",
            fault_category="power",
            fault_text="送修: 无法开机",
        )


def test_an_appointment_for_a_repair_order_takes_its_customer_and_kind(
    api_as, seat, wang, repair_order
):
    response = api_book(api_as(seat), **_body(repair=repair_order.pk))

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["repair"], body["kind"], body["customer"], body["case"]) == (
        repair_order.pk,
        "repair",
        repair_order.customer.code,
        None,
    )


def test_an_unknown_repair_order_is_422_naming_it_and_books_nothing(api_as, seat, wang):
    response = api_book(api_as(seat), **_body(repair=999999))

    assert response.status_code == 422 and "repair" in str(response.json())
    assert not Appointment.objects.exists()


def test_the_repair_order_page_links_to_a_booking_form_for_it(seat, repair_order):
    client = Client()
    client.force_login(seat)
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/repairs/{repair_order.pk}/").content.decode()
        form = client.get(f"/appointments/new/?repair={repair_order.pk}").content.decode()

    assert f"/appointments/new/?repair={repair_order.pk}" in page
    assert f'name="repair" value="{repair_order.pk}"' in form
