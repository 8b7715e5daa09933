"""Delivery pages: the console list, new delivery and steps, the Chinese forms as PDFs, and the
customer's portal page of deliveries and signed forms."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from aftersales.fieldservice import deliveries
from aftersales.fieldservice.models import Delivery, DeliveryInspection
from tests import factories
from tests.fieldservice.factories_deliveries import SIGNATURE, contract_for, delivery_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def model(db):
    return factories.ProductModelFactory(name="OceanStor 5300")


@pytest.fixture
def delivery(seat, customer_a, model):
    return delivery_of(seat, contract_for(customer_a), model, "SN-PG-1")


@pytest.fixture
def signed(delivery, engineer):
    deliveries.delivery_inspect(
        delivery=delivery,
        by=engineer,
        stage="initial",
        passed=True,
        checks={"quantity": True, "appearance": True, "manuals": True, "certificates": True},
    )
    return deliveries.delivery_sign(
        delivery=delivery, by=engineer, signed_by="王工", signature=SIGNATURE
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_the_list_searches_by_serial_and_filters_by_stage(seat, delivery):
    client = logged_in(seat)
    page = client.get(reverse("deliveries:list"), {"q": "SN-PG-1"})
    assert delivery.number in page.content.decode()
    page = client.get(reverse("deliveries:list"), {"stage": "accepted"})
    assert delivery.number not in page.content.decode()


def test_the_console_nav_shows_deliveries_only_with_the_permission(seat, rma_admin_user):
    assert reverse("deliveries:list") in logged_in(seat).get("/").content.decode()
    assert reverse("deliveries:list") not in logged_in(rma_admin_user).get("/").content.decode()


@pytest.fixture
def rma_admin_user(db):
    return factories.staff_user("rma_admin", role="rma_admin")


def test_a_new_delivery_from_the_form(seat, customer_a, model):
    contract = contract_for(customer_a)
    data = {"contract": contract.number, "item-0-model": model.pk, "item-0-serial": "SN-F-1"}
    response = logged_in(seat).post(reverse("deliveries:new"), data)
    delivery = Delivery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("deliveries:detail", args=[delivery.pk])


def test_a_new_delivery_with_a_bad_line_says_which_and_writes_nothing(seat, customer_a):
    contract = contract_for(customer_a)
    data = {"contract": contract.number, "item-0-model": "nope", "item-0-serial": "SN-F-1"}
    response = logged_in(seat).post(reverse("deliveries:new"), data)
    assert response.status_code == 422
    assert "Line 1" in response.content.decode()
    assert Delivery.objects.count() == 0


def test_the_detail_page_offers_the_initial_inspection_with_its_checks(engineer, delivery):
    page = logged_in(engineer).get(reverse("deliveries:detail", args=[delivery.pk]))
    assert page.status_code == 200
    assert 'name="check-manuals"' in page.content.decode()


def test_an_inspection_from_the_page_moves_to_the_next_stage(engineer, delivery):
    url = reverse("deliveries:step", args=[delivery.pk, "inspect"])
    data = {"passed": "1", "check-quantity": "1", f"received-{delivery.items.get().pk}": "1"}
    logged_in(engineer).post(url, data)
    delivery.refresh_from_db()
    assert delivery.stage == "professional"
    assert delivery.items.get().received_quantity == 1


def test_a_warehouse_keeper_is_refused_the_professional_stage_on_the_page(delivery, engineer, db):
    keeper = factories.staff_user("keeper", role="warehouse")
    deliveries.delivery_inspect(delivery=delivery, by=engineer, stage="initial", passed=True)
    url = reverse("deliveries:step", args=[delivery.pk, "inspect"])
    assert logged_in(keeper).post(url, {"passed": "1"}).status_code == 403
    assert DeliveryInspection.objects.count() == 1


def test_the_initial_form_is_a_chinese_pdf_with_the_signature(seat, signed, tmp_path):
    form = signed.inspections.get()
    response = logged_in(seat).get(reverse("deliveries:form", args=[signed.pk, form.pk]))
    assert response["Content-Type"] == "application/pdf"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    text = pdf_text(response.content, tmp_path)
    assert "采购货物收货情况检验表" in text
    assert "华东电力集团" in text
    assert "王工" in text


def test_the_portal_lists_the_customers_deliveries_and_signed_forms(contact_a, signed):
    page = logged_in(contact_a.user).get(reverse("portal:delivery_list"))
    form = signed.inspections.get()
    assert signed.number in page.content.decode()
    assert reverse("portal:delivery_form", args=[signed.pk, form.pk]) in page.content.decode()


def test_another_customers_contact_gets_404_for_a_form(contact_b, signed):
    form = signed.inspections.get()
    client = logged_in(contact_b.user)
    assert signed.number not in client.get(reverse("portal:delivery_list")).content.decode()
    url = reverse("portal:delivery_form", args=[signed.pk, form.pk])
    assert client.get(url).status_code == 404
