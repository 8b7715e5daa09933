"""The at-risk list: API and console page, who sees what, order, words; the history query."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from aftersales.reports import risk
from aftersales.sla.models import Promise
from tests import factories
from tests.sla.promise_rows import NOW, case_without_promises, promise_on

URL = "/api/v1/reports/at-risk"
HOUR = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def my_case(seat, engineer, customer_a, contact_a):
    return case_without_promises(seat, engineer, customer_a, contact_a)


@pytest.fixture
def other_case(seat, customer_b, contact_b):
    colleague = factories.staff_user("colleague", role="engineer")
    return case_without_promises(seat, colleague, customer_b, contact_b)


def decided_history(
    case, *, missed: int, met: int, met_early: int = 0, target: str = "response"
) -> None:
    """Decided promises of the case's group: `missed` breached, `met` kept at the last minute,
    `met_early` kept with most of the time left."""
    base = {"subject_kind": "case", "target": target, "priority": case.priority, "minutes": 60}
    start = NOW - dt.timedelta(days=3)
    rows = [
        Promise(
            subject_id=900_000 + i,
            started_at=start,
            due_at=start + HOUR,
            breached_at=start + HOUR,
            **base,
        )
        for i in range(missed)
    ]
    rows += [
        Promise(
            subject_id=950_000 + i,
            started_at=start,
            due_at=start + HOUR,
            completed_at=start + 58 * MIN,
            met=True,
            used=58 * MIN,
            **base,
        )
        for i in range(met)
    ]
    rows += [
        Promise(subject_id=990_000 + i, started_at=start, due_at=start + HOUR,
                completed_at=start + 10 * MIN, met=True, used=10 * MIN, **base)
        for i in range(met_early)
    ]  # fmt: skip
    Promise.objects.bulk_create(rows)


def get(client, user, url=URL):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(url)


def api(api_as, user, query: str = ""):
    with time_machine.travel(NOW, tick=False):
        return api_as(user).get(URL + query)


def test_the_promise_with_less_time_left_comes_first_with_its_reasons(
    api_as, manager, my_case, other_case
):
    decided_history(my_case, missed=6, met=2, met_early=20)
    promise_on(my_case, "response", due=NOW + 5 * MIN, priority="P3")
    promise_on(other_case, "response", due=NOW + 55 * MIN, priority="P3")
    items = api(api_as, manager).json()["items"]
    assert [i["subject"] for i in items] == [my_case.number, other_case.number]
    assert items[0]["probability"] > items[1]["probability"]
    assert items[0]["reasons"][0].startswith("P3 first response with 5 min of service time left")
    assert "6 of 8 similar promises with this little time left were missed" in items[0]["reasons"]


def test_an_item_names_its_subject_target_and_due_moment(api_as, manager, my_case):
    promise_on(my_case, "resolution", due=NOW + 2 * HOUR, priority="P3")
    (item,) = api(api_as, manager).json()["items"]
    assert (item["subject_kind"], item["subject_id"]) == ("case", my_case.pk)
    assert item["target"] == "resolution"
    assert item["url"] == reverse("cases:detail", args=[my_case.number])
    assert dt.datetime.fromisoformat(item["due_at"]) == NOW + 2 * HOUR


def test_met_missed_and_paused_promises_are_not_listed(api_as, manager, my_case):
    promise_on(my_case, "response", due=NOW + HOUR, completed_at=NOW, met=True)
    promise_on(my_case, "diagnosis", due=NOW - HOUR, breached_at=NOW - HOUR)
    promise_on(my_case, "resolution", due=None, paused_at=NOW - HOUR)
    assert api(api_as, manager).json()["items"] == []


def test_min_leaves_out_the_unlikely_ones(api_as, manager, my_case, other_case):
    decided_history(my_case, missed=9, met=1)
    decided_history(other_case, missed=0, met=20, target="resolution")
    promise_on(my_case, "response", due=NOW + 3 * MIN, priority="P3")
    promise_on(other_case, "resolution", due=NOW + 30 * HOUR, priority="P3")
    items = api(api_as, manager, "?min=0.7").json()["items"]
    assert [i["subject"] for i in items] == [my_case.number]


def test_an_engineer_sees_only_the_promises_of_their_own_cases(
    api_as, engineer, my_case, other_case
):
    promise_on(my_case, "response", due=NOW + HOUR)
    promise_on(other_case, "response", due=NOW + HOUR)
    items = api(api_as, engineer).json()["items"]
    assert [i["subject"] for i in items] == [my_case.number]


def test_an_engineer_asking_for_a_colleagues_promises_is_refused(api_as, engineer, other_case):
    promise_on(other_case, "response", due=NOW + HOUR)
    assert api(api_as, engineer, "?engineer=colleague").status_code == 403


def test_a_customer_contact_gets_nothing(api_as, contact_a, my_case):
    promise_on(my_case, "response", due=NOW + HOUR)
    assert api(api_as, contact_a.user).status_code in (403, 404)


def test_a_bad_priority_is_refused_naming_the_field(api_as, manager):
    response = api(api_as, manager, "?priority=P9")
    assert response.status_code == 422
    assert "priority" in response.content.decode()


def test_a_limit_beyond_the_maximum_is_refused(api_as, manager):
    assert api(api_as, manager, f"?limit={risk.MAX_LIMIT + 1}").status_code == 422


def test_the_page_lists_the_risk_highest_first_with_links_and_words(
    client, manager, my_case, other_case
):
    decided_history(my_case, missed=6, met=2, met_early=20)
    promise_on(my_case, "response", due=NOW + 5 * MIN, priority="P3")
    promise_on(other_case, "response", due=NOW + 55 * MIN, priority="P3")
    page = get(client, manager, reverse("reports:at_risk")).content.decode()
    first = page.index(reverse("cases:detail", args=[my_case.number]))
    assert first < page.index(reverse("cases:detail", args=[other_case.number]))
    assert "similar promises with this little time left were missed" in page


def test_the_page_shows_an_engineer_only_their_own(client, engineer, my_case, other_case):
    promise_on(my_case, "response", due=NOW + HOUR)
    promise_on(other_case, "response", due=NOW + HOUR)
    page = get(client, engineer, reverse("reports:at_risk")).content.decode()
    assert my_case.number in page
    assert other_case.number not in page


def test_the_page_refuses_a_contact(client, contact_a):
    assert get(client, contact_a.user, reverse("reports:at_risk")).status_code == 404


def test_the_page_refuses_an_engineer_asking_for_a_colleague(client, engineer, other_case):
    url = reverse("reports:at_risk") + "?engineer=colleague"
    assert get(client, engineer, url).status_code == 403


def test_the_page_answers_a_bad_priority_with_422(client, manager):
    response = get(client, manager, reverse("reports:at_risk") + "?priority=P9")
    assert response.status_code == 422


def test_the_history_query_buckets_met_promises_by_the_share_left(my_case):
    base = {"subject_kind": "case", "target": "response", "priority": "P3", "minutes": 100}
    start = NOW - dt.timedelta(days=2)
    for i, used in enumerate((95, 80, 60, 10)):
        Promise.objects.create(
            subject_id=800_000 + i, started_at=start, due_at=start + 2 * HOUR,
            completed_at=start + HOUR, met=True, used=used * MIN, **base,
        )  # fmt: skip
    Promise.objects.create(
        subject_id=800_010, started_at=start, due_at=start + HOUR, breached_at=start + HOUR,
        **base,
    )  # fmt: skip
    rows = sorted(risk.history_rows(Promise.objects.filter(target="response")))
    key = ("case", "response", "P3")
    assert rows == [(key, -1, 1), (key, 0, 1), (key, 1, 1), (key, 2, 1), (key, 3, 1)]


def test_the_home_page_shows_the_promises_likeliest_to_be_missed(client, manager, my_case):
    decided_history(my_case, missed=6, met=2, met_early=20)
    promise_on(my_case, "response", due=NOW + 5 * MIN, priority="P3")

    page = get(client, manager, "/").content.decode()

    assert 'id="risk-board"' in page
    assert reverse("cases:detail", args=[my_case.number]) in page


def test_the_home_board_of_an_engineer_leaves_out_a_colleagues_case(
    client, engineer, my_case, other_case
):
    decided_history(my_case, missed=6, met=2, met_early=20)
    promise_on(other_case, "response", due=NOW + 5 * MIN, priority="P3")

    page = get(client, engineer, "/").content.decode()

    assert reverse("cases:detail", args=[other_case.number]) not in page
