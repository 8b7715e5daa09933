"""Where each person starts: the home page's "My queue" board beside the due-next board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.cases import services
from aftersales.cases.models import Case
from tests import factories
from tests.cases.factories_daily import open_case

pytestmark = pytest.mark.django_db


def home(client, user, query: str = "", **headers):
    client.force_login(user)
    return client.get(reverse("home") + query, headers=headers)


def board(client, user) -> str:
    """The board's rows, as its own HTMX request loads them after the page."""
    return home(client, user, "?board=my_queue", HX_Request="true").content.decode()


def test_an_engineer_lands_on_due_next_and_their_own_open_cases(client, seat, engineer, customer_a):
    mine = services.case_assign(case=open_case(seat, customer_a), engineer=engineer, by=seat)
    other = open_case(seat, customer_a, title="别人的")
    page = home(client, engineer).content.decode()
    assert 'id="due-next"' in page and 'id="my-queue"' in page
    assert 'data-queue="mine"' in page and "/cases/?tab=mine&amp;sort=due" in page
    rows = board(client, engineer)
    assert mine.number in rows and other.number not in rows


def test_a_seat_sees_the_unassigned_queue_instead(client, seat, engineer, customer_a):
    waiting = open_case(seat, customer_a)
    taken = services.case_assign(case=open_case(seat, customer_a), engineer=engineer, by=seat)
    page = home(client, seat).content.decode()
    assert 'data-queue="unassigned"' in page and 'id="due-next"' in page
    rows = board(client, seat)
    assert waiting.number in rows and taken.number not in rows


def test_a_manager_gets_the_seats_boards_for_now(client, seat, customer_a):
    manager = factories.staff_user("boss", role="manager")
    waiting = open_case(seat, customer_a)
    assert 'data-queue="unassigned"' in home(client, manager).content.decode()
    assert waiting.number in board(client, manager)


def test_the_board_shows_ten_rows_due_soonest_first_and_counts_them_all(
    client, seat, engineer, customer_a
):
    cases = [open_case(seat, customer_a) for _ in range(12)]
    soon = timezone.now() + dt.timedelta(minutes=5)
    Case.objects.filter(pk=cases[-1].pk).update(sla_due_at=soon)  # the newest falls due first
    page = board(client, seat)
    assert page.count('data-queue-case="') == 10
    first = page.index('data-queue-case="')
    assert page.index(f'data-queue-case="{cases[-1].number}"') == first
    assert '<span class="badge text-bg-secondary">12</span>' in page


def test_closed_cases_are_not_in_my_queue(client, seat, engineer, customer_a):
    case = services.case_assign(case=open_case(seat, customer_a), engineer=engineer, by=seat)
    services.case_close(case=case, by=seat, text="重复报修")
    assert case.number not in board(client, engineer)


def test_the_full_page_paints_the_frame_and_the_board_loads_its_rows(
    client, seat, engineer, customer_a
):
    mine = services.case_assign(case=open_case(seat, customer_a), engineer=engineer, by=seat)
    page = home(client, engineer).content.decode()
    assert 'hx-trigger="load, every 60s [liveIdle(this)]"' in page
    html = board(client, engineer)
    assert html.lstrip().startswith('<div id="my-queue"') and mine.number in html
    assert 'hx-trigger="every 60s [liveIdle(this)]"' in html


def test_a_customer_contact_is_sent_to_the_portal(client, contact_a):
    response = home(client, contact_a.user, "?board=my_queue", HX_Request="true")
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_the_lookup_stays_one_keystroke_away(client, engineer):
    assert 'accesskey="k" id="console-lookup"' in home(client, engineer).content.decode()
