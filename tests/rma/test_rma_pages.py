"""Console pages: the queue, the RMA with its steps, opening from a case."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from aftersales.rma import services
from aftersales.rma.models import Rma
from tests.rma.conftest import at

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_and_the_rma_page_show_the_ship_by_promise(rma_admin, case, part):
    with time_machine.travel(at(2026, 9, 30, 13, 55), tick=False):
        rma = services.rma_open(case=case, by=rma_admin, part_number="PWR-650", fault="坏了")
        client = client_for(rma_admin)
        assert rma.number in client.get("/rmas/").content.decode()
        page = client.get(f"/rmas/{rma.number}/").content.decode()
    assert 'data-target="ship_by"' in page and "/reserve/" in page


def test_an_rma_is_opened_from_the_case_page_form(rma_admin, case, part):
    with time_machine.travel(at(2026, 9, 30, 13, 55), tick=False):
        client = client_for(rma_admin)
        form = {"part_number": "PWR-650", "fault": "电源坏", "confirmed_at": ""}
        response = client.post(f"/rmas/open/{case.number}/", form)
    assert response.status_code == 302
    assert Rma.objects.get().case == case


def test_an_engineer_may_not_open_the_form(engineer, case):
    assert client_for(engineer).get(f"/rmas/open/{case.number}/").status_code == 403
