"""GET /api/v1/promises: every subject kind's promises, filtered, paged, soonest due first."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.access import NOT_ALLOWED
from tests import factories
from tests.sla.promise_rows import NOW, case_without_promises, promise_on

URL = "/api/v1/promises"
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def case_a(seat, engineer, customer_a, contact_a):
    return case_without_promises(seat, engineer, customer_a, contact_a)


@pytest.fixture
def case_b(seat, engineer, customer_b, contact_b):
    return case_without_promises(seat, engineer, customer_b, contact_b)


def get(client, query: str = "") -> dict:
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_items_name_the_case_number_and_customer_code(api_as, seat, case_a):
    promise_on(case_a, "response", due=NOW + HOUR)
    body = get(api_as(seat))
    assert body["count"] == 1
    assert body["items"] == [
        {
            "subject_kind": "case",
            "subject": case_a.number,
            "target": "response",
            "due_at": "2026-03-02T03:00:00Z",
            "state": "running",
            "customer": "KH-A001",
        }
    ]


def test_promises_come_soonest_due_first_undated_last(api_as, seat, case_a):
    promise_on(case_a, "late", due=NOW + 3 * HOUR)
    promise_on(case_a, "paused", due=None, paused_at=NOW)
    promise_on(case_a, "soon", due=NOW + HOUR)
    targets = [i["target"] for i in get(api_as(seat))["items"]]
    assert targets == ["soon", "late", "paused"]


def test_each_state_filters_its_own_promises(api_as, seat, case_a):
    promise_on(case_a, "running", due=NOW + HOUR)
    promise_on(case_a, "paused", due=None, paused_at=NOW)
    promise_on(case_a, "met", due=NOW + HOUR, completed_at=NOW, met=True)
    promise_on(case_a, "recorded", due=NOW - HOUR, breached_at=NOW - HOUR)
    promise_on(case_a, "unswept", due=NOW - HOUR)  # past due, the sweep not yet there
    promise_on(case_a, "stopped", due=NOW + HOUR, stopped_at=NOW)
    client = api_as(seat)
    found = {
        s: [i["target"] for i in get(client, f"state={s}")["items"]]
        for s in ("running", "paused", "met", "missed", "stopped")
    }
    assert found == {
        "running": ["running"],
        "paused": ["paused"],
        "met": ["met"],
        "missed": ["recorded", "unswept"],
        "stopped": ["stopped"],
    }


def test_due_before_customer_and_kind_filter(api_as, seat, case_a, case_b):
    promise_on(case_a, "soon", due=NOW + HOUR)
    promise_on(case_a, "later", due=NOW + 5 * HOUR)
    promise_on(case_b, "other", due=NOW + HOUR)
    client = api_as(seat)
    due_before = (NOW + 2 * HOUR).isoformat().replace("+", "%2B")
    assert [i["target"] for i in get(client, f"due_before={due_before}")["items"]] == [
        "soon",
        "other",
    ]
    assert [i["target"] for i in get(client, "customer=KH-B001")["items"]] == ["other"]
    assert get(client, "subject_kind=rma")["count"] == 0
    assert get(client, "subject_kind=case")["count"] == 3


def test_the_list_is_paged_like_the_other_lists(api_as, seat, case_a):
    for n in range(3):
        promise_on(case_a, f"t{n}", due=NOW + (n + 1) * HOUR)
    first = get(api_as(seat), "limit=2")
    assert (first["count"], len(first["items"])) == (3, 2)
    assert "offset=2" in first["next"]
    rest = get(api_as(seat), "limit=2&offset=2")
    assert ([i["target"] for i in rest["items"]], rest["next"]) == (["t2"], None)


def test_a_contact_sees_only_their_organisations_promises(api_as, contact_b, case_a, case_b):
    promise_on(case_a, "theirs", due=NOW + HOUR)
    promise_on(case_b, "ours", due=NOW + HOUR)
    body = get(api_as(contact_b.user))
    assert [(i["target"], i["customer"]) for i in body["items"]] == [("ours", "KH-B001")]
    assert get(api_as(contact_b.user), "customer=KH-A001")["count"] == 0


def test_a_login_without_role_or_organisation_is_refused(api_as, case_a):
    promise_on(case_a, "response", due=NOW + HOUR)
    nobody = factories.UserFactory(username="nobody")
    response = api_as(nobody).get(URL)
    assert response.status_code == 403
    assert response.json()["detail"] == str(NOT_ALLOWED)


def test_staff_who_may_not_view_cases_are_refused(api_as, case_a):
    promise_on(case_a, "response", due=NOW + HOUR)
    clerk = factories.staff_user("clerk", role="warehouse")
    view_case = Permission.objects.get(codename="view_case", content_type__app_label="cases")
    Group.objects.get(name="warehouse").permissions.remove(view_case)
    response = api_as(clerk).get(URL)
    assert response.status_code == 403


def test_an_unknown_state_is_a_422_naming_state(api_as, seat):
    response = api_as(seat).get(f"{URL}?state=late")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "state"


def test_a_due_before_out_of_range_is_a_422_naming_it(api_as, seat):
    response = api_as(seat).get(f"{URL}?due_before=0001-01-01T00:00:00")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "due_before"


def test_the_query_count_does_not_grow_with_the_page(
    api_as, seat, customer_a, customer_b, engineer, contact_a, contact_b
):
    client = api_as(seat)
    get(client)  # the token's and permissions' first look-ups are not the list's

    def queries(cases: int) -> int:
        for n in range(cases):
            customer, contact = (customer_a, contact_a) if n % 2 else (customer_b, contact_b)
            case = case_without_promises(seat, engineer, customer, contact)
            promise_on(case, "response", due=NOW + HOUR)
        with CaptureQueriesContext(connection) as ctx:
            get(client)
        return len(ctx.captured_queries)

    assert queries(1) == queries(6)
