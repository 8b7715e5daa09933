"""The demo's inspections: visits done with signed reports, one overdue, the rest planned."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from aftersales.fieldservice import inspection_demo
from aftersales.fieldservice.models import InspectionVisit, VisitStatus
from aftersales.registry.demo import Demo
from tests import factories
from tests.fieldservice.factories_inspections import make_contract

pytestmark = pytest.mark.django_db


def test_the_demo_has_done_overdue_and_planned_visits(customer_a):
    # The demo casts only its own staff (registry.demo.STAFF), never other users.
    factories.staff_user("seat1", role="dispatcher")
    factories.staff_user("eng1", role="engineer")
    make_contract(customer_a, starts="2026-03-01", ends="2028-02-29")
    now = dt.datetime(2026, 12, 7, 10, tzinfo=timezone.get_default_timezone())
    with time_machine.travel(now, tick=False):
        inspection_demo.load(Demo(today=now.date()))
    visits = InspectionVisit.objects.order_by("sequence")
    assert [v.status for v in visits] == ["done", "done", "planned", "planned"]
    assert all(v.report and v.signature for v in visits if v.status == VisitStatus.DONE)
    assert visits[2].planned_on < now.date() < visits[3].planned_on  # the overdue one
