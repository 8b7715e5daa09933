"""The work-log endpoints: list with the total, log (201), void; wrong users refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.cases import worklog
from aftersales.cases.models import WorkLog
from tests import factories

pytestmark = pytest.mark.django_db


def _url(case, rest=""):
    return f"/api/v1/cases/{case.number}/work-log{rest}"


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_logging_answers_201_with_the_entry(api_as, assigned_case, engineer):
    response = _post(api_as(engineer), _url(assigned_case), {"minutes": 40, "note": "远程"})
    assert response.status_code == 201
    assert response.json()["minutes"] == 40 and response.json()["user"] == "engineer"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": "30"}, "minutes"),
        ({"minutes": 30, "note": "长" * 301}, "note"),
        ({"minutes": 30, "worked_on": "2999-01-01"}, "worked_on"),
        ({"minutes": 30, "worked_on": "1999-01-01"}, "worked_on"),
    ],
)
def test_bad_input_is_422_naming_the_field(api_as, assigned_case, engineer, body, field):
    response = _post(api_as(engineer), _url(assigned_case), body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == field
    assert WorkLog.objects.count() == 0


def test_the_list_gives_entries_and_the_total(api_as, assigned_case, engineer):
    entry = worklog.work_log_add(case=assigned_case, by=engineer, minutes=30)
    worklog.work_log_add(case=assigned_case, by=engineer, minutes=15)
    worklog.work_log_void(entry=entry, by=engineer)
    body = api_as(engineer).get(_url(assigned_case)).json()
    assert body["count"] == 2 and body["total_minutes"] == 15


def test_void_answers_the_voided_entry(api_as, assigned_case, engineer):
    entry = worklog.work_log_add(case=assigned_case, by=engineer, minutes=30)
    response = _post(api_as(engineer), _url(assigned_case, f"/{entry.pk}/void"))
    assert response.status_code == 200 and response.json()["voided_by"] == "engineer"


def test_a_contact_gets_404_for_the_work_log(api_as, assigned_case, contact_a):
    client = api_as(contact_a.user)
    assert client.get(_url(assigned_case)).status_code == 404
    assert _post(client, _url(assigned_case), {"minutes": 5}).status_code == 404
    assert WorkLog.objects.count() == 0


def test_a_complaint_officer_may_read_but_not_log(api_as, assigned_case):
    officer = factories.staff_user("officer", role="complaint_officer")
    client = api_as(officer)
    assert client.get(_url(assigned_case)).status_code == 200
    assert _post(client, _url(assigned_case), {"minutes": 5}).status_code == 403
    assert WorkLog.objects.count() == 0


def test_worked_on_defaults_to_today(api_as, assigned_case, engineer):
    response = _post(api_as(engineer), _url(assigned_case), {"minutes": 5})
    assert response.json()["worked_on"] == timezone.localdate().isoformat()
    assert dt.date.fromisoformat(response.json()["worked_on"])
