"""The issue's "done when" for complaints: filed, the 2-hour answer missed and the officer
warned, re-sent once, then closed satisfied; every step on the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from aftersales.feedback.models import Complaint
from aftersales.notify.models import OutboxMessage
from aftersales.sla.models import Promise
from tests.conftest import api_client_for
from tests.feedback.factories_complaints import at, post

pytestmark = pytest.mark.django_db


def _sweep(when: dt.datetime) -> None:
    from aftersales.sla.services import sla_sweep

    with time_machine.travel(when, tick=False):
        sla_sweep()


def test_a_complaint_missing_its_answer_warns_the_officer_is_resent_once_and_closes_satisfied(
    officer, manager, customer_a
):
    api = api_client_for(officer)
    filed = post(
        api,
        "/api/v1/complaints",
        at(2026, 12, 7, 9, 0),
        customer="KH-A001",
        text="工程师上门迟到两个小时",
        channel="phone",
    )
    assert filed.status_code == 201, filed.content
    body = filed.json()
    number = body["number"]
    assert number == "CP-20261207-0001" and body["status"] == "sent"
    assert body["answer_due_at"].startswith("2026-12-07T03:00")  # 11:00 Shanghai
    assert body["settle_due_at"].startswith("2026-12-22T01:00")  # 15 days later, 09:00

    _sweep(at(2026, 12, 7, 10, 29))
    assert not OutboxMessage.objects.filter(kind__startswith="complaint.").exists()
    _sweep(at(2026, 12, 7, 10, 31))
    assert OutboxMessage.objects.filter(kind="complaint.reminder", to_user=officer).exists()
    _sweep(at(2026, 12, 7, 11, 1))
    warned = OutboxMessage.objects.filter(kind="complaint.escalation")
    assert {m.to_user_id for m in warned} == {officer.pk, manager.pk}
    assert "officer is warned" in warned.filter(to_user=officer).first().body
    promise = Promise.objects.get(subject_kind="complaint", target="answer")
    assert promise.breached_at is not None

    steps = [
        ("answer", {"text": "服务部已核实，将重新安排工程师"}, at(2026, 12, 7, 11, 30)),
        ("inform", {"accepted": True}, at(2026, 12, 7, 12, 0)),
        ("resolve", {"result": "已致歉并改派", "accountable": "张工"}, at(2026, 12, 8, 9, 0)),
        ("verify", {"satisfied": False, "text": "客户认为不彻底"}, at(2026, 12, 9, 9, 0)),
    ]
    for step, data, when in steps:
        response = post(api, f"/api/v1/complaints/{number}/{step}", when, **data)
        assert response.status_code == 200, (step, response.content)
    resent = response.json()
    assert resent["status"] == "sent" and resent["resent_count"] == 1
    assert resent["answered_late"] is True

    again = [
        ("answer", {"text": "技术中心复核并给出最终方案"}, at(2026, 12, 9, 10, 0)),
        ("resolve", {"result": "已更换备件，恢复正常"}, at(2026, 12, 10, 9, 0)),
        ("verify", {"satisfied": True}, at(2026, 12, 10, 10, 0)),
        ("close", {}, at(2026, 12, 10, 10, 5)),
    ]
    for step, data, when in again:
        response = post(api, f"/api/v1/complaints/{number}/{step}", when, **data)
        assert response.status_code == 200, (step, response.content)
    closed = response.json()
    assert closed["status"] == "closed" and closed["resent_count"] == 1
    assert closed["settled_late"] is False
    kinds = [a["kind"] for a in closed["activities"]]
    for kind in ("complaint_received", "complaint_sent", "complaint_answered", "complaint_resent"):
        assert kind in kinds
    assert kinds[-1] == "complaint_closed"
    assert "notice" in kinds  # the ladder's notes
    assert Complaint.objects.get(number=number).next_due_at is None


def test_closing_before_the_customer_is_verified_satisfied_is_409_and_changes_nothing(
    officer, customer_a
):
    api = api_client_for(officer)
    number = post(
        api,
        "/api/v1/complaints",
        at(2026, 12, 7, 9, 0),
        customer="KH-A001",
        text="态度差",
        channel="email",
    ).json()["number"]
    post(api, f"/api/v1/complaints/{number}/answer", at(2026, 12, 7, 9, 30), text="已核实")
    response = post(api, f"/api/v1/complaints/{number}/close", at(2026, 12, 7, 10, 0))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "A complaint is closed only when the customer is verified satisfied."
    )
    complaint = Complaint.objects.get(number=number)
    assert complaint.status == "answered" and complaint.closed_at is None


def test_an_answer_in_time_keeps_the_promise(officer, customer_a):
    api = api_client_for(officer)
    number = post(
        api,
        "/api/v1/complaints",
        at(2026, 12, 7, 23, 0),
        customer="KH-A001",
        text="夜间无人接听",
        channel="phone",
    ).json()["number"]
    response = post(
        api, f"/api/v1/complaints/{number}/answer", at(2026, 12, 8, 0, 59), text="值班已答复"
    )
    assert response.json()["answered_late"] is False  # 7×24: midnight counts


def test_a_step_dated_before_the_previous_one_is_refused_naming_at(officer, customer_a):
    api = api_client_for(officer)
    number = post(
        api,
        "/api/v1/complaints",
        at(2026, 12, 7, 9, 0),
        customer="KH-A001",
        text="迟到",
        channel="phone",
    ).json()["number"]
    response = post(
        api,
        f"/api/v1/complaints/{number}/answer",
        at(2026, 12, 7, 10, 0),
        text="已核实",
        at="2026-12-07T08:00:00+08:00",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "at"
    assert Complaint.objects.get(number=number).status == "sent"
