"""Personas and helpers of the complaint tests: the officer, a manager, a filed complaint.

Import the fixtures a module uses (`from tests.feedback.factories_complaints import officer`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import time_machine

from aftersales.feedback import complaints
from aftersales.feedback.models import Complaint
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JSON = "application/json"


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture
def officer(db):
    return factories.staff_user("officer", role="complaint_officer", email="officer@example.com")


@pytest.fixture
def manager(db):
    return factories.staff_user(
        "manager", role="manager", manager_level="response_centre", email="mgr@example.com"
    )


@pytest.fixture
def expert(db):
    return factories.staff_user("expert", role="expert")


def file_complaint(by, when: dt.datetime, *, customer: str = "KH-A001", **more) -> Complaint:
    """A phone complaint received at `when` (its sheet is sent to the service department)."""
    fields = {"text": "工程师上门迟到，未提前通知", "channel": "phone", **more}
    with time_machine.travel(when, tick=False):
        return complaints.complaint_receive(by=by, customer=customer, **fields)


def post(client, url: str, when: dt.datetime, **body):
    with time_machine.travel(when, tick=False):
        return client.post(url, body, content_type=JSON)


def complaint_fillers(customer: Any, case: Any, secret: str) -> dict[str, Any]:
    """The isolation sweep's complaint of customer A (tests/security/world): its number, and
    the case linked to it (DELETE /complaints/{number}/cases/{case})."""
    officer = factories.staff_user("swp_cp_officer", role="complaint_officer")
    complaint = complaints.complaint_receive(
        by=officer,
        customer=customer.code,
        text=secret,
        channel="phone",
        cases=[case.number],
        anonymous=True,
        complainant_name=secret,
    )
    return {"complaints/number": complaint.number, "cases/case": case.number}
