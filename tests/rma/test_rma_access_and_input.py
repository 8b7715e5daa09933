"""Wrong role, another customer's contact and bad moments: refused, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from aftersales.rma import services
from aftersales.rma.models import Rma
from tests.rma.conftest import at, open_rma, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def rma(rma_admin, case, part):
    with time_machine.travel(at(2026, 9, 30, 13, 55), tick=False):
        return services.rma_open(case=case, by=rma_admin, part_number="PWR-650", fault="坏了")


def test_an_engineer_may_not_open_an_rma(api_as, engineer, case, part):
    response = open_rma(api_as(engineer), case, at(2026, 9, 30, 13, 55))
    assert response.status_code == 403
    assert Rma.objects.count() == 0


def test_an_engineer_reads_an_rma(api_as, engineer, rma):
    assert api_as(engineer).get(f"/api/v1/rmas/{rma.number}").status_code == 200


def test_the_customers_contact_reads_their_own_rma_without_internal_rows(api_as, contact_a, rma):
    body = api_as(contact_a.user).get(f"/api/v1/rmas/{rma.number}").json()
    assert body["number"] == rma.number and body["allowed_actions"] == []
    assert all(not a["internal"] for a in body["activities"])


def test_another_customers_contact_gets_404(api_as, contact_b, rma):
    assert api_as(contact_b.user).get(f"/api/v1/rmas/{rma.number}").status_code == 404
    assert api_as(contact_b.user).get("/api/v1/rmas").json()["count"] == 0


def test_a_contact_may_not_record_a_step(api_as, contact_a, rma):
    response = post(
        api_as(contact_a.user), f"/api/v1/rmas/{rma.number}/reserve", at(2026, 9, 30, 14)
    )
    assert response.status_code in (403, 404)
    assert Rma.objects.get(pk=rma.pk).status == "opened"


def test_confirmed_at_in_the_future_is_422_naming_it(api_as, rma_admin, case, part):
    future = at(2026, 9, 30, 15, 0).isoformat()
    response = open_rma(api_as(rma_admin), case, at(2026, 9, 30, 13, 55), confirmed_at=future)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "confirmed_at"
    assert Rma.objects.count() == 0


def test_a_step_before_the_previous_one_is_422_naming_at(api_as, rma_admin, rma, stocked):
    early = (at(2026, 9, 30, 13, 0)).isoformat()
    client = api_as(rma_admin)
    response = post(client, f"/api/v1/rmas/{rma.number}/reserve", at(2026, 9, 30, 14), at=early)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "at"
    assert Rma.objects.get(pk=rma.pk).reservation_id is None


def test_a_step_in_the_future_is_422_naming_at(api_as, rma_admin, rma, stocked):
    later = (at(2026, 9, 30, 14) + dt.timedelta(hours=1)).isoformat()
    client = api_as(rma_admin)
    response = post(client, f"/api/v1/rmas/{rma.number}/reserve", at(2026, 9, 30, 14), at=later)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "at"


def test_a_step_out_of_order_is_409(api_as, rma_admin, rma):
    response = post(api_as(rma_admin), f"/api/v1/rmas/{rma.number}/delivered", at(2026, 10, 8, 9))
    assert response.status_code == 409
    assert Rma.objects.get(pk=rma.pk).delivered_at is None


def test_cancel_releases_the_reservation(api_as, rma_admin, rma, stocked):
    from aftersales.inventory.models import Reservation

    client = api_as(rma_admin)
    post(client, f"/api/v1/rmas/{rma.number}/reserve", at(2026, 9, 30, 14))
    body = post(client, f"/api/v1/rmas/{rma.number}/cancel", at(2026, 9, 30, 15), reason="误报")
    assert body.json()["status"] == "cancelled"
    assert Reservation.objects.get().state == "released"


def test_the_list_filters_by_status(api_as, rma_admin, rma):
    client = api_as(rma_admin)
    assert client.get("/api/v1/rmas?status=opened").json()["count"] == 1
    assert client.get("/api/v1/rmas?status=shipped").json()["count"] == 0
