from __future__ import annotations

import datetime as dt

from aftersales.cases import services as case_services
from aftersales.cases.models import Activity, ActivityKind
from aftersales.contracts import services
from aftersales.registry.services import asset_update
from tests.contracts.conftest import make_contract


def open_case(seat, customer, serial):
    return case_services.case_create(
        by=seat,
        customer=customer,
        title="电源故障",
        description="",
        priority="P3",
        case_type="fault",
        channel="phone",
        serial_number=serial,
    )


def test_intake_shows_a_contract_covered_asset_as_in_contract(
    api_as, seat, customer_a, hardware_asset, time_machine
):
    time_machine.move_to(dt.datetime(2028, 8, 1, 10, 0), tick=False)
    make_contract(customer_a, "HT-9", starts="2028-01-01", ends="2028-12-31", level="7x24")
    body = (
        api_as(seat)
        .post(
            "/api/v1/cases",
            {
                "customer": "KH-A001",
                "title": "宕机",
                "description": "",
                "priority": "P2",
                "case_type": "fault",
                "channel": "phone",
                "serial_number": "SN-HW-1",
            },
            content_type="application/json",
        )
        .json()
    )
    assert body["entitlement"]["status"] == "in_contract"
    assert all(s in body["entitlement"]["reason"] for s in ("HT-9", "7×24", "2028-12-31"))


def test_entitlement_endpoint_tells_the_seat_status_reason_and_level(
    api_as, seat, customer_a, hardware_asset, time_machine
):
    time_machine.move_to(dt.datetime(2026, 8, 1, 10, 0), tick=False)
    body = api_as(seat).get("/api/v1/entitlement?serial=sn-hw-1").json()
    assert body["status"] == "in_warranty" and body["until"] == "2028-03-01"
    assert "2028-03-01" in body["reason"]


def test_entitlement_endpoint_hides_another_customers_asset(api_as, contact_b, hardware_asset):
    assert api_as(contact_b.user).get("/api/v1/entitlement?serial=SN-HW-1").status_code == 404


def test_new_contract_updates_open_cases_with_an_activity(
    seat, customer_a, hardware_asset, time_machine
):
    time_machine.move_to(dt.datetime(2028, 8, 1, 10, 0), tick=False)
    case = open_case(seat, customer_a, "SN-HW-1")
    assert case.entitlement_status == "out_of_warranty"
    services.contract_create(
        by=seat,
        number="HT-NEW",
        customer=customer_a,
        service_level="5x8",
        starts_on=dt.date(2028, 8, 1),
        ends_on=dt.date(2029, 7, 31),
        value=1,
    )
    case.refresh_from_db()
    assert case.entitlement_status == "in_contract"
    activity = Activity.objects.of(case).get(
        kind=ActivityKind.UPDATED, data__entitlement="in_contract"
    )
    assert "HT-NEW" in activity.text


def test_changing_the_acceptance_date_updates_open_cases(
    seat, customer_a, hardware_asset, time_machine
):
    time_machine.move_to(dt.datetime(2028, 8, 1, 10, 0), tick=False)
    case = open_case(seat, customer_a, "SN-HW-1")
    asset_update(
        asset=hardware_asset,
        serial_number="SN-HW-1",
        product_model=hardware_asset.product_model,
        accepted_on=dt.date(2026, 1, 1),
    )
    case.refresh_from_db()
    assert case.entitlement_status == "in_warranty"
    assert "2028-12-31" in case.entitlement_reason


def test_deactivating_a_contract_puts_open_cases_back_to_warranty_rules(
    seat, customer_a, hardware_asset, time_machine
):
    time_machine.move_to(dt.datetime(2028, 8, 1, 10, 0), tick=False)
    contract = make_contract(customer_a, "HT-D", starts="2028-01-01", ends="2028-12-31")
    case = open_case(seat, customer_a, "SN-HW-1")
    services.contract_set_active(by=seat, contract=contract, active=False)
    case.refresh_from_db()
    assert case.entitlement_status == "out_of_warranty"


def test_new_contract_gets_the_default_penalty_rules(seat, customer_a):
    contract = services.contract_create(
        by=seat,
        number="HT-PEN",
        customer=customer_a,
        service_level="7x24",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        value=100000,
    )
    assert contract.penalty_rules.count() >= 2


def test_a_case_opened_after_deactivating_the_contract_is_not_covered(
    seat, customer_a, hardware_asset, time_machine
):
    time_machine.move_to(dt.datetime(2028, 8, 1, 10, 0), tick=False)
    contract = make_contract(customer_a, "HT-E", starts="2028-01-01", ends="2028-12-31")
    assert open_case(seat, customer_a, "SN-HW-1").contract == contract
    services.contract_set_active(by=seat, contract=contract, active=False)
    later = open_case(seat, customer_a, "SN-HW-1")
    assert later.contract is None
    assert later.entitlement_status == "out_of_warranty"


def test_a_contract_signed_after_a_case_covers_the_next_case_at_once(
    seat, customer_a, hardware_asset, time_machine
):
    time_machine.move_to(dt.datetime(2028, 8, 1, 10, 0), tick=False)
    assert open_case(seat, customer_a, "SN-HW-1").contract is None
    contract = make_contract(customer_a, "HT-F", starts="2028-01-01", ends="2028-12-31")
    assert open_case(seat, customer_a, "SN-HW-1").contract == contract
