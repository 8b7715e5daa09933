"""The console's macro pages, and the case page's macro picker and work log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.cases.models import ActivityKind, Macro, Status, WorkLog
from tests import factories
from tests.cases import factories_daily as daily

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def waiting_macro(manager):
    return daily.macro(manager, name="请提供日志", team="engineer", set_status="waiting")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_macros_page_lists_the_users_macros(engineer, seat, waiting_macro):
    daily.macro(seat, name="座席私有")
    page = _client(engineer).get(reverse("cases:macro_list")).content.decode()
    assert "请提供日志" in page and "座席私有" not in page


def test_the_macros_page_is_forbidden_to_a_complaint_officer(db):
    officer = factories.staff_user("officer", role="complaint_officer")
    assert _client(officer).get(reverse("cases:macro_list")).status_code == 403


def test_the_macros_page_is_not_found_for_a_contact(contact_a):
    assert _client(contact_a.user).get(reverse("cases:macro_list")).status_code == 404


def test_a_new_macro_is_saved_from_the_form(engineer):
    response = _client(engineer).post(
        reverse("cases:macro_create"), {"name": "我的", "body": "您好", "set_status": "waiting"}
    )
    assert response.status_code == 302
    assert Macro.objects.get().owner == engineer


def test_a_bad_form_shows_the_error_and_saves_nothing(engineer):
    daily.macro(engineer, name="同名")
    response = _client(engineer).post(reverse("cases:macro_create"), {"name": "同名", "body": "x"})
    assert response.status_code == 422 and 'data-field="name"' in response.content.decode()
    assert Macro.objects.count() == 1


def test_editing_another_users_macro_is_not_found(engineer, seat):
    theirs = daily.macro(seat, name="座席私有")
    client = _client(engineer)
    assert client.get(reverse("cases:macro_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("cases:macro_retire", args=[theirs.pk])).status_code == 404
    assert Macro.objects.get(pk=theirs.pk).is_active


def test_retiring_from_the_page(engineer):
    mine = daily.macro(engineer)
    _client(engineer).post(reverse("cases:macro_retire", args=[mine.pk]))
    assert not Macro.objects.get(pk=mine.pk).is_active


def test_the_case_page_offers_the_macro_rendered_for_the_case(
    responded_case, engineer, waiting_macro
):
    page = _client(engineer).get(reverse("cases:detail", args=[responded_case.number]))
    html = page.content.decode()
    assert 'id="macro-picker"' in html and f"请提供 {responded_case.number} 的日志" in html


def test_the_case_page_shows_no_picker_to_a_complaint_officer(responded_case, waiting_macro):
    officer = factories.staff_user("officer", role="complaint_officer")
    html = _client(officer).get(reverse("cases:detail", args=[responded_case.number]))
    assert 'id="macro-picker"' not in html.content.decode()


def test_applying_from_the_case_page_sends_the_edited_text(responded_case, engineer, waiting_macro):
    url = reverse("cases:macro_apply", args=[responded_case.number])
    data = {"macro": waiting_macro.pk, "text": "改过的回复", "version": responded_case.version}
    assert _client(engineer).post(url, data).status_code == 302
    responded_case.refresh_from_db()
    assert responded_case.status == Status.WAITING
    assert responded_case.activities.get(kind=ActivityKind.COMMENT).text == "改过的回复"


def test_a_refused_apply_on_the_page_writes_nothing(assigned_case, engineer, waiting_macro):
    url = reverse("cases:macro_apply", args=[assigned_case.number])
    before = assigned_case.activities.count()
    response = _client(engineer).post(url, {"macro": waiting_macro.pk, "text": "x"})
    assert response.status_code == 409
    assert assigned_case.activities.count() == before


def test_apply_without_a_macro_names_it(responded_case, engineer, waiting_macro):
    url = reverse("cases:macro_apply", args=[responded_case.number])
    response = _client(engineer).post(url, {"macro": "", "text": "x"})
    assert response.status_code == 422 and 'data-field="macro"' in response.content.decode()


def test_the_work_log_is_shown_with_its_total(assigned_case, engineer):
    client = _client(engineer)
    client.post(reverse("cases:work_log_add", args=[assigned_case.number]), {"minutes": "90"})
    html = client.get(reverse("cases:detail", args=[assigned_case.number])).content.decode()
    assert 'id="work-log"' in html and "Total 90 min (1.5 h)" in html


def test_bad_minutes_on_the_page_name_the_field(assigned_case, engineer):
    url = reverse("cases:work_log_add", args=[assigned_case.number])
    response = _client(engineer).post(url, {"minutes": "abc"})
    assert response.status_code == 422 and 'data-field="minutes"' in response.content.decode()
    assert WorkLog.objects.count() == 0


def test_voiding_from_the_page_strikes_the_entry(assigned_case, engineer):
    client = _client(engineer)
    client.post(reverse("cases:work_log_add", args=[assigned_case.number]), {"minutes": "30"})
    entry = WorkLog.objects.get()
    client.post(reverse("cases:work_log_void", args=[assigned_case.number, entry.pk]))
    html = client.get(reverse("cases:detail", args=[assigned_case.number])).content.decode()
    assert "work-log-entry voided" in html and "Total 0 min" in html
