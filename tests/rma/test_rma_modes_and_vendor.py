"""Replacement after return, DOA, the vendor's repair, serialised spares, a part's own warranty,
and the case's hand-off to the RMA desk."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from aftersales.cases import services as case_services
from aftersales.cases.models import Case
from aftersales.inventory import services as inventory
from aftersales.inventory.models import SerialUnit
from aftersales.notify.models import OutboxMessage
from aftersales.rma import services
from aftersales.rma.models import Rma
from aftersales.sla.models import Promise
from tests import factories
from tests.contracts.conftest import make_contract
from tests.rma.conftest import at, open_rma, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_return_case(seat, customer_a, contact_a):
    """A case under a contract that swaps only after the faulty unit has arrived."""
    make_contract(customer_a, advance_replacement=False)
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False):
        return case_services.case_create(
            by=seat,
            customer=customer_a,
            title="交换机端口故障",
            priority="P3",
            case_type="fault",
            contact=contact_a,
        )


def walk(client, number: str, *steps: tuple[str, object, dict]) -> dict:
    body = {}
    for step, when, data in steps:
        response = post(client, f"/api/v1/rmas/{number}/{step}", when, **data)
        assert response.status_code == 200, (step, response.json())
        body = response.json()
    return body


def test_after_return_contract_starts_no_ship_by_until_the_faulty_part_arrives(
    api_as, rma_admin, after_return_case, stocked
):
    response = open_rma(api_as(rma_admin), after_return_case, at(2026, 9, 30, 13, 55))
    body = response.json()
    assert body["mode"] == "after_return"
    assert body["ship_by"] is None
    assert body["allowed_actions"] == ["faulty_shipped", "cancel"]
    assert not Promise.objects.filter(subject_kind="rma", target="ship_by").exists()


def test_after_return_refuses_reserving_before_the_faulty_part_is_in(
    api_as, rma_admin, after_return_case, stocked
):
    client = api_as(rma_admin)
    number = open_rma(client, after_return_case, at(2026, 9, 30, 13, 55)).json()["number"]
    refused = post(client, f"/api/v1/rmas/{number}/reserve", at(2026, 9, 30, 14, 0))
    assert refused.status_code == 409
    assert Rma.objects.get(number=number).reservation_id is None


def test_after_return_ship_by_counts_from_the_faulty_parts_arrival(
    api_as, rma_admin, after_return_case, stocked
):
    client = api_as(rma_admin)
    number = open_rma(client, after_return_case, at(2026, 9, 30, 13, 55)).json()["number"]
    body = walk(
        client,
        number,
        ("faulty-shipped", at(2026, 10, 8, 9, 30), {"carrier": "顺丰", "tracking": "SF9"}),
        # Friday 9 October, 15:00: after the cut-off, so by 12:00 of the next business day
        # (Saturday 10 October 2026 is a make-up working day).
        ("faulty-received", at(2026, 10, 9, 15, 0), {}),
    )
    assert body["status"] == "faulty_received"
    assert body["ship_by"] == "2026-10-10T04:00:00Z"
    assert body["repair_due"] is not None
    assert body["returned_late"] is None


def test_after_return_closes_once_the_spare_is_delivered_and_the_part_repaired(
    api_as, rma_admin, after_return_case, stocked
):
    client = api_as(rma_admin)
    number = open_rma(client, after_return_case, at(2026, 9, 30, 13, 55)).json()["number"]
    body = walk(
        client,
        number,
        ("faulty-shipped", at(2026, 10, 8, 9, 30), {}),
        ("faulty-received", at(2026, 10, 9, 9, 30), {}),
        ("reserve", at(2026, 10, 9, 9, 40), {}),
        ("repaired", at(2026, 10, 9, 10, 0), {}),
        ("ship", at(2026, 10, 9, 11, 0), {"carrier": "顺丰", "tracking": "SF10"}),
    )
    assert body["status"] == "shipped" and body["shipped_late"] is False
    assert "close" not in body["allowed_actions"]
    body = walk(client, number, ("delivered", at(2026, 10, 10, 10, 0), {}))
    assert body["status"] == "repaired"
    assert body["return_due"] is None  # nothing is due back: it came first
    assert walk(client, number, ("close", at(2026, 10, 10, 11, 0), {}))["status"] == "closed"


def test_a_dead_on_arrival_unit_is_replaced_in_advance_whatever_the_contract(
    api_as, rma_admin, after_return_case, part
):
    body = open_rma(api_as(rma_admin), after_return_case, at(2026, 9, 30, 13, 55), doa=True)
    assert body.json()["mode"] == "advance"
    assert body.json()["ship_by"] == "2026-09-30T09:00:00Z"


def received_rma(client, case) -> str:
    number = open_rma(client, case, at(2026, 9, 30, 13, 55)).json()["number"]
    walk(
        client,
        number,
        ("reserve", at(2026, 9, 30, 14, 0), {}),
        ("ship", at(2026, 9, 30, 15, 0), {"carrier": "顺丰", "tracking": "SF1"}),
        ("delivered", at(2026, 10, 8, 10, 0), {}),
        ("faulty-shipped", at(2026, 10, 9, 10, 0), {}),
        ("faulty-received", at(2026, 10, 12, 10, 0), {}),
    )
    return number


def test_a_part_at_the_vendor_cannot_be_marked_repaired(api_as, rma_admin, case, stocked):
    client = api_as(rma_admin)
    number = received_rma(client, case)
    body = walk(
        client,
        number,
        ("vendor-sent", at(2026, 10, 12, 11, 0), {"vendor": "华为", "reference": "V-77"}),
    )
    assert body["vendor"]["name"] == "华为" and body["vendor"]["reference"] == "V-77"
    refused = post(client, f"/api/v1/rmas/{number}/repaired", at(2026, 10, 13, 9, 0))
    assert refused.status_code == 409
    assert Rma.objects.get(number=number).repaired_at is None


def test_the_vendor_repair_comes_back_with_its_cost_then_the_rma_is_repaired(
    api_as, rma_admin, case, stocked
):
    client = api_as(rma_admin)
    number = received_rma(client, case)
    body = walk(
        client,
        number,
        ("vendor-sent", at(2026, 10, 12, 11, 0), {"vendor": "华为"}),
        ("vendor-back", at(2026, 10, 14, 11, 0), {"cost": "350.5"}),
        ("repaired", at(2026, 10, 14, 12, 0), {}),
    )
    assert body["vendor"]["cost"] == "350.50"
    assert body["status"] == "repaired"


def test_a_negative_vendor_cost_is_refused_naming_cost(api_as, rma_admin, case, stocked):
    client = api_as(rma_admin)
    number = received_rma(client, case)
    walk(client, number, ("vendor-sent", at(2026, 10, 12, 11, 0), {"vendor": "华为"}))
    refused = post(client, f"/api/v1/rmas/{number}/vendor-back", at(2026, 10, 13, 9, 0), cost=-5)
    assert refused.status_code == 422
    assert "cost" in str(refused.json())
    assert Rma.objects.get(number=number).vendor_back_at is None


def test_the_vendor_step_needs_a_vendor(api_as, rma_admin, case, stocked):
    client = api_as(rma_admin)
    number = received_rma(client, case)
    refused = post(
        client, f"/api/v1/rmas/{number}/vendor-sent", at(2026, 10, 12, 11, 0), vendor=" "
    )
    assert refused.status_code == 422
    assert Rma.objects.get(number=number).vendor_sent_at is None


@pytest.fixture
def serialised(admin_user):
    part = inventory.part_create(
        by=admin_user, part_number="SFP-10G", name="光模块", serialised=True
    )
    with time_machine.travel(at(2026, 9, 1, 9, 0), tick=False):
        warehouse = inventory.warehouse_create(
            by=admin_user, code="WH-S", name="华东备件库", region="华东"
        )
        inventory.stock_receive(
            by=admin_user, part=part, warehouse=warehouse, quantity=1, serials=["SFP-0001"]
        )
    return part


def reserved_serialised(client, case) -> str:
    number = open_rma(client, case, at(2026, 9, 30, 13, 55), part_number="SFP-10G").json()["number"]
    walk(client, number, ("reserve", at(2026, 9, 30, 14, 0), {}))
    return number


def test_a_serialised_spare_ships_only_with_its_serial(api_as, rma_admin, case, serialised):
    client = api_as(rma_admin)
    number = reserved_serialised(client, case)
    refused = post(
        client, f"/api/v1/rmas/{number}/ship", at(2026, 9, 30, 15, 0), carrier="顺丰", tracking="1"
    )
    assert refused.status_code == 422
    assert "serial" in str(refused.json())
    assert Rma.objects.get(number=number).status == "reserved"


def test_the_shipped_serial_follows_the_customers_asset(
    api_as, rma_admin, seat, customer_a, contact_a, serialised
):
    asset = factories.AssetFactory(customer=customer_a, serial_number="SN-SW-1")
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False):
        case = case_services.case_create(
            by=seat,
            customer=customer_a,
            title="光口不通",
            serial_number="SN-SW-1",
            contact=contact_a,
        )
    client = api_as(rma_admin)
    number = reserved_serialised(client, case)
    body = walk(
        client,
        number,
        (
            "ship",
            at(2026, 9, 30, 15, 0),
            {"carrier": "顺丰", "tracking": "1", "serial": "SFP-0001"},
        ),
    )
    assert body["shipped_serial"] == "SFP-0001"
    unit = SerialUnit.objects.get(serial="SFP-0001")
    assert unit.asset == asset and unit.warehouse is None


def test_a_spare_we_shipped_keeps_its_own_warranty_after_the_devices_has_ended(
    api_as, rma_admin, seat, customer_a, contact_a, serialised
):
    client = api_as(rma_admin)
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False):
        first_case = case_services.case_create(by=seat, customer=customer_a, title="光口不通")
    first = reserved_serialised(client, first_case)
    walk(
        client,
        first,
        (
            "ship",
            at(2026, 9, 30, 15, 0),
            {"carrier": "顺丰", "tracking": "1", "serial": "SFP-0001"},
        ),
    )
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        again = case_services.case_create(by=seat, customer=customer_a, title="光口又不通")
    body = open_rma(
        client, again, at(2026, 11, 2, 10, 0), part_number="SFP-10G", faulty_serial="SFP-0001"
    ).json()
    assert body["entitlement"]["status"] == "in_warranty"
    assert first in body["entitlement"]["reason"]


def test_an_unknown_serial_keeps_the_devices_entitlement(api_as, rma_admin, case, part):
    body = open_rma(
        api_as(rma_admin), case, at(2026, 9, 30, 13, 55), faulty_serial="NEVER-SHIPPED"
    ).json()
    assert body["entitlement"]["status"] != "in_warranty"


def test_handing_a_case_to_rma_tells_every_rma_admin(seat, engineer, rma_admin, case):
    case = case_services.case_assign(case=case, engineer=engineer, by=seat)
    case = case_services.case_respond(case=case, by=engineer, text="已联系客户")
    case_services.case_hand_to_rma(case=case, by=engineer, text="电源模块坏，需换件")
    told = OutboxMessage.objects.filter(kind="case.rma_requested", to_user=rma_admin)
    assert told.count() == 1


def test_opening_the_rma_gives_the_case_its_return_code(api_as, rma_admin, case, part):
    number = open_rma(api_as(rma_admin), case, at(2026, 9, 30, 13, 55)).json()["number"]
    case.refresh_from_db()
    assert case.rma_requested and case.rma_reference == number


def test_the_rma_queue_lists_handed_cases_until_their_rma_is_opened(client, rma_admin, case, part):
    Case.objects.filter(pk=case.pk).update(rma_requested=True)
    client.force_login(rma_admin)
    assert f'href="/rmas/open/{case.number}/"' in client.get("/rmas/").content.decode()
    with time_machine.travel(timezone.now(), tick=False):
        services.rma_open(case=case, by=rma_admin, part_number="PWR-650", fault="坏")
    assert "rma-waiting" not in client.get("/rmas/").content.decode()


def test_a_console_step_with_an_unreadable_moment_changes_nothing(client, rma_admin, case, stocked):
    with time_machine.travel(at(2026, 9, 30, 13, 55), tick=False):
        rma = services.rma_open(case=case, by=rma_admin, part_number="PWR-650", fault="坏")
    client.force_login(rma_admin)
    with time_machine.travel(at(2026, 9, 30, 14, 0), tick=False):
        response = client.post(f"/rmas/{rma.number}/reserve/", {"at": "yesterday"}, follow=True)
    assert response.status_code == 200
    rma.refresh_from_db()
    assert rma.status == "opened" and rma.reservation_id is None
