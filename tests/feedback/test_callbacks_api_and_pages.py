"""The callback API (contract.md, "Customer voice") and console pages: the month's list, its
coverage reaching 100 %, who may call what, and bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from aftersales.feedback.models import Callback, CallbackItem
from tests import factories
from tests.feedback.factories_callbacks import JSON, asset, at, closed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return factories.staff_user("cb_manager", role="manager")


@pytest.fixture
def december(customer_a, customer_b):
    """December 2026: two assets accepted, one onsite case closed, one asset from last month."""
    asset(customer_a, accepted_on=dt.date(2026, 12, 2))
    asset(customer_b, installed_on=dt.date(2026, 12, 9))
    asset(customer_a, accepted_on=dt.date(2026, 11, 20))
    closed_case(customer_a, at(2026, 12, 10, 15, 0), service_mode="onsite")


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type=JSON)


def test_done_when_the_months_list_is_worked_coverage_reaches_100(api_as, manager, seat, december):
    with time_machine.travel(at(2026, 12, 14, 9, 0), tick=False):
        built = _post(api_as(manager), "/api/v1/callbacks/generate", {"period": "2026-12"})
        assert built.status_code == 200
        month = api_as(seat).get("/api/v1/callbacks?period=2026-12").json()
        kinds = sorted(row["rule"] for row in month["items"])
        assert kinds == [
            "after-case",
            "commissioned-monthly",
            "commissioned-monthly",
            "onsite-monthly",
        ]
        for row in month["items"]:
            body = {"outcome": "reached", "rating": 5}
            done = _post(api_as(seat), f"/api/v1/callbacks/{row['id']}/attempts", body)
            assert done.status_code == 201
        coverage = api_as(seat).get("/api/v1/callbacks/coverage?period=2026-12").json()
    monthly = [r for r in coverage["rules"] if r["period"] == "2026-12"]
    assert all(r["ratio"] == 1.0 for r in monthly if r["due"])
    assert sum(r["due"] for r in monthly) == 4


def test_generating_again_adds_nothing(api_as, manager, december):
    client = api_as(manager)
    first = _post(client, "/api/v1/callbacks/generate", {"period": "2026-12"}).json()
    again = _post(client, "/api/v1/callbacks/generate", {"period": "2026-12"}).json()
    assert again == {"created": 0, "existing": first["created"]}


@pytest.mark.parametrize("period", ["2026-13", "2026/12", "Q4-2026", ""])
def test_a_bad_period_is_a_422_naming_it_and_builds_nothing(api_as, manager, december, period):
    response = _post(api_as(manager), "/api/v1/callbacks/generate", {"period": period})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "period"
    assert Callback.objects.count() == 0


def test_a_quarter_can_be_generated(api_as, manager, december):
    response = _post(api_as(manager), "/api/v1/callbacks/generate", {"period": "2026-Q4"})
    assert response.json()["created"] == 2  # the installed-only asset is not accepted
    assert set(Callback.objects.values_list("period", flat=True)) == {"2026-Q4"}


@pytest.mark.parametrize("role", ["engineer", "expert", "dispatcher"])
def test_only_managers_build_the_list(api_as, december, role):
    user = factories.staff_user(f"cb_{role}", role=role)
    response = _post(api_as(user), "/api/v1/callbacks/generate", {"period": "2026-12"})
    assert response.status_code == 403
    assert Callback.objects.count() == 0


def test_engineers_see_no_callbacks(api_as, engineer, manager, december):
    _post(api_as(manager), "/api/v1/callbacks/generate", {"period": "2026-12"})
    callback = Callback.objects.first()
    client = api_as(engineer)
    assert client.get("/api/v1/callbacks").status_code == 403
    assert client.get(f"/api/v1/callbacks/{callback.pk}").status_code == 404
    body = {"outcome": "reached", "rating": 5}
    assert _post(client, f"/api/v1/callbacks/{callback.pk}/attempts", body).status_code == 404
    assert Callback.objects.get(pk=callback.pk).attempts == 0


def test_a_customer_sees_no_callbacks_not_even_its_own(api_as, contact_a, manager, december):
    _post(api_as(manager), "/api/v1/callbacks/generate", {"period": "2026-12"})
    own = Callback.objects.filter(customer=contact_a.customer).first()
    client = api_as(contact_a.user)
    assert client.get("/api/v1/callbacks").status_code == 403
    assert client.get(f"/api/v1/callbacks/{own.pk}").status_code == 404
    assert client.get("/api/v1/callback-items").status_code == 403


def test_the_list_filters_by_customer(api_as, manager, seat, customer_b, december):
    _post(api_as(manager), "/api/v1/callbacks/generate", {"period": "2026-12"})
    rows = api_as(seat).get(f"/api/v1/callbacks?customer={customer_b.code}").json()["items"]
    assert rows and {r["customer"] for r in rows} == {customer_b.code}


def test_the_list_pages_like_every_list(api_as, manager, seat, december):
    _post(api_as(manager), "/api/v1/callbacks/generate", {"period": "2026-12"})
    first = api_as(seat).get("/api/v1/callbacks?limit=2").json()
    assert (len(first["items"]), first["count"]) == (2, Callback.objects.count())
    assert "offset=2" in first["next"]


@pytest.mark.parametrize("query", ["period=2026-13", "status=lost", "limit=0"])
def test_bad_list_filters_are_422(api_as, seat, query):
    assert api_as(seat).get(f"/api/v1/callbacks?{query}").status_code == 422


def test_an_attempt_without_a_retry_plan_is_422_and_writes_nothing(api_as, manager, december):
    _post(api_as(manager), "/api/v1/callbacks/generate", {"period": "2026-12"})
    callback = Callback.objects.first()
    url = f"/api/v1/callbacks/{callback.pk}/attempts"
    response = _post(api_as(manager), url, {"outcome": "not_reached"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "retry_at"
    assert Callback.objects.get(pk=callback.pk).attempts == 0


def test_a_problem_goes_round_the_department_and_back_as_key(api_as, manager, seat, december):
    _post(api_as(manager), "/api/v1/callbacks/generate", {"period": "2026-12"})
    callback = Callback.objects.first()
    raised = _post(api_as(seat), f"/api/v1/callbacks/{callback.pk}/items", {"text": "告警"})
    number = raised.json()["number"]
    base = f"/api/v1/callback-items/{number}"
    assert _post(api_as(seat), f"{base}/solve", {"solution": "x"}).status_code == 403
    solved = _post(api_as(manager), f"{base}/solve", {"solution": "更换风扇"}).json()
    assert solved["status"] == "solved" and solved["told_due"]
    _post(api_as(seat), f"{base}/tell", {})
    item = _post(api_as(seat), f"{base}/confirm", {"satisfied": False}).json()
    assert (item["status"], item["key_problem"], item["resent_count"]) == ("open", True, 1)
    keys = api_as(seat).get("/api/v1/callback-items?key=true").json()["items"]
    assert [k["number"] for k in keys] == [number]


def test_a_problem_needs_its_text(api_as, manager, seat, december):
    _post(api_as(manager), "/api/v1/callbacks/generate", {"period": "2026-12"})
    callback = Callback.objects.first()
    response = _post(api_as(seat), f"/api/v1/callbacks/{callback.pk}/items", {"text": " "})
    assert response.status_code == 422
    assert CallbackItem.objects.count() == 0


# --- console ---


def test_the_console_pages_show_the_queue_script_form_items_and_coverage(
    client, manager, seat, december
):
    client.force_login(manager)
    client.post("/callbacks/generate/", {"period": "2026-12"})
    callback = Callback.objects.filter(rule__code="commissioned-monthly").first()
    client.force_login(seat)
    assert "callback-row" in client.get("/callbacks/").content.decode()
    page = client.get(f"/callbacks/{callback.pk}/").content.decode()
    assert callback.rule.script[:10] in page and "callback-attempt" in page
    client.post(f"/callbacks/{callback.pk}/items/", {"text": "告警", "department": "service"})
    item = CallbackItem.objects.get()
    assert item.number in client.get("/callbacks/items/").content.decode()
    assert client.get(f"/callbacks/items/{item.number}/").status_code == 200
    assert "callback-coverage" in client.get("/callbacks/coverage/?period=2026-12").content.decode()


def test_a_call_is_recorded_from_the_console(client, seat, manager, december):
    client.force_login(manager)
    client.post("/callbacks/generate/", {"period": "2026-12"})
    callback = Callback.objects.first()
    client.force_login(seat)
    client.post(f"/callbacks/{callback.pk}/attempt/", {"outcome": "reached", "rating": "4"})
    assert Callback.objects.get(pk=callback.pk).status == "done"


def test_engineers_get_403_on_the_console_pages(client, engineer):
    client.force_login(engineer)
    assert client.get("/callbacks/").status_code == 403
    assert client.get("/callbacks/coverage/").status_code == 403
