"""The "due next" board on the staff home page: due soon and missed, mine / team / all, live."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests import factories
from tests.sla.promise_rows import NOW, case_without_promises, promise_on

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def my_case(seat, engineer, customer_a, contact_a):
    return case_without_promises(seat, engineer, customer_a, contact_a)


@pytest.fixture
def other_case(seat, customer_b, contact_b):
    colleague = factories.staff_user("colleague", role="engineer")
    return case_without_promises(seat, colleague, customer_b, contact_b)


def home(client, user, query: str = "", **headers):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("home") + query, headers=headers)


def board(client, user, query: str = ""):
    """Only the due board (its live refresh): other boards may link the same case."""
    return home(client, user, f"?board=due_next{query}", HX_Request="true").content.decode()


def test_the_board_lists_a_promise_due_in_two_hours_and_a_missed_one_with_links(
    client, engineer, my_case
):
    promise_on(my_case, "response", due=NOW + 2 * HOUR)
    promise_on(my_case, "resolution", due=NOW - HOUR, breached_at=NOW - HOUR)
    page = board(client, engineer)
    link = reverse("cases:detail", args=[my_case.number])
    assert page.count(f'href="{link}"') == 2
    assert "in 2 h 00 min" in page
    assert "overdue 1 h 00 min" in page


def test_a_promise_due_beyond_the_chosen_hours_is_left_off(client, engineer, my_case):
    promise_on(my_case, "response", due=NOW + 6 * HOUR)
    assert my_case.number not in board(client, engineer)
    assert my_case.number in board(client, engineer, "&hours=8")


def test_met_and_stopped_promises_are_not_on_the_board(client, engineer, my_case):
    promise_on(my_case, "response", due=NOW + HOUR, completed_at=NOW, met=True)
    promise_on(my_case, "onsite", due=NOW - HOUR, breached_at=NOW - HOUR, stopped_at=NOW)
    assert my_case.number not in home(client, engineer).content.decode()


def test_mine_shows_only_my_cases_and_all_shows_every_case(client, engineer, my_case, other_case):
    promise_on(my_case, "response", due=NOW + HOUR)
    promise_on(other_case, "response", due=NOW + HOUR)
    mine = home(client, engineer, "?scope=mine").content.decode()
    every = home(client, engineer, "?scope=all").content.decode()
    assert my_case.number in mine and other_case.number not in mine
    assert my_case.number in every and other_case.number in every


def test_my_team_is_the_engineers_of_my_region(client, seat, customer_b, contact_b, my_case):
    me = factories.EngineerFactory(username="me", region="华东").user
    peer = factories.EngineerFactory(username="peer", region="华东").user
    stranger = factories.EngineerFactory(username="far", region="西南").user
    peers_case = case_without_promises(seat, peer, customer_b, contact_b)
    far_case = case_without_promises(seat, stranger, customer_b, contact_b)
    promise_on(peers_case, "response", due=NOW + HOUR)
    promise_on(far_case, "response", due=NOW + HOUR)
    team = home(client, me, "?scope=team").content.decode()
    assert peers_case.number in team and far_case.number not in team


def test_the_htmx_refresh_gets_only_the_board_partial(client, engineer, my_case):
    promise_on(my_case, "response", due=NOW + HOUR)
    response = home(client, engineer, "?board=due_next&scope=mine&hours=4", HX_Request="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="due-next"')
    assert 'hx-trigger="every 30s"' in body
    assert my_case.number in body
    assert "<html" not in body and 'due-next-filters" class' not in body


def test_the_full_page_polls_the_named_partial_every_30_seconds(client, engineer):
    page = home(client, engineer).content.decode()
    assert 'id="due-next"' in page and 'hx-trigger="every 30s"' in page
    assert 'hx-include="#due-next-filters"' in page


def test_a_customer_contact_never_sees_the_board(client, contact_a, my_case):
    promise_on(my_case, "response", due=NOW + HOUR)
    response = home(client, contact_a.user, "?board=due_next", HX_Request="true")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


@pytest.mark.translations
def test_the_board_speaks_the_users_language(client, engineer, my_case):
    promise_on(my_case, "response", due=NOW + HOUR)
    engineer.language = "zh-hans"
    engineer.save(update_fields=["language"])
    chinese = home(client, engineer).content.decode()
    engineer.language = "en"
    engineer.save(update_fields=["language"])
    english = home(client, engineer).content.decode()
    assert "全部" in chinese and "1 小时 00 分钟" in chinese
    assert ">All<" in english and "in 1 h 00 min" in english
