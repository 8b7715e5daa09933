"""The staff queue shows each promise's state (met, missed, overdue, time left, paused)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.cases import services

pytestmark = pytest.mark.django_db
QUEUE = reverse("cases:list")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Tuesday 3 March 2026, an ordinary working day.
OPENED = dt.datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI)


def _queue(user, **params) -> str:
    client = Client()
    client.force_login(user)
    return client.get(QUEUE, params).content.decode()


def _row(html: str, number: str) -> str:
    match = re.search(rf'<tr class="case-row"[^>]*/{number}/".*?</tr>', html, re.S)
    assert match, f"{number} not in the queue"
    return match.group(0)


def _opened(seat, engineer, customer, **fields):
    with time_machine.travel(OPENED, tick=False):
        case = services.case_create(
            by=seat, customer=customer, title="核心交换机宕机", priority="P1", **fields
        )
        return services.case_assign(case=case, engineer=engineer, by=seat)


def test_late_response_shows_as_missed_not_as_a_green_tick(seat, engineer, customer_a):
    case = _opened(seat, engineer, customer_a)
    with time_machine.travel(case.response_due_at + dt.timedelta(minutes=10), tick=False):
        services.case_respond(case=case, by=engineer, text="已电话联系客户")
        row = _row(_queue(seat, tab="all"), case.number)
    assert "promise-response promise-missed" in row
    assert "promise-response promise-met" not in row
    assert "bi-check2" not in row


def test_response_in_time_shows_as_met(seat, engineer, customer_a):
    case = _opened(seat, engineer, customer_a)
    with time_machine.travel(OPENED + dt.timedelta(minutes=10), tick=False):
        services.case_respond(case=case, by=engineer, text="已电话联系客户")
        row = _row(_queue(seat, tab="all"), case.number)
    assert "promise-response promise-met" in row
    assert "promise-diagnosis promise-running" in row


def test_breached_tab_rows_show_the_missed_promise(seat, engineer, customer_a):
    case = _opened(seat, engineer, customer_a)
    with time_machine.travel(case.response_due_at + dt.timedelta(minutes=10), tick=False):
        services.case_respond(case=case, by=engineer, text="已电话联系客户")
        row = _row(_queue(seat, tab="breached"), case.number)
    assert "promise-response promise-missed" in row
    assert "promise-response promise-met" not in row


def test_onsite_promise_shows_with_its_time_left(seat, engineer, customer_a):
    case = _opened(seat, engineer, customer_a, service_mode="onsite")
    with time_machine.travel(OPENED + dt.timedelta(minutes=30), tick=False):
        row = _row(_queue(seat, tab="all"), case.number)
    assert "promise-onsite promise-running" in row
    assert " left" in row


def test_waiting_case_shows_its_promises_paused(seat, engineer, customer_a):
    case = _opened(seat, engineer, customer_a)
    with time_machine.travel(OPENED + dt.timedelta(minutes=10), tick=False):
        services.case_respond(case=case, by=engineer, text="已联系")
        services.case_wait(case=case, by=engineer, text="等待客户提供日志")
        row = _row(_queue(seat, tab="all"), case.number)
    assert "promise-resolution promise-paused" in row


def _queue_queries(user) -> int:
    client = Client()
    client.force_login(user)
    client.get(QUEUE, {"tab": "all"})  # once-per-process configuration stays out
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(QUEUE, {"tab": "all"}).status_code == 200
    return len(ctx.captured_queries)


def test_queue_promises_cost_no_query_per_row(seat, engineer, customer_a):
    for _ in range(2):
        _opened(seat, engineer, customer_a, service_mode="onsite")
    few = _queue_queries(seat)
    for _ in range(8):
        _opened(seat, engineer, customer_a, service_mode="onsite")
    assert _queue_queries(seat) == few
