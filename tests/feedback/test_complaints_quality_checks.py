"""Service supervision (服务监督): sampled quality checks of closed cases and callbacks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.cases import services as case_services
from aftersales.cases.models import Case
from aftersales.feedback.models import Callback, CallbackRule, QualityCheck
from tests.conftest import api_client_for
from tests.feedback.factories_complaints import JSON, at, post

pytestmark = pytest.mark.django_db
URL = "/api/v1/quality-checks"


@pytest.fixture
def closed_case(seat, engineer, customer_a):
    case = case_services.case_create(
        by=seat,
        customer=customer_a,
        title="存储告警",
        description="x",
        priority="P3",
        case_type="fault",
        channel="phone",
    )
    Case.objects.filter(pk=case.pk).update(status="closed", assignee=engineer)
    return case


def test_a_mystery_check_of_a_closed_case_names_its_engineer_by_default(
    officer, engineer, closed_case
):
    response = post(
        api_client_for(officer),
        URL,
        at(2026, 12, 7, 9, 0),
        subject_kind="case",
        subject=closed_case.number,
        method="mystery",
        score=85,
        findings="工程师未出示工牌",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == closed_case.number and body["person_checked"] == "engineer"
    assert body["customer"] == "KH-A001" and body["checked_by"] == "officer"
    listed = api_client_for(officer).get(f"{URL}?method=mystery").json()
    assert listed["count"] == 1


def test_a_callback_is_checked_by_its_id(officer, manager, customer_a):
    callback = Callback.objects.create(
        rule=CallbackRule.objects.first(),
        period="2026-12",
        customer=customer_a,
        due_on=dt.date(2026, 12, 7),
        agent=manager,
        created_at=timezone.now(),
    )
    response = post(
        api_client_for(officer),
        URL,
        at(2026, 12, 8, 9, 0),
        subject_kind="callback",
        subject=str(callback.pk),
        method="counter",
        score=60,
    )
    assert response.status_code == 201
    assert response.json()["subject"] == f"#{callback.pk}"
    assert response.json()["person_checked"] == "manager"


def test_an_open_case_is_not_checked_and_nothing_is_written(officer, seat, customer_a):
    case = case_services.case_create(
        by=seat,
        customer=customer_a,
        title="x",
        description="x",
        priority="P3",
        case_type="fault",
        channel="phone",
    )
    response = post(
        api_client_for(officer),
        URL,
        at(2026, 12, 7, 9, 0),
        subject_kind="case",
        subject=case.number,
        method="review",
        score=90,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "subject"
    assert QualityCheck.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"score": 101}, "score"),
        ({"method": "guess"}, "method"),
        ({"person_checked": "nobody"}, "person_checked"),
    ],
)
def test_bad_check_input_is_422_naming_the_field(officer, closed_case, change, field):
    body = {"subject_kind": "case", "subject": closed_case.number, "method": "review", "score": 70}
    response = post(api_client_for(officer), URL, at(2026, 12, 7, 9, 0), **{**body, **change})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert QualityCheck.objects.count() == 0


@pytest.mark.parametrize("role_user", ["seat", "engineer", "expert"])
def test_service_roles_may_not_see_or_record_checks(request, role_user, closed_case, client):
    user = request.getfixturevalue(role_user)
    api = api_client_for(user)
    body = {"subject_kind": "case", "subject": closed_case.number, "method": "review", "score": 70}
    assert api.get(URL).status_code == 403
    assert api.post(URL, body, content_type=JSON).status_code == 403
    client.force_login(user)
    assert client.get("/complaints/quality-checks/").status_code == 403
    assert QualityCheck.objects.count() == 0


def test_the_console_page_records_and_lists_a_check(client, officer, closed_case):
    client.force_login(officer)
    response = client.post(
        "/complaints/quality-checks/",
        {"subject_kind": "case", "subject": closed_case.number, "method": "review", "score": 95},
    )
    assert response.status_code == 302
    page = client.get("/complaints/quality-checks/").content.decode()
    assert closed_case.number in page and "95/100" in page
