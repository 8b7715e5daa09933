"""A penalty period outside years 1900..2999 is refused by name, on the API and the console."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.core.schema_types import DATE_OUT_OF_RANGE, NOT_AN_ISO_DATE
from tests import factories

URL = "/api/v1/contracts/HT-2026-001/penalties"


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager", manager_level="technical")


@pytest.mark.parametrize(
    ("period", "field"),
    [({"from": "0001-01-01", "to": "9999-12-31"}, "from"), ({"to": "9999-12-31"}, "to")],
)
def test_api_refuses_a_period_out_of_range(api_as, manager, contract_5x8, period, field):
    response = api_as(manager).get(URL, period)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"][-1] == field and error["msg"] == str(DATE_OUT_OF_RANGE)


def test_api_refuses_a_number_for_a_date(api_as, manager, contract_5x8):
    response = api_as(manager).get(URL, {"from": "0"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == str(NOT_AN_ISO_DATE)


def test_api_reads_a_period_at_the_edges_of_the_range(api_as, manager, contract_5x8):
    response = api_as(manager).get(URL, {"from": "1900-01-01", "to": "2999-12-31"})
    assert response.status_code == 200 and response.json()["lines"] == []


def test_console_page_says_the_period_is_out_of_range(client, manager, contract_5x8):
    client.force_login(manager)
    query = {"contract": "HT-2026-001", "from": "0001-01-01", "to": "9999-12-31"}
    response = client.get(reverse("penalties:penalties"), query)
    assert response.status_code == 200
    assert response.context["error"] == DATE_OUT_OF_RANGE
    assert response.context["statement"] is None
