"""The macro endpoints: list, create, edit, retire and apply, as the right and the wrong user."""

from __future__ import annotations

import pytest

from aftersales.cases.models import ActivityKind, Macro, Status
from tests import factories
from tests.cases import factories_daily as daily

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def waiting_macro(manager):
    return daily.macro(manager, name="请提供日志", team="engineer", set_status="waiting")


def _post(client, path, body=None):
    return client.post(f"/api/v1{path}", body or {}, content_type="application/json")


def test_the_list_is_the_callers_usable_macros(api_as, engineer, seat, waiting_macro):
    daily.macro(seat, name="座席私有")
    body = api_as(engineer).get("/api/v1/macros").json()
    assert [m["name"] for m in body["items"]] == ["请提供日志"] and body["count"] == 1


def test_a_complaint_officer_may_not_list_macros(api_as, waiting_macro):
    officer = factories.staff_user("officer", role="complaint_officer")
    assert api_as(officer).get("/api/v1/macros").status_code == 403


def test_a_customer_contact_may_not_list_macros(api_as, contact_a, waiting_macro):
    assert api_as(contact_a.user).get("/api/v1/macros").status_code in (403, 404)


def test_create_answers_201_with_the_macro(api_as, engineer):
    response = _post(api_as(engineer), "/macros", {"name": "我的", "body": "您好"})
    assert response.status_code == 201
    assert response.json()["owner"] == "engineer" and response.json()["team"] == ""


def test_create_with_a_bad_status_names_it(api_as, engineer):
    response = _post(
        api_as(engineer), "/macros", {"name": "坏", "body": "x", "set_status": "closed"}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "set_status"
    assert Macro.objects.count() == 0


def test_a_duplicate_name_is_422_naming_name(api_as, engineer):
    daily.macro(engineer, name="同名")
    response = _post(api_as(engineer), "/macros", {"name": "同名", "body": "x"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "name"
    assert Macro.objects.count() == 1


def test_an_engineer_may_not_create_a_team_macro(api_as, engineer):
    response = _post(api_as(engineer), "/macros", {"name": "团队", "body": "x", "team": "engineer"})
    assert response.status_code == 403 and Macro.objects.count() == 0


def test_patch_changes_the_given_fields_only(api_as, engineer):
    mine = daily.macro(engineer, name="旧名")
    response = api_as(engineer).patch(
        f"/api/v1/macros/{mine.pk}", {"name": "新名"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["name"] == "新名"
    assert response.json()["body"] == mine.body


def test_another_users_personal_macro_is_404(api_as, engineer, seat):
    theirs = daily.macro(seat, name="座席私有")
    client = api_as(engineer)
    response = client.patch(
        f"/api/v1/macros/{theirs.pk}", {"name": "抢"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert _post(client, f"/macros/{theirs.pk}/retire").status_code == 404
    assert Macro.objects.get(pk=theirs.pk).name == "座席私有"


def test_retire_keeps_the_macro_inactive(api_as, engineer):
    mine = daily.macro(engineer)
    response = _post(api_as(engineer), f"/macros/{mine.pk}/retire")
    assert response.status_code == 200 and response.json()["is_active"] is False


def test_apply_answers_the_case_detail(api_as, responded_case, engineer, waiting_macro):
    path = f"/cases/{responded_case.number}/macros/{waiting_macro.pk}/apply"
    response = _post(api_as(engineer), path, {"version": responded_case.version})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == Status.WAITING
    assert ActivityKind.MACRO in [a["kind"] for a in body["activities"]]


def test_apply_without_a_body_uses_the_macro_text(api_as, responded_case, engineer, waiting_macro):
    client = api_as(engineer)
    path = f"/api/v1/cases/{responded_case.number}/macros/{waiting_macro.pk}/apply"
    response = client.post(path, content_type="application/json")
    assert response.status_code == 200
    assert str(engineer) in response.json()["activities"][-3]["text"]


def test_a_refused_apply_writes_nothing(api_as, assigned_case, engineer, waiting_macro):
    before = assigned_case.activities.count()
    path = f"/cases/{assigned_case.number}/macros/{waiting_macro.pk}/apply"
    response = _post(api_as(engineer), path, {"text": "请提供日志"})
    assert response.status_code == 409 and response.json()["field"] == "set_status"
    assigned_case.refresh_from_db()
    assert assigned_case.status == Status.ASSIGNED
    assert assigned_case.activities.count() == before


def test_a_stale_apply_is_409_naming_version(api_as, responded_case, engineer, waiting_macro):
    path = f"/cases/{responded_case.number}/macros/{waiting_macro.pk}/apply"
    response = _post(api_as(engineer), path, {"version": responded_case.version - 1})
    assert response.status_code == 409 and response.json()["field"] == "version"


def test_apply_of_another_users_macro_is_404(api_as, responded_case, engineer, seat):
    theirs = daily.macro(seat, name="座席私有")
    path = f"/cases/{responded_case.number}/macros/{theirs.pk}/apply"
    assert _post(api_as(engineer), path).status_code == 404
    assert not responded_case.activities.filter(kind=ActivityKind.MACRO).exists()


def test_a_contact_cannot_apply_a_macro(api_as, responded_case, contact_a, waiting_macro):
    path = f"/cases/{responded_case.number}/macros/{waiting_macro.pk}/apply"
    assert _post(api_as(contact_a.user), path).status_code == 404


def test_a_complaint_officer_cannot_apply_a_macro(api_as, responded_case, waiting_macro):
    officer = factories.staff_user("officer", role="complaint_officer")
    path = f"/cases/{responded_case.number}/macros/{waiting_macro.pk}/apply"
    assert _post(api_as(officer), path).status_code == 403
    assert not responded_case.activities.filter(kind=ActivityKind.MACRO).exists()


@pytest.mark.parametrize("bad_id", ["99999999999999999999", "0", "-1"])
def test_an_id_out_of_range_is_refused_without_a_server_error(api_as, engineer, bad_id):
    response = _post(api_as(engineer), f"/macros/{bad_id}/retire")
    assert response.status_code in (404, 422)
