"""GET /api/v1/reports/kpis and the /reports/kpis/ page: who sees which figures, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from aftersales.cases import services as case_services
from aftersales.sla.models import Promise
from tests import factories
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/kpis"
MARCH = "from=2026-03-01&to=2026-03-31"
NOW = at(2026, 4, 10, 12)


@pytest.fixture(autouse=True)
def _april():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def manager(db):
    return factories.staff_user("kpi_manager", role="manager")


@pytest.fixture
def service_manager(db):
    return factories.staff_user("kpi_csm", role="service_manager")


@pytest.fixture
def two_customers(customer_a, customer_b):
    """Three cases of A and one of B in March; A's contract has one missed response."""
    deal = rf.contract(customer_a, "HT-KPI-A", value="50000.00")
    for _ in range(3):
        rf.case(customer_a, at(2026, 3, 3, 10))
    late = rf.case(customer_a, at(2026, 3, 4, 10), contract=deal)
    rf.promise(late, "response", at(2026, 3, 4, 10), breached_at=at(2026, 3, 4, 11))
    rf.case(customer_b, at(2026, 3, 3, 10))
    return deal


def test_the_contract_keys_are_all_there(api_as, manager, two_customers):
    body = api_as(manager).get(f"{URL}?{MARCH}").json()
    for key in (
        "cases_opened",
        "cases_closed",
        "compliance",
        "response_minutes",
        "csat",
        "nps",
        "callback_coverage",
        "penalties",
    ):
        assert key in body
    assert set(body["response_minutes"]) >= {"median", "p90"}


def test_a_manager_sees_every_customer_and_the_penalties_as_a_decimal_string(
    api_as, manager, two_customers
):
    body = api_as(manager).get(f"{URL}?{MARCH}").json()
    assert body["cases_opened"] == 5
    assert body["compliance"] == {"response": 0.0}
    assert body["penalties"] == "500.00"  # 1 % of 50,000 for one missed response
    assert body["penalties_waived"] == "0.00"


def test_a_contact_gets_only_their_own_organisations_figures(api_as, contact_b, two_customers):
    body = api_as(contact_b.user).get(f"{URL}?{MARCH}&customer=KH-A001").json()
    assert body["cases_opened"] == 1
    assert body["filter"]["customer"] == "KH-B001"


def test_a_contact_never_sees_penalties(api_as, contact_a, two_customers):
    body = api_as(contact_a.user).get(f"{URL}?{MARCH}").json()
    assert body["cases_opened"] == 4
    assert body["penalties"] is None


def test_a_service_manager_without_penalty_rights_gets_no_money(
    api_as, service_manager, two_customers
):
    body = api_as(service_manager).get(f"{URL}?{MARCH}").json()
    assert body["cases_opened"] == 5
    assert body["penalties"] is None


def test_an_engineer_may_read_their_own_figures(api_as, customer_a):
    me = rf.engineer_in("华东一组", "kpi_eng")
    rf.case(customer_a, at(2026, 3, 3), assignee=me)
    rf.case(customer_a, at(2026, 3, 3))
    response = api_as(me).get(f"{URL}?{MARCH}&engineer=kpi_eng")
    assert response.status_code == 200
    assert response.json()["cases_opened"] == 1


def test_an_engineer_asking_for_someone_else_is_refused(api_as, engineer, customer_a):
    response = api_as(engineer).get(f"{URL}?{MARCH}&engineer=someone")
    assert response.status_code == 403


def test_an_engineer_asking_for_everyone_is_refused(api_as, engineer):
    assert api_as(engineer).get(f"{URL}?{MARCH}").status_code == 403


def test_a_refusal_comes_before_checking_the_dates(api_as, seat):
    assert api_as(seat).get(f"{URL}?from=yesterday").status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13-01", "from"),
        ("to=31.03.2026", "to"),
        ("from=2026-03-31&to=2026-03-01", "to"),
        ("from=2020-01-01&to=2026-03-01", "from"),
        ("priority=P9", "priority"),
        ("customer=NOBODY", "customer"),
        ("contract=HT-NONE", "contract"),
        ("team=" + "x" * 81, "team"),
    ],
)
def test_bad_input_is_422_naming_the_field(api_as, manager, query, field):
    response = api_as(manager).get(f"{URL}?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


def test_anonymous_callers_are_asked_to_sign_in():
    assert Client().get(f"{URL}?{MARCH}").status_code == 401


def test_response_minutes_come_from_the_real_case_services(api_as, manager, customer_a):
    seat = factories.staff_user("kpi_seat", role="dispatcher")
    engineer = factories.staff_user("kpi_worker", role="engineer")
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):  # a Monday, in service hours
        case = case_services.case_create(
            by=seat,
            customer=customer_a,
            title="存储告警",
            priority="P3",
            case_type="fault",
            channel="phone",
        )
        case = case_services.case_assign(case=case, engineer=engineer, by=seat)
    with time_machine.travel(at(2026, 3, 2, 10, 12), tick=False):
        case_services.case_respond(case=case, by=engineer, text="已联系")
    response = Promise.objects.get(subject_kind="case", subject_id=case.pk, target="response")
    body = api_as(manager).get(f"{URL}?{MARCH}").json()
    assert body["compliance"]["response"] == 1.0
    assert body["response_minutes"]["median"] == response.used.total_seconds() / 60 == 12


# --- the page ---


def test_the_page_shows_the_figures_with_links_to_the_case_list(manager, two_customers):
    client = Client()
    client.force_login(manager)
    response = client.get(f"/reports/kpis/?{MARCH}&customer=KH-A001")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="kpi-opened"' in page
    assert "/cases/?tab=all&amp;customer=KH-A001&amp;created_from=2026-03-01" in page
    assert response.context["kpis"].cases_opened == 4


def test_the_page_names_a_bad_date_without_figures(manager):
    client = Client()
    client.force_login(manager)
    response = client.get("/reports/kpis/?from=2026-02-30")
    assert response.status_code == 422
    assert response.context["filter_error_field"] == "from"
    assert response.context["kpis"] is None


def test_an_engineer_opening_the_page_sees_their_own_figures(customer_a):
    me = rf.engineer_in("华东一组", "kpi_page_eng")
    rf.case(customer_a, at(2026, 4, 2), assignee=me)
    rf.case(customer_a, at(2026, 4, 2))
    client = Client()
    client.force_login(me)
    response = client.get("/reports/kpis/")
    assert response.status_code == 200
    assert response.context["kpis"].filter.engineer == "kpi_page_eng"
    assert response.context["kpis"].cases_opened == 1


def test_an_engineer_naming_someone_else_on_the_page_is_refused(engineer):
    client = Client()
    client.force_login(engineer)
    assert client.get("/reports/kpis/?engineer=other").status_code == 403


def test_a_contact_does_not_find_the_console_page(contact_a):
    client = Client()
    client.force_login(contact_a.user)
    assert client.get("/reports/kpis/").status_code == 404


def test_the_page_fits_a_phone(manager, two_customers):
    client = Client()
    client.force_login(manager)
    page = client.get(f"/reports/kpis/?{MARCH}").content.decode()
    assert page.count('class="table-responsive') == 2
    assert "col-6" in page
    assert dt.date(2026, 3, 1)  # the period shown is March
