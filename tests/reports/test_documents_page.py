"""The console's written reports page: pick, download, refuse the wrong user."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests import factories
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db
PAGE = "/reports/documents/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


def test_a_manager_sees_every_report_and_the_customer_picker(manager, customer_a):
    response = client_for(manager).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    for kind in ("quarterly", "yearly", "weekly", "major"):
        assert f'value="{kind}"' in body
    assert customer_a.code in body


def test_an_engineer_sees_only_their_own_weekly_report(engineer):
    body = client_for(engineer).get(PAGE).content.decode()
    assert 'value="weekly"' in body and 'value="quarterly"' not in body
    assert 'name="engineer" value="engineer" readonly' in body


def test_the_page_downloads_the_chosen_report(manager, customer_a):
    rf.case(customer_a, at(2026, 2, 10, 9))
    response = client_for(manager).get(
        PAGE,
        {
            "report": "quarterly",
            "customer": customer_a.code,
            "quarter": "2026-Q1",
            "format": "xlsx",
        },
    )
    assert response.status_code == 200
    assert 'filename="quarterly-KH-A001-2026-Q1.xlsx"' in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content))["Cases"].max_row == 3


def test_a_bad_period_shows_the_message_with_422(manager, customer_a):
    response = client_for(manager).get(
        PAGE,
        {"report": "quarterly", "customer": customer_a.code, "quarter": "2026-Q9", "format": "pdf"},
    )
    assert response.status_code == 422
    assert "Give the quarter as YYYY-Qn" in response.content.decode()


def test_an_engineer_asking_for_anothers_week_is_refused(engineer):
    factories.staff_user("engineer2", role="engineer")
    response = client_for(engineer).get(
        PAGE, {"report": "weekly", "engineer": "engineer2", "week": "2026-W10", "format": "pdf"}
    )
    assert response.status_code == 403


def test_a_contact_gets_404(contact_a):
    assert client_for(contact_a.user).get(PAGE).status_code == 404


def test_the_page_fits_a_phone(manager):
    body = client_for(manager).get(PAGE).content.decode()
    assert "col-12" in body and "<table" not in body  # stacked fields, no wide table
