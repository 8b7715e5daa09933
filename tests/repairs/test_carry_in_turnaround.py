"""Carry-in turnaround (seed 001): returned within 72 wall-clock hours of the receipt, an
engine promise on the repair order with its due moment and late flag in the API."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from aftersales.repairs import services
from aftersales.repairs.promises import KIND, RETURN
from aftersales.sla.models import EscalationRule, Promise
from tests.repairs.conftest import open_case

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JSON = "application/json"
FRIDAY_3PM = dt.datetime(2026, 12, 4, 15, 0, tzinfo=SHANGHAI)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture
def order(seat, engineer, customer_a, contact_a, new_asset):
    """A free carry-in repair opened at 14:00 on Friday 4 December 2026."""
    with time_machine.travel(at(2026, 12, 4, 14, 0), tick=False):
        case = open_case(seat, engineer, customer_a, contact_a, "SN-NEW-1")
        return services.repair_create(
            by=engineer,
            case=case,
            service_mode="carry_in",
            fault_category="power",
            fault_text="送修: 无法开机",
        )


def post(client, url: str, when: dt.datetime, **body):
    with time_machine.travel(when, tick=False):
        return client.post(url, body, content_type=JSON)


def repaired(order, engineer, when: dt.datetime):
    """Received Friday 15:00, then started and verified at `when`."""
    services.repair_receive(by=engineer, order=order, at=FRIDAY_3PM)
    with time_machine.travel(when, tick=False):
        services.repair_start(by=engineer, order=order)
        return services.repair_verify(by=engineer, order=order, test_results="开机正常")


def test_return_is_due_72_wall_clock_hours_after_receipt_across_a_weekend(api_as, engineer, order):
    url = f"/api/v1/repairs/{order.pk}/receive"
    response = post(api_as(engineer), url, at(2026, 12, 4, 16, 0), at=FRIDAY_3PM.isoformat())
    assert response.status_code == 200, response.content
    body = response.json()
    # Saturday and Sunday count: Monday 15:00, not Wednesday.
    assert dt.datetime.fromisoformat(body["return_due"]) == at(2026, 12, 7, 15, 0)
    assert body["returned_late"] is False
    assert dt.datetime.fromisoformat(body["received_at"]) == FRIDAY_3PM


def test_device_returned_within_72_hours_keeps_the_promise(api_as, engineer, order):
    repaired(order, engineer, at(2026, 12, 6, 10, 0))
    url = f"/api/v1/repairs/{order.pk}/return-device"
    body = post(api_as(engineer), url, at(2026, 12, 7, 14, 59)).json()
    assert body["returned_late"] is False and body["device_returned_at"]
    promise = Promise.objects.get(subject_kind=KIND, subject_id=order.pk, target=RETURN)
    assert promise.met is True and promise.completed_at is not None


def test_device_returned_after_72_hours_is_flagged_late_in_the_api(api_as, engineer, order):
    repaired(order, engineer, at(2026, 12, 7, 10, 0))
    url = f"/api/v1/repairs/{order.pk}/return-device"
    assert post(api_as(engineer), url, at(2026, 12, 8, 9, 0)).status_code == 200
    with time_machine.travel(at(2026, 12, 8, 9, 5), tick=False):
        body = api_as(engineer).get(f"/api/v1/repairs/{order.pk}").json()
    assert body["returned_late"] is True
    promise = Promise.objects.get(subject_kind=KIND, subject_id=order.pk, target=RETURN)
    assert promise.met is False and promise.breached_at == at(2026, 12, 7, 15, 0)


def test_receipt_recorded_in_the_future_is_refused_naming_at(api_as, engineer, order):
    url = f"/api/v1/repairs/{order.pk}/receive"
    when = at(2026, 12, 4, 16, 0)
    response = post(api_as(engineer), url, when, at=(when + dt.timedelta(hours=1)).isoformat())
    assert response.status_code == 422 and "at" in response.content.decode()
    assert not Promise.objects.filter(subject_kind=KIND, subject_id=order.pk).exists()


def test_receipt_before_the_order_was_opened_is_refused_naming_at(api_as, engineer, order):
    url = f"/api/v1/repairs/{order.pk}/receive"
    response = post(api_as(engineer), url, at(2026, 12, 4, 16, 0), at=at(2026, 12, 3).isoformat())
    assert response.status_code == 422 and "at" in response.content.decode()


def test_only_carry_in_orders_are_received(seat, engineer, customer_a, contact_a, new_asset):
    case = open_case(seat, engineer, customer_a, contact_a, "SN-NEW-1")
    onsite = services.repair_create(
        by=engineer, case=case, service_mode="onsite", fault_category="power", fault_text="坏"
    )
    from aftersales.core.errors import Conflict

    with pytest.raises(Conflict):
        services.repair_receive(by=engineer, order=onsite)


def test_cancelling_a_received_order_stops_its_promise(engineer, order):
    services.repair_receive(by=engineer, order=order, at=FRIDAY_3PM)
    with time_machine.travel(at(2026, 12, 5, 9, 0), tick=False):
        services.repair_cancel(by=engineer, order=order, text="客户取回")
    promise = Promise.objects.get(subject_kind=KIND, subject_id=order.pk)
    assert promise.stopped_at is not None and promise.met is None


def test_receipt_by_staff_who_do_not_work_repairs_is_403(api_as, seat, order):
    response = post(api_as(seat), f"/api/v1/repairs/{order.pk}/receive", at(2026, 12, 4, 16, 0))
    assert response.status_code == 403


def test_another_customers_contact_gets_404_for_the_repair(api_as, engineer, contact_b, order):
    services.repair_receive(by=engineer, order=order, at=FRIDAY_3PM)
    client = api_as(contact_b.user)
    assert client.get(f"/api/v1/repairs/{order.pk}").status_code == 404
    assert post(client, f"/api/v1/repairs/{order.pk}/receive", FRIDAY_3PM).status_code == 404


def test_own_contact_sees_the_due_moment(api_as, engineer, contact_a, order):
    services.repair_receive(by=engineer, order=order, at=FRIDAY_3PM)
    body = api_as(contact_a.user).get(f"/api/v1/repairs/{order.pk}").json()
    assert dt.datetime.fromisoformat(body["return_due"]) == at(2026, 12, 7, 15, 0)


def test_promises_api_lists_repair_promises(api_as, engineer, order):
    services.repair_receive(by=engineer, order=order, at=FRIDAY_3PM)
    with time_machine.travel(at(2026, 12, 5, 9, 0), tick=False):
        response = api_as(engineer).get("/api/v1/promises?subject_kind=repair")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["target"] for i in items] == [RETURN]


def test_the_return_ladder_is_seeded(db):
    targets = EscalationRule.objects.filter(subject_kind=KIND).values_list("target", "action")
    assert set(targets) == {(RETURN, "remind"), (RETURN, "notify_managers")}
