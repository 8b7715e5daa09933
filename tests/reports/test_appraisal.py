"""The engineer appraisal (考核): reports.appraisal, GET /api/v1/reports/appraisal and the page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from aftersales.reports.appraisal import appraisal, parse_week, period_of
from aftersales.reports.filters import ReportFilter
from tests import factories
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/appraisal"
WEEK = "2026-W10"  # Monday 2 March to Sunday 8 March 2026
W10 = ReportFilter(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 8))


@pytest.fixture(autouse=True)
def _later():
    with time_machine.travel(at(2026, 3, 20, 12), tick=False):
        yield


@pytest.fixture
def team_world(customer_a):
    """Two engineers in 华东一组 and one in 华北一组, with a week of work."""
    east1 = rf.engineer_in("华东一组", "ap_east1")
    east2 = rf.engineer_in("华东一组", "ap_east2")
    north = rf.engineer_in("华北一组", "ap_north", region="华北")
    one = rf.case(customer_a, at(2026, 3, 2, 9), assignee=east1)
    two = rf.case(customer_a, at(2026, 3, 2, 9), assignee=east1)
    three = rf.case(customer_a, at(2026, 3, 2, 9), assignee=north)
    rf.activity(one, "responded", at(2026, 3, 2, 10), actor=east1)
    rf.activity(one, "resolved", at(2026, 3, 3, 10), actor=east1)
    rf.activity(two, "comment", at(2026, 3, 4, 10), actor=east1)
    rf.activity(two, "comment", at(2026, 3, 5, 10), actor=east1)  # same case: counted once
    rf.activity(two, "comment", at(2026, 3, 9, 10), actor=east2)  # next week
    rf.activity(three, "resolved", at(2026, 3, 6, 10), actor=north)
    rf.work(one, east1, dt.date(2026, 3, 2), 90)
    rf.work(two, east1, dt.date(2026, 3, 8), 30)
    rf.work(two, east1, dt.date(2026, 3, 4), 60, voided=True)
    rf.work(three, north, dt.date(2026, 3, 9), 45)  # next week
    rf.survey(customer_a, at(2026, 3, 6), overall=5, recommend=9, engineer=east1)
    rf.survey(customer_a, at(2026, 3, 6), overall=3, recommend=5, engineer=east1)
    rf.promise(two, "resolution", at(2026, 3, 2, 9), breached_at=at(2026, 3, 4, 9))
    rf.promise(three, "response", at(2026, 3, 2, 9), breached_at=at(2026, 3, 10, 9))  # next week
    return {"east1": east1, "east2": east2, "north": north}


def rows_by_name(result) -> dict:
    return {row.username: row for row in result.rows}


def test_each_figure_recounts_the_engineers_own_rows(team_world):
    row = rows_by_name(appraisal(W10))["ap_east1"]
    assert (row.handled, row.resolved, row.resolution_rate) == (2, 1, 0.5)
    assert row.minutes == 90 + 30
    assert row.satisfaction == 50.0
    assert row.breaches == 1
    assert row.team == "华东一组"


def test_work_in_another_week_does_not_count(team_world):
    rows = rows_by_name(appraisal(W10))
    assert (rows["ap_east2"].handled, rows["ap_east2"].minutes) == (0, 0)
    assert (rows["ap_north"].minutes, rows["ap_north"].breaches) == (0, 0)


def test_team_totals_add_up_their_engineers(team_world):
    result = appraisal(W10)
    east = next(t for t in result.teams if t.team == "华东一组")
    members = [r for r in result.rows if r.team == "华东一组"]
    assert east.handled == sum(r.handled for r in members) == 2
    assert east.resolution_rate == 0.5
    north = next(t for t in result.teams if t.team == "华北一组")
    assert (north.handled, north.resolved, north.resolution_rate) == (1, 1, 1.0)


def test_a_team_filter_keeps_only_that_team(team_world):
    names = set(rows_by_name(appraisal(period_of({"week": WEEK, "team": "华北一组"}, W10.end))))
    assert names == {"ap_north"}


def test_a_week_is_monday_to_sunday():
    assert parse_week("2026-W10") == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert parse_week("2026-W01") == (dt.date(2025, 12, 29), dt.date(2026, 1, 4))


# --- the endpoint ---


def test_a_manager_sees_every_engineer_and_the_team_totals(api_as, team_world):
    manager = factories.staff_user("ap_manager", role="manager")
    body = api_as(manager).get(f"{URL}?week={WEEK}").json()
    names = {row["engineer"] for row in body["engineers"]}
    assert {"ap_east1", "ap_east2", "ap_north"} <= names
    assert body["week"] == WEEK
    assert {t["team"] for t in body["teams"]} >= {"华东一组", "华北一组"}
    mine = next(row for row in body["engineers"] if row["engineer"] == "ap_east1")
    assert mine["resolution_rate"] == 0.5 and mine["minutes"] == 120


def test_an_engineer_sees_only_their_own_row(api_as, team_world):
    body = api_as(team_world["north"]).get(f"{URL}?week={WEEK}&engineer=ap_east1").json()
    assert [row["engineer"] for row in body["engineers"]] == ["ap_north"]
    assert body["teams"] == []


def test_a_period_may_be_given_as_from_and_to(api_as, team_world):
    body = api_as(team_world["east1"]).get(f"{URL}?from=2026-03-02&to=2026-03-03").json()
    assert body["engineers"][0]["handled"] == 1
    assert body["week"] == ""


@pytest.mark.parametrize("week", ["2026-10", "2026-W54", "W10", "2026-w10x"])
def test_a_bad_week_is_422_naming_week(api_as, engineer, week):
    response = api_as(engineer).get(f"{URL}?week={week}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "week"


def test_a_bad_date_is_422_naming_it(api_as, engineer):
    response = api_as(engineer).get(f"{URL}?from=2026-03-02&to=someday")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "to"


def test_a_contact_finds_no_appraisal(api_as, contact_a):
    assert api_as(contact_a.user).get(f"{URL}?week={WEEK}").status_code == 404


# --- the page ---


def test_the_page_lists_the_week_with_team_totals_for_a_manager(team_world):
    client = Client()
    client.force_login(factories.staff_user("ap_mgr", role="manager"))
    response = client.get(f"/reports/appraisal/?week={WEEK}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "华东一组" in page and "appraisal-teams" in page
    assert 'class="table-responsive' in page


def test_the_page_shows_an_engineer_their_own_row(team_world):
    client = Client()
    client.force_login(team_world["east2"])
    response = client.get(f"/reports/appraisal/?week={WEEK}")
    assert [row.username for row in response.context["appraisal"].rows] == ["ap_east2"]


def test_the_page_names_a_bad_week(engineer):
    client = Client()
    client.force_login(engineer)
    response = client.get("/reports/appraisal/?week=nonsense")
    assert response.status_code == 422
    assert "YYYY-Www" in response.content.decode()


def test_a_contact_does_not_find_the_page(contact_a):
    client = Client()
    client.force_login(contact_a.user)
    assert client.get("/reports/appraisal/").status_code == 404
