"""GET /api/v1/contracts/{number}/penalties and POST /api/v1/penalties/{id}/waive."""

from __future__ import annotations

import pytest
import time_machine

from aftersales.cases import services as case_services
from aftersales.contracts.models import PenaltyWaiver
from tests import factories
from tests.sla.conftest import assign, at, sweep


@pytest.fixture
def missed_response(contract_5x8, open_case, seat, engineer):
    case = assign(open_case("P2", at(2026, 3, 2, 10, 0)), engineer, seat, at(2026, 3, 2, 10, 0))
    sweep(at(2026, 3, 2, 11, 1))
    with time_machine.travel(at(2026, 3, 2, 11, 23), tick=False):
        case_services.case_respond(case=case, by=engineer, text="已联系")
    return case


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager", manager_level="technical")


def test_manager_reads_the_contract_penalties_for_a_period(api_as, manager, missed_response):
    response = api_as(manager).get(
        "/api/v1/contracts/HT-2026-001/penalties", {"from": "2026-03-01", "to": "2026-03-31"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == "5000.00" and body["lines"][0]["case"] == missed_response.number
    assert body["lines"][0]["explanation"].endswith("1% × ¥500,000.00 = ¥5,000.00")


def test_engineer_gets_403_and_customer_404(api_as, engineer, contact_a, missed_response):
    url = "/api/v1/contracts/HT-2026-001/penalties"
    assert api_as(engineer).get(url).status_code == 403
    assert api_as(contact_a.user).get(url).status_code == 404


def test_unknown_contract_is_404(api_as, manager, missed_response):
    assert api_as(manager).get("/api/v1/contracts/NOPE/penalties").status_code == 404


def test_waive_needs_a_reason(api_as, manager, missed_response):
    client = api_as(manager)
    line = client.get("/api/v1/contracts/HT-2026-001/penalties").json()["lines"][0]
    response = client.post(
        f"/api/v1/penalties/{line['id']}/waive", {"reason": " "}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "reason"]
    assert not PenaltyWaiver.objects.exists()


def test_manager_waives_by_api_and_a_second_waiver_conflicts(api_as, manager, missed_response):
    client = api_as(manager)
    line = client.get("/api/v1/contracts/HT-2026-001/penalties").json()["lines"][0]
    url = f"/api/v1/penalties/{line['id']}/waive"
    response = client.post(url, {"reason": "停电"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["waiver"]["reason"] == "停电"
    again = client.post(url, {"reason": "停电"}, content_type="application/json")
    assert again.status_code == 409


def test_engineer_cannot_waive_by_api(api_as, engineer, manager, missed_response):
    line = api_as(manager).get("/api/v1/contracts/HT-2026-001/penalties").json()["lines"][0]
    response = api_as(engineer).post(
        f"/api/v1/penalties/{line['id']}/waive", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403 and not PenaltyWaiver.objects.exists()


def test_console_penalty_page_for_managers_only(
    client, manager, engineer, contact_a, missed_response
):
    url = "/sla/penalties/?contract=HT-2026-001"
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200 and "¥5,000.00" in page.content.decode()
    client.force_login(engineer)
    assert client.get(url).status_code == 403
    client.force_login(contact_a.user)
    assert client.get(url).status_code == 404


def test_console_waive_form_records_the_waiver(client, manager, missed_response):
    from aftersales.contracts.penalties import penalty_lines_for_case

    [line] = penalty_lines_for_case(case=missed_response)
    client.force_login(manager)
    response = client.post(
        "/sla/penalties/waive/",
        {"line": line.id, "reason": "客户书面同意", "contract": "HT-2026-001"},
    )
    assert response.status_code == 302
    assert PenaltyWaiver.objects.get().reason == "客户书面同意"


def test_penalty_page_without_a_contract_lists_contracts_with_missed_promises(
    client, manager, missed_response, contract_5x8
):
    client.force_login(manager)
    html = client.get("/sla/penalties/").content.decode()
    assert 'href="?contract=HT-2026-001"' in html and "1 missed promise" in html


def test_a_contract_whose_promises_were_kept_is_not_listed(client, manager, contract_5x8):
    client.force_login(manager)
    html = client.get("/sla/penalties/").content.decode()
    assert "HT-2026-001" not in html and "No contract has a missed promise." in html
