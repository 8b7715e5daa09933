"""The engineer's visit: departed, arrived (the onsite promise), finished; API and case page."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.sla.selectors import sla_clocks

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Tuesday 3 March 2026, an ordinary working day: P1 onsite is promised within 240 service minutes.
OPENED = dt.datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI)


def _post(api, number, action, body=None):
    return api.post(f"/api/v1/cases/{number}/{action}", body or {}, content_type="application/json")


def _onsite(case: Case):
    case.refresh_from_db()
    return {c.target: c for c in sla_clocks(case, timezone.now())}["onsite"]


def _written(case: Case) -> tuple:
    case.refresh_from_db()
    return case.version, case.activities.count(), _onsite(case).state


@pytest.fixture
def onsite_case(seat, engineer, customer_a, contact_a):
    with time_machine.travel(OPENED, tick=False):
        case = services.case_create(
            by=seat,
            customer=customer_a,
            title="存储控制器故障",
            description="需上门更换控制器",
            priority="P1",
            case_type="fault",
            channel="phone",
            service_mode="onsite",
            contact=contact_a,
        )
        return services.case_assign(case=case, engineer=engineer, by=seat)


@pytest.mark.django_db
def test_arrival_before_the_due_moment_meets_the_onsite_promise(api_as, engineer, onsite_case):
    due = _onsite(onsite_case).due
    with time_machine.travel(due - dt.timedelta(minutes=5), tick=False):
        response = _post(api_as(engineer), onsite_case.number, "arrive")
    assert response.status_code == 200
    assert response.json()["activities"][-1]["kind"] == "arrived"
    assert _onsite(onsite_case).state == "met"


@pytest.mark.django_db
def test_arrival_after_the_due_moment_misses_the_onsite_promise(api_as, engineer, onsite_case):
    due = _onsite(onsite_case).due
    with time_machine.travel(due + dt.timedelta(minutes=5), tick=False):
        response = _post(api_as(engineer), onsite_case.number, "arrive")
    assert response.status_code == 200
    assert _onsite(onsite_case).state == "breached"


@pytest.mark.django_db
def test_back_dated_arrival_counts_from_the_moment_given(api_as, engineer, onsite_case):
    due = _onsite(onsite_case).due
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        at = (due - dt.timedelta(minutes=10)).isoformat()
        response = _post(api_as(engineer), onsite_case.number, "arrive", {"at": at})
    assert response.status_code == 200
    assert _onsite(onsite_case).state == "met"
    arrived = onsite_case.activities.get(kind="arrived")
    assert arrived.at == due - dt.timedelta(minutes=10)


@pytest.mark.django_db
def test_arrival_in_the_future_is_refused_and_writes_nothing(api_as, engineer, onsite_case):
    before = _written(onsite_case)
    with time_machine.travel(OPENED + dt.timedelta(hours=1), tick=False):
        at = (OPENED + dt.timedelta(hours=2)).isoformat()
        response = _post(api_as(engineer), onsite_case.number, "arrive", {"at": at})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "at"
    assert response.json()["detail"][0]["msg"] == str(services.AT_IN_FUTURE)
    assert _written(onsite_case) == before


@pytest.mark.django_db
def test_arrival_before_the_departure_is_refused_and_writes_nothing(api_as, engineer, onsite_case):
    api = api_as(engineer)
    with time_machine.travel(OPENED + dt.timedelta(hours=1), tick=False):
        assert _post(api, onsite_case.number, "depart").status_code == 200
    before = _written(onsite_case)
    with time_machine.travel(OPENED + dt.timedelta(hours=2), tick=False):
        at = (OPENED + dt.timedelta(minutes=30)).isoformat()
        response = _post(api, onsite_case.number, "arrive", {"at": at})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "at"
    assert _written(onsite_case) == before


@pytest.mark.django_db
def test_engineer_not_on_the_case_cannot_arrive_and_nothing_is_written(api_as, onsite_case):
    from tests import factories

    stranger = factories.staff_user("engineer_far", role="engineer")
    before = _written(onsite_case)
    response = _post(api_as(stranger), onsite_case.number, "arrive")
    assert response.status_code == 403
    assert response.json()["detail"] == str(services.NOT_ASSIGNEE)
    assert _written(onsite_case) == before


@pytest.mark.django_db
def test_contact_of_another_customer_does_not_find_the_case(api_as, contact_b, onsite_case):
    before = _written(onsite_case)
    response = _post(api_as(contact_b.user), onsite_case.number, "arrive")
    assert response.status_code == 404
    assert _written(onsite_case) == before


@pytest.mark.django_db
def test_arrival_on_a_resolved_case_is_a_conflict(api_as, engineer, onsite_case):
    services.case_respond(case=onsite_case, by=engineer, text="已联系")
    services.case_resolve(case=onsite_case, by=engineer, text="远程恢复")
    before = _written(onsite_case)
    response = _post(api_as(engineer), onsite_case.number, "arrive")
    assert response.status_code == 409
    assert response.json()["status"] == "resolved"
    assert _written(onsite_case) == before


@pytest.mark.django_db
def test_finish_before_arrival_is_a_conflict(api_as, engineer, onsite_case):
    before = _written(onsite_case)
    response = _post(api_as(engineer), onsite_case.number, "finish")
    assert response.status_code == 409
    assert _written(onsite_case) == before


@pytest.mark.django_db
def test_dispatcher_records_the_visit_the_engineer_phoned_in(api_as, seat, onsite_case):
    api = api_as(seat)
    for step in ("depart", "arrive", "finish"):
        assert _post(api, onsite_case.number, step).status_code == 200
    kinds = list(onsite_case.activities.values_list("kind", flat=True))
    assert kinds[-3:] == ["departed", "arrived", "finished"]


@pytest.mark.django_db
def test_stale_version_is_a_conflict(api_as, engineer, onsite_case):
    body = {"version": onsite_case.version - 1}
    response = _post(api_as(engineer), onsite_case.number, "arrive", body)
    assert response.status_code == 409


@pytest.mark.django_db
def test_case_page_offers_the_next_visit_step(client, engineer, onsite_case):
    client.force_login(engineer)
    page = client.get(f"/cases/{onsite_case.number}/").content.decode()
    assert "action-depart" in page and "action-arrive" in page
    assert "action-finish" not in page
    client.post(f"/cases/{onsite_case.number}/arrive/", {"version": onsite_case.version})
    page = client.get(f"/cases/{onsite_case.number}/").content.decode()
    assert 'data-last="arrived"' in page
    assert "action-finish" in page and "action-arrive" not in page


@pytest.mark.django_db
def test_case_page_offers_no_visit_step_to_an_engineer_not_on_the_case(client, onsite_case):
    from tests import factories

    client.force_login(factories.staff_user("engineer_far", role="engineer"))
    page = client.get(f"/cases/{onsite_case.number}/").content.decode()
    assert "onsite-steps" not in page


@pytest.mark.django_db
def test_future_moment_on_the_case_page_names_the_field(client, engineer, onsite_case):
    client.force_login(engineer)
    at = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/cases/{onsite_case.number}/arrive/", {"at": at})
    assert response.status_code == 422
    assert 'data-field="at"' in response.content.decode()
    assert not onsite_case.activities.filter(kind="arrived").exists()
