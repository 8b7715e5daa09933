from __future__ import annotations

import datetime as dt

import pytest

from aftersales.contracts.models import ServiceContract
from tests import factories
from tests.contracts.conftest import make_contract

BODY = {
    "number": "HT-2026-017",
    "customer": "KH-A001",
    "service_level": "5x8",
    "starts_on": "2026-07-01",
    "ends_on": "2027-06-30",
    "value": "120000.00",
}


def post(client, **changes):
    return client.post("/api/v1/contracts", {**BODY, **changes}, content_type="application/json")


def field_of(response) -> str:
    return response.json()["detail"][0]["loc"][-1]


def test_seat_creates_a_contract(api_as, seat, customer_a):
    response = post(api_as(seat))
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["service_level"], body["value"]) == (
        "HT-2026-017",
        "5x8",
        "120000.00",
    )
    assert body["assets"] == [] and body["renewed_from"] is None


def test_contract_covers_named_assets_and_projects_with_included_services(api_as, seat, customer_a):
    asset = factories.AssetFactory(customer=customer_a, serial_number="SN-C-1")
    factories.ProjectFactory(customer=customer_a, code="XM-C")
    response = post(
        api_as(seat),
        assets=["SN-C-1"],
        projects=["XM-C"],
        training_days=3,
        inspections_per_year=2,
        free_upgrades_until="2028-12-31",
    )
    body = response.json()
    assert (body["assets"], body["projects"]) == (["SN-C-1"], ["XM-C"])
    assert (body["training_days"], body["inspections_per_year"]) == (3, 2)
    assert ServiceContract.objects.get().assets.get() == asset


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-06-30"}, "ends_on"),
        ({"value": "-1"}, "value"),
        ({"value": "lots"}, "value"),
        ({"service_level": "9x9"}, "service_level"),
        ({"customer": "NOPE"}, "customer"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"assets": ["SN-NONE"]}, "assets"),
    ],
)
def test_bad_contract_answers_422_naming_the_field_and_writes_nothing(
    api_as, seat, customer_a, changes, field
):
    response = post(api_as(seat), **changes)
    assert response.status_code == 422
    assert field_of(response) == field
    assert ServiceContract.objects.count() == 0


def test_contract_number_is_unique(api_as, seat, customer_a):
    post(api_as(seat))
    response = post(api_as(seat))
    assert response.status_code == 422 and field_of(response) == "number"


def test_asset_of_another_customer_cannot_be_covered(api_as, seat, customer_a, customer_b):
    factories.AssetFactory(customer=customer_b, serial_number="SN-B-1")
    response = post(api_as(seat), assets=["SN-B-1"])
    assert response.status_code == 422 and field_of(response) == "assets"
    assert ServiceContract.objects.count() == 0


def test_engineer_and_contact_may_not_create_contracts(api_as, engineer, contact_a):
    assert post(api_as(engineer)).status_code == 403
    assert post(api_as(contact_a.user)).status_code == 403
    assert ServiceContract.objects.count() == 0


def test_contact_sees_own_contracts_only(api_as, contact_a, customer_a, customer_b):
    make_contract(customer_a, "HT-A")
    make_contract(customer_b, "HT-B")
    client = api_as(contact_a.user)
    assert [c["number"] for c in client.get("/api/v1/contracts").json()["items"]] == ["HT-A"]
    assert client.get("/api/v1/contracts/HT-A").status_code == 200
    assert client.get("/api/v1/contracts/HT-B").status_code == 404


def test_list_filters_contracts_expiring_within_n_days(api_as, seat, customer_a, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0), tick=False)
    make_contract(customer_a, "HT-SOON", starts="2025-07-01", ends="2026-06-20")
    make_contract(customer_a, "HT-LATER", starts="2026-01-01", ends="2026-12-31")
    make_contract(customer_a, "HT-OVER", starts="2025-01-01", ends="2025-12-31")
    items = api_as(seat).get("/api/v1/contracts?state=expiring&within_days=30").json()["items"]
    assert [c["number"] for c in items] == ["HT-SOON"]
    expired = api_as(seat).get("/api/v1/contracts?state=expired").json()["items"]
    assert [c["number"] for c in expired] == ["HT-OVER"]


def test_renewal_starts_the_day_after_and_links_both(api_as, seat, customer_a):
    old = make_contract(customer_a, "HT-1", starts="2026-01-01", ends="2026-12-31")
    response = api_as(seat).post(
        "/api/v1/contracts/HT-1/renew", {"number": "HT-2"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["starts_on"], body["ends_on"], body["renewed_from"]) == (
        "2027-01-01",
        "2027-12-31",
        "HT-1",
    )
    assert api_as(seat).get("/api/v1/contracts/HT-1").json()["renewed_by"] == "HT-2"
    assert ServiceContract.objects.get(number="HT-2").renewed_from == old


def test_a_contract_is_renewed_once(api_as, seat, customer_a):
    make_contract(customer_a, "HT-1", starts="2026-01-01", ends="2026-12-31")
    client = api_as(seat)
    client.post("/api/v1/contracts/HT-1/renew", {"number": "HT-2"}, content_type="application/json")
    again = client.post(
        "/api/v1/contracts/HT-1/renew", {"number": "HT-3"}, content_type="application/json"
    )
    assert again.status_code == 422 and not ServiceContract.objects.filter(number="HT-3").exists()


def test_a_contract_may_swap_only_after_the_faulty_unit_arrives(api_as, seat, customer_a):
    assert post(api_as(seat)).json()["advance_replacement"] is True
    response = post(api_as(seat), number="HT-2026-018", advance_replacement=False)
    assert response.status_code == 201
    assert response.json()["advance_replacement"] is False
    assert ServiceContract.objects.get(number="HT-2026-018").advance_replacement is False
