"""The Done-when scenario of issue 12: an advance replacement around National Day 2026."""

from __future__ import annotations

import pytest
import time_machine

from aftersales.notify.models import OutboxMessage
from aftersales.rma.models import Rma
from aftersales.sla.models import Promise
from tests.rma.conftest import at, open_rma, post

pytestmark = pytest.mark.django_db


def iso(moment):
    return moment.isoformat()


def test_fault_confirmed_at_1355_before_national_day_ships_by_1700_that_day(
    api_as, rma_admin, case, part
):
    response = open_rma(api_as(rma_admin), case, at(2026, 9, 30, 13, 55))
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("RMA-20260930-")
    assert body["ship_by"] == "2026-09-30T09:00:00Z"  # 17:00 Shanghai


def test_fault_confirmed_after_1400_ships_by_noon_after_the_holiday(api_as, rma_admin, case, part):
    response = open_rma(api_as(rma_admin), case, at(2026, 9, 30, 14, 5))
    assert response.json()["ship_by"] == "2026-10-08T04:00:00Z"  # 12:00 Shanghai, 8 October


def test_confirmed_at_recorded_afterwards_counts_the_promise_from_it(api_as, rma_admin, case, part):
    client = api_as(rma_admin)
    when = at(2026, 9, 30, 13, 55)
    response = open_rma(client, case, at(2026, 9, 30, 15, 0), confirmed_at=iso(when))
    assert response.json()["ship_by"] == "2026-09-30T09:00:00Z"


def test_opening_notifies_the_rma_admins(api_as, rma_admin, case, part):
    open_rma(api_as(rma_admin), case, at(2026, 9, 30, 13, 55))
    assert OutboxMessage.objects.filter(kind="rma.opened", to_user=rma_admin).count() == 1


def full_way_to_delivery(client, case):
    number = open_rma(client, case, at(2026, 9, 30, 13, 55)).json()["number"]
    base = f"/api/v1/rmas/{number}"
    assert post(client, f"{base}/reserve", at(2026, 9, 30, 14, 10)).status_code == 200
    shipped = post(client, f"{base}/ship", at(2026, 9, 30, 16, 0), carrier="顺丰", tracking="SF1")
    delivered = post(client, f"{base}/delivered", at(2026, 10, 8, 11, 0))
    return base, shipped.json(), delivered.json()


def test_reserve_ship_and_deliver_a_spare(api_as, rma_admin, case, stocked):
    base, shipped, delivered = full_way_to_delivery(api_as(rma_admin), case)
    assert shipped["status"] == "shipped" and shipped["shipped_late"] is False
    assert shipped["warehouse"] == "WH-EAST"
    # 17:00 of the 10th business day after 8 October (10 October is a make-up working day).
    assert delivered["return_due"] == "2026-10-21T09:00:00Z"


def test_faulty_part_sent_on_business_day_9_is_on_time(api_as, rma_admin, case, stocked):
    client = api_as(rma_admin)
    base, _shipped, _delivered = full_way_to_delivery(client, case)
    body = post(client, f"{base}/faulty-shipped", at(2026, 10, 20, 15, 0)).json()
    assert body["status"] == "faulty_shipped" and body["returned_late"] is False


def test_faulty_part_sent_on_business_day_11_is_flagged_late(api_as, rma_admin, case, stocked):
    client = api_as(rma_admin)
    base, _shipped, _delivered = full_way_to_delivery(client, case)
    body = post(client, f"{base}/faulty-shipped", at(2026, 10, 22, 10, 0)).json()
    assert body["returned_late"] is True
    [promise] = [p for p in body["promises"] if p["target"] == "faulty_return"]
    assert promise["state"] == "missed"


def test_a_late_shipment_is_marked(api_as, rma_admin, case, stocked):
    client = api_as(rma_admin)
    number = open_rma(client, case, at(2026, 9, 30, 13, 55)).json()["number"]
    post(client, f"/api/v1/rmas/{number}/reserve", at(2026, 9, 30, 14, 10))
    body = post(
        client, f"/api/v1/rmas/{number}/ship", at(2026, 10, 8, 9, 30), carrier="顺丰", tracking="1"
    ).json()
    assert body["shipped_late"] is True


def test_swap_repair_is_due_72_business_hours_after_the_faulty_part_arrives(
    api_as, rma_admin, case, stocked
):
    client = api_as(rma_admin)
    base, _shipped, _delivered = full_way_to_delivery(client, case)
    post(client, f"{base}/faulty-shipped", at(2026, 10, 19, 15, 0))
    body = post(client, f"{base}/faulty-received", at(2026, 10, 20, 10, 0)).json()
    # 7 h on the 20th, 8 business days of 8 h, then 1 h on Monday 2 November.
    assert body["repair_due"] == "2026-11-02T02:00:00Z"


def test_promises_of_rmas_are_listed_by_the_engine(api_as, rma_admin, case, part):
    client = api_as(rma_admin)
    open_rma(client, case, at(2026, 9, 30, 13, 55))
    with time_machine.travel(at(2026, 9, 30, 14, 0), tick=False):
        items = client.get("/api/v1/promises?subject_kind=rma").json()["items"]
    assert [(i["subject_kind"], i["target"]) for i in items] == [("rma", "ship_by")]


def test_no_stock_answers_409_and_reserves_nothing(api_as, rma_admin, case, part):
    client = api_as(rma_admin)
    number = open_rma(client, case, at(2026, 9, 30, 13, 55)).json()["number"]
    response = post(client, f"/api/v1/rmas/{number}/reserve", at(2026, 9, 30, 14, 0))
    assert response.status_code == 409
    assert response.json()["detail"] == "No unit of this part is available."
    assert Rma.objects.get(number=number).status == "opened"
    assert Promise.objects.filter(subject_kind="rma").count() == 1
