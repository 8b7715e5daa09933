from __future__ import annotations

import datetime as dt

from django.test import Client

from aftersales.contracts.models import ServiceContract, WarrantyTerm
from tests.contracts.conftest import make_contract


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_console_list_filters_contracts_expiring_soon(seat, customer_a, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0), tick=False)
    make_contract(customer_a, "HT-SOON", starts="2025-07-01", ends="2026-06-20")
    make_contract(customer_a, "HT-LATER", starts="2026-01-01", ends="2026-12-31")
    html = client_for(seat).get("/contracts/?state=expiring&within_days=30").content.decode()
    assert "HT-SOON" in html and "HT-LATER" not in html


def test_detail_shows_coverage_renewal_chain_and_penalties_link(
    manager, customer_a, hardware_asset
):
    old = make_contract(
        customer_a, "HT-1", starts="2025-01-01", ends="2025-12-31", assets=[hardware_asset]
    )
    make_contract(customer_a, "HT-2", starts="2026-01-01", ends="2026-12-31", renewed_from=old)
    html = client_for(manager).get("/contracts/HT-1/").content.decode()
    assert "SN-HW-1" in html and "HT-2" in html
    assert "/sla/penalties/?contract=HT-1" in html


def test_detail_offers_no_penalties_link_to_whom_it_would_refuse(seat, customer_a):
    make_contract(customer_a, "HT-1", starts="2025-01-01", ends="2025-12-31")
    html = client_for(seat).get("/contracts/HT-1/").content.decode()
    assert "HT-1" in html and "/sla/penalties/" not in html


def test_seat_creates_a_contract_from_the_form(seat, customer_a):
    response = client_for(seat).post(
        "/contracts/new/?customer=KH-A001",
        {
            "number": "HT-F",
            "service_level": "7x24",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "value": "5000",
            "inspections_per_year": "4",
            "training_days": "0",
            "customer_code": "KH-A001",
        },
    )
    assert response.status_code == 302
    assert ServiceContract.objects.get(number="HT-F").sla_policy.code == "7x24"


def test_form_shows_the_services_error_on_its_field(seat, customer_a):
    response = client_for(seat).post(
        "/contracts/new/?customer=KH-A001",
        {
            "number": "HT-F",
            "service_level": "5x8",
            "starts_on": "2026-12-01",
            "ends_on": "2026-01-01",
            "value": "5000",
            "inspections_per_year": "4",
            "training_days": "0",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["ends_on"]
    assert not ServiceContract.objects.exists()


def test_renew_form_creates_the_linked_contract(seat, customer_a):
    make_contract(customer_a, "HT-1", starts="2026-01-01", ends="2026-12-31")
    response = client_for(seat).post("/contracts/HT-1/renew/", {"number": "HT-2"})
    assert response.status_code == 302
    assert ServiceContract.objects.get(number="HT-2").starts_on == dt.date(2027, 1, 1)


def test_engineer_reads_contracts_but_cannot_create(engineer, customer_a):
    make_contract(customer_a, "HT-1")
    client = client_for(engineer)
    assert client.get("/contracts/HT-1/").status_code == 200
    assert client.get("/contracts/new/?customer=KH-A001").status_code == 403


def test_contact_gets_404_in_the_console(contact_a, customer_a):
    # The contact's own contracts are in the portal (tests/portal/test_portal_contracts.py).
    make_contract(customer_a, "HT-A")
    client = client_for(contact_a.user)
    assert client.get("/contracts/").status_code == 404
    assert client.get("/contracts/HT-A/").status_code == 404


def test_customer_page_lists_its_contracts(seat, customer_a):
    make_contract(customer_a, "HT-CUST")
    html = client_for(seat).get(f"/registry/customers/{customer_a.pk}/").content.decode()
    assert "HT-CUST" in html


def test_admin_edits_a_warranty_term(admin_user):
    term = WarrantyTerm.objects.get(kind="software", product_model=None)
    response = client_for(admin_user).post(
        f"/contracts/warranty-terms/{term.pk}/",
        {
            "kind": "software",
            "months": "18",
            "starts_from": "acceptance",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.months == 18


def test_second_active_term_for_the_same_kind_is_refused(admin_user):
    response = client_for(admin_user).post(
        "/contracts/warranty-terms/new/",
        {
            "kind": "software",
            "months": "6",
            "starts_from": "acceptance",
            "is_active": "on",
        },
    )
    assert response.status_code == 422
    assert WarrantyTerm.objects.filter(kind="software").count() == 1
