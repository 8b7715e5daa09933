"""The refund and the exchange are engine promises on the operations calendar (5×8, PRC)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from aftersales.rma import returns
from aftersales.sla.models import Promise
from tests.conftest import api_client_for
from tests.rma.conftest import JSON, at

pytestmark = pytest.mark.django_db


def request(by, when: dt.datetime, kind: str = "return"):
    with time_machine.travel(when, tick=False):
        return returns.return_request(
            by=by,
            customer="KH-A001",
            purchased_on=when.date() - dt.timedelta(days=2),
            reason="风扇异响",
            kind=kind,
        )


def received(by, obj, when: dt.datetime):
    with time_machine.travel(when, tick=False):
        returns.return_approve(request=obj, by=by)
    with time_machine.travel(when + dt.timedelta(minutes=30), tick=False):
        returns.return_receive(request=obj, by=by)
        return returns.return_inspect(request=obj, by=by, passed=True)


def test_refund_is_due_at_17_on_the_5th_business_day_after_receipt_across_national_day(
    rma_admin, customer_a
):
    obj = request(rma_admin, at(2026, 9, 28, 9, 0))
    received(rma_admin, obj, at(2026, 9, 30, 9, 30))
    promise = Promise.objects.get(subject_kind="return", subject_id=obj.pk, target="refund")
    # Oct 1–7 are holidays; Oct 8, 9, 10 (a make-up Saturday), 12, 13 are business days 1–5.
    assert promise.due_at == at(2026, 10, 13, 17, 0)


def test_exchange_is_due_3_business_days_after_the_request(rma_admin, customer_a):
    obj = request(rma_admin, at(2026, 9, 28, 10, 0), kind="exchange")
    promise = Promise.objects.get(subject_kind="return", subject_id=obj.pk, target="exchange")
    assert promise.due_at == at(2026, 10, 8, 17, 0)


def test_a_late_refund_is_marked_missed(rma_admin, customer_a):
    obj = request(rma_admin, at(2026, 9, 28, 9, 0))
    obj = received(rma_admin, obj, at(2026, 9, 30, 9, 30))
    with time_machine.travel(at(2026, 10, 14, 10, 0), tick=False):
        returns.return_refund(request=obj, by=rma_admin, amount="3280")
    promise = Promise.objects.get(subject_kind="return", subject_id=obj.pk, target="refund")
    assert promise.met is False
    body = api_client_for(rma_admin).get(f"/api/v1/returns/{obj.number}").json()
    assert body["refunded_late"] is True
    assert body["status"] == "refunded"


def test_a_refund_in_time_is_met(rma_admin, customer_a):
    obj = request(rma_admin, at(2026, 9, 28, 9, 0))
    obj = received(rma_admin, obj, at(2026, 9, 30, 9, 30))
    with time_machine.travel(at(2026, 10, 13, 16, 0), tick=False):
        returns.return_refund(request=obj, by=rma_admin, amount="3280")
    promise = Promise.objects.get(subject_kind="return", subject_id=obj.pk, target="refund")
    assert promise.met is True


def test_a_failed_inspection_stops_the_refund_clock_and_the_customer_pays_freight(
    rma_admin, customer_a
):
    obj = request(rma_admin, at(2026, 9, 28, 9, 0))
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False):
        returns.return_approve(request=obj, by=rma_admin)
        returns.return_receive(request=obj, by=rma_admin)
        obj = returns.return_inspect(request=obj, by=rma_admin, passed=False, notes="人为进水")
    promise = Promise.objects.get(subject_kind="return", subject_id=obj.pk, target="refund")
    assert promise.stopped_at is not None
    assert obj.freight_paid_by == "customer"
    assert obj.next_due_at is None


def test_the_promise_list_shows_return_promises(rma_admin, customer_a):
    obj = request(rma_admin, at(2026, 9, 28, 10, 0), kind="exchange")
    with time_machine.travel(at(2026, 9, 28, 11, 0), tick=False):
        response = api_client_for(rma_admin).get("/api/v1/promises?subject_kind=return")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["target"] for i in items] == ["exchange"]
    assert str(obj.pk) in str(items[0]) or obj.number in str(items[0])


def test_a_step_before_the_previous_one_is_refused_naming_at(rma_admin, customer_a):
    obj = request(rma_admin, at(2026, 9, 28, 10, 0))
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        response = api_client_for(rma_admin).post(
            f"/api/v1/returns/{obj.number}/approve",
            {"at": "2026-09-27T10:00:00+08:00"},
            content_type=JSON,
        )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "at"
    obj.refresh_from_db()
    assert obj.status == "requested"


def _sweep(when: dt.datetime):
    from aftersales.sla.services import sla_sweep

    with time_machine.travel(when, tick=False):
        return sla_sweep()


def test_the_rma_admins_are_reminded_of_a_refund_and_escalated_when_it_is_missed(
    rma_admin, customer_a
):
    from aftersales.notify.models import OutboxMessage

    obj = request(rma_admin, at(2026, 11, 2, 9, 0))
    received(rma_admin, obj, at(2026, 11, 2, 10, 0))  # refund due 17:00 on Monday 9 November
    # Received Monday 10:30: four business days later (Friday 10:30) the admins hear of it.
    _sweep(at(2026, 11, 6, 10, 0))
    assert not OutboxMessage.objects.filter(kind="return.reminder").exists()
    _sweep(at(2026, 11, 6, 11, 0))
    reminders = OutboxMessage.objects.filter(kind="return.reminder", to_user=rma_admin)
    assert reminders.count() == 1 and obj.number in reminders.get().subject
    _sweep(at(2026, 11, 9, 17, 30))
    assert Promise.objects.get(subject_kind="return", target="refund").breached_at is not None
    _sweep(at(2026, 11, 10, 9, 30))  # escalations go out in the next service hour
    assert OutboxMessage.objects.filter(kind="return.escalation", to_user=rma_admin).exists()
