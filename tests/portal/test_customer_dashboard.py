"""The customer's dashboard on the portal: their own figures only, recounted here."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from aftersales.cases.models import Case, CaseType
from aftersales.fieldservice.models import Appointment
from aftersales.sla.models import Promise
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 18, 10, 0, tzinfo=SHANGHAI)
URL = "/portal/dashboard/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_case(customer, number, status):
    return Case.objects.create(
        number=number,
        title=number,
        customer=customer,
        case_type=CaseType.objects.get(code="fault"),
        priority="P2",
        channel="portal",
        status=status,
        created_at=NOW - dt.timedelta(days=2),
        updated_at=NOW,
    )


def promise(case, target, **fields):
    return Promise.objects.create(
        subject_kind="case",
        subject_id=case.pk,
        customer_id=case.customer_id,
        target=target,
        minutes=60,
        started_at=NOW - dt.timedelta(days=2),
        **fields,
    )


def visit_promise(customer, pk, **fields):
    return Promise.objects.create(
        subject_kind="inspection_visit",
        subject_id=pk,
        customer_id=customer.pk,
        target="visit",
        minutes=60,
        started_at=NOW - dt.timedelta(days=20),
        **fields,
    )


@pytest.fixture
def data(customer_a, customer_b):
    a1 = make_case(customer_a, "A-1", "new")
    make_case(customer_a, "A-2", "in_progress")
    make_case(customer_a, "A-3", "closed")
    b1 = make_case(customer_b, "B-1", "new")
    make_case(customer_b, "B-2", "waiting")
    promise(a1, "response", met=True, completed_at=NOW - dt.timedelta(days=1))
    promise(a1, "resolution", breached_at=NOW - dt.timedelta(hours=3))
    promise(b1, "response", breached_at=NOW - dt.timedelta(hours=3))
    promise(b1, "diagnosis", met=True, completed_at=NOW - dt.timedelta(hours=3))
    done = {"met": True, "completed_at": NOW - dt.timedelta(days=5)}
    visit_promise(customer_a, 1, due_at=NOW - dt.timedelta(days=4), **done)
    visit_promise(customer_a, 2, due_at=NOW - dt.timedelta(days=1), breached_at=NOW)
    visit_promise(customer_a, 3, due_at=NOW + dt.timedelta(hours=3))
    visit_promise(customer_b, 4, due_at=NOW - dt.timedelta(days=4), **done)
    factories.AssetFactory(customer=customer_a, accepted_on=dt.date(2025, 6, 1))
    factories.AssetFactory(customer=customer_a)
    factories.AssetFactory(customer=customer_b, accepted_on=dt.date(2025, 6, 1))


def test_contact_sees_their_open_cases_by_state(contact_a, customer_a, data, client):
    client.force_login(contact_a.user)
    board = client.get(URL).context["board"]
    counts = {s: n for s, _label, n in board.open_by_state if n}
    assert counts == {"new": 1, "in_progress": 1}
    assert (
        board.open_total
        == Case.objects.filter(
            customer=customer_a,
            status__in=("new", "in_progress", "assigned", "responded", "waiting"),
        ).count()
    )


def test_contact_sees_compliance_of_their_own_promises_only(contact_a, data, client):
    client.force_login(contact_a.user)
    board = client.get(URL).context["board"]
    figures = {t: (c.met, c.missed) for t, _label, c in board.compliance}
    assert figures == {"response": (1, 0), "resolution": (0, 1), "visit": (1, 1)}


def test_contact_sees_inspections_done_against_due(contact_a, data, client):
    client.force_login(contact_a.user)
    board = client.get(URL).context["board"]
    assert board.inspections == {"due": 3, "done": 1, "missed": 1, "open": 1}


def test_contact_sees_the_warranty_state_of_their_own_equipment(contact_a, data, client):
    client.force_login(contact_a.user)
    board = client.get(URL).context["board"]
    assert board.assets_total == 2
    assert sum(board.warranty.values()) == 2


def test_naming_another_customer_still_shows_only_their_own(contact_a, customer_b, data, client):
    client.force_login(contact_a.user)
    page = client.get(URL, {"customer": customer_b.code})
    assert page.status_code == 200
    assert page.context["board"].open_total == 2
    assert "B-1" not in page.content.decode()


def test_a_bad_period_answers_422_naming_the_field(contact_a, client):
    client.force_login(contact_a.user)
    page = client.get(URL, {"from": "2026-03-10", "to": "2026-03-01"})
    assert page.status_code == 422
    assert 'data-field="to"' in page.content.decode()


def test_staff_get_404(seat, client):
    client.force_login(seat)
    assert client.get(URL).status_code == 404


def test_a_phone_width_page_has_only_responsive_tables(contact_a, data, client):
    client.force_login(contact_a.user)
    body = client.get(URL).content.decode()
    assert body.count("<table") == body.count("table-responsive")
    assert Appointment.objects.count() == 0  # nothing written by a read
