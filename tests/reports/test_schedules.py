"""Report schedules: who may add, list and deactivate them, over the API and on the console
page, and what bad input is refused (422 naming the field, nothing written)."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from aftersales.core.models import Activity
from aftersales.reports import schedules
from aftersales.reports.models import ReportSchedule
from tests import factories
from tests.conftest import api_client_for
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/schedules"


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def service_manager(db):
    return factories.staff_user("sm", role="service_manager")


def post(user, path, body):
    return api_client_for(user).post(path, body, content_type="application/json")


def field_of(response) -> str:
    return response.json()["detail"][0]["loc"][-1]


def test_a_service_manager_schedules_a_quarterly_summary_over_the_api(service_manager, customer_a):
    body = {
        "kind": "quarterly_customer",
        "customer": customer_a.code,
        "format": "xlsx",
        "recipients": "ops@example.com\n\n boss@example.com \nOPS@example.com",
    }
    with time_machine.travel(at(2026, 5, 6, 10), tick=False):
        response = post(service_manager, URL, body)
    assert response.status_code == 201
    data = response.json()
    assert data["recipients"] == ["ops@example.com", "boss@example.com"]
    assert (data["customer"], data["format"], data["last_period"]) == ("KH-A001", "xlsx", "2026-Q1")
    assert data["created_by"] == "sm" and data["is_active"] is True


def test_recipients_may_be_given_as_a_list(manager):
    response = post(manager, URL, {"kind": "monthly_major", "recipients": ["a@x.cn", "b@x.cn"]})
    assert response.status_code == 201
    assert ReportSchedule.objects.get().recipients == "a@x.cn\nb@x.cn"


@pytest.mark.parametrize(
    "recipients",
    ["", "not-an-address", "ok@example.com\nbad@", "\n".join(f"u{i}@x.cn" for i in range(21))],
)
def test_bad_recipients_are_refused_naming_recipients_and_nothing_is_written(manager, recipients):
    response = post(manager, URL, {"kind": "monthly_major", "recipients": recipients})
    assert response.status_code == 422
    assert field_of(response) == "recipients"
    assert ReportSchedule.objects.count() == 0
    assert not Activity.objects.filter(subject_kind="report_schedule").exists()


def test_twenty_recipients_are_allowed(manager):
    recipients = "\n".join(f"u{i}@x.cn" for i in range(20))
    response = post(manager, URL, {"kind": "monthly_major", "recipients": recipients})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "quarterly_customer"}, "customer"),
        ({"kind": "yearly_customer", "customer": "NO-SUCH"}, "customer"),
        ({"kind": "quarterly_customer", "customer": "KH-A001", "contract": "HT-X"}, "contract"),
        ({"kind": "weekly_engineer"}, "engineer"),
        ({"kind": "weekly_engineer", "engineer": "contact_b"}, "engineer"),
        ({"kind": "daily"}, "kind"),
        ({"kind": "monthly_major", "format": "docx"}, "format"),
    ],
)
def test_a_kind_without_its_subject_is_refused_naming_the_field(
    manager, customer_a, contact_b, body, field
):
    response = post(manager, URL, {"recipients": "a@x.cn", **body})
    assert response.status_code == 422
    assert field_of(response) == field
    assert ReportSchedule.objects.count() == 0


def test_a_contract_of_the_customer_is_kept(manager, customer_a):
    rf.contract(customer_a, "HT-S-001")
    body = {"kind": "yearly_customer", "customer": "KH-A001", "contract": "HT-S-001"}
    response = post(manager, URL, {"recipients": "a@x.cn", **body})
    assert response.json()["contract"] == "HT-S-001"


def test_an_engineer_may_not_schedule_reports(engineer):
    response = post(
        engineer, URL, {"kind": "weekly_engineer", "engineer": "engineer", "recipients": "a@x.cn"}
    )
    assert response.status_code == 403
    assert ReportSchedule.objects.count() == 0
    assert api_client_for(engineer).get(URL).status_code == 403


def test_a_customer_contact_finds_no_schedules(contact_a, manager):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    client = api_client_for(contact_a.user)
    assert client.get(URL).status_code == 404
    assert (
        post(contact_a.user, URL, {"kind": "monthly_major", "recipients": "a@x.cn"}).status_code
        == 404
    )
    assert post(contact_a.user, f"{URL}/{made.pk}/deactivate", {}).status_code == 404
    assert ReportSchedule.objects.get().is_active


def test_the_list_shows_every_schedule_active_first(manager, service_manager):
    first = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    schedules.schedule_create(by=service_manager, kind="monthly_major", recipients="b@x.cn")
    schedules.schedule_deactivate(schedule=first, by=manager)
    response = api_client_for(service_manager).get(URL)
    assert [row["recipients"] for row in response.json()] == [["b@x.cn"], ["a@x.cn"]]


def test_deactivating_keeps_the_schedule_and_writes_its_timeline(manager):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    response = post(manager, f"{URL}/{made.pk}/deactivate", {})
    assert response.status_code == 200 and response.json()["is_active"] is False
    post(manager, f"{URL}/{made.pk}/deactivate", {})  # twice: nothing more
    kinds = Activity.objects.filter(subject_kind="report_schedule", subject_id=made.pk)
    assert list(kinds.order_by("pk").values_list("kind", flat=True)) == ["created", "deactivated"]


def test_deactivating_an_unknown_schedule_is_404(manager):
    assert post(manager, f"{URL}/999999/deactivate", {}).status_code == 404


def test_an_engineer_may_not_deactivate_a_schedule(manager, engineer):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    assert post(engineer, f"{URL}/{made.pk}/deactivate", {}).status_code == 403
    assert ReportSchedule.objects.get().is_active


def test_updating_the_recipients_records_the_change(manager):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    schedules.schedule_update(schedule=made, by=manager, recipients="b@x.cn\nc@x.cn")
    row = Activity.objects.get(subject_kind="report_schedule", kind="updated")
    assert row.changes == {"recipients": ["a@x.cn", "b@x.cn\nc@x.cn"]}


def test_reactivating_starts_after_the_period_closed_by_then(manager):
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
        schedules.schedule_deactivate(schedule=made, by=manager)
    with time_machine.travel(at(2026, 6, 10, 9), tick=False):
        again = schedules.schedule_update(schedule=made, by=manager, is_active=True)
    assert (again.is_active, again.last_period) == (True, "2026-05")


# --- the console page -----------------------------------------------------------------------


def test_the_page_lists_schedules_and_adds_one(client, manager, customer_a):
    schedules.schedule_create(by=manager, kind="monthly_major", recipients="first@x.cn")
    client.force_login(manager)
    page = client.get(reverse("reports:schedules"))
    assert page.status_code == 200 and "first@x.cn" in page.content.decode()
    form = {
        "kind": "quarterly_customer",
        "format": "pdf",
        "customer": customer_a.code,
        "recipients": "ops@example.com",
    }
    response = client.post(reverse("reports:schedules"), form)
    assert response.status_code == 302
    assert ReportSchedule.objects.filter(customer=customer_a).exists()


def test_the_page_shows_a_bad_recipient_on_its_field_and_writes_nothing(client, manager):
    client.force_login(manager)
    form = {"kind": "monthly_major", "format": "pdf", "recipients": "nope"}
    response = client.post(reverse("reports:schedules"), form)
    assert response.status_code == 422
    assert response.context["form"].errors["recipients"] == [
        str(schedules.BAD_RECIPIENT % {"address": "nope"})
    ]
    assert ReportSchedule.objects.count() == 0


def test_the_page_deactivates_a_schedule(client, manager):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    client.force_login(manager)
    response = client.post(reverse("reports:schedule_deactivate", args=[made.pk]))
    assert response.status_code == 302
    assert not ReportSchedule.objects.get().is_active


def test_the_page_is_forbidden_to_an_engineer_and_hidden_from_a_contact(
    client, engineer, contact_a, manager
):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    client.force_login(engineer)
    assert client.get(reverse("reports:schedules")).status_code == 403
    assert client.post(reverse("reports:schedule_deactivate", args=[made.pk])).status_code == 403
    client.force_login(contact_a.user)
    assert client.get(reverse("reports:schedules")).status_code == 404
    assert ReportSchedule.objects.get().is_active


# --- changing a schedule --------------------------------------------------------------------


def patch(user, path, body):
    return api_client_for(user).patch(path, body, content_type="application/json")


def test_the_api_changes_the_recipients_and_the_format(manager):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")

    response = patch(manager, f"{URL}/{made.pk}", {"recipients": ["b@x.cn"], "format": "xlsx"})

    assert response.status_code == 200, response.content
    assert response.json()["recipients"] == ["b@x.cn"]
    assert response.json()["format"] == "xlsx"


def test_the_api_reactivates_a_schedule(manager):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    schedules.schedule_deactivate(schedule=made, by=manager)

    response = patch(manager, f"{URL}/{made.pk}", {"is_active": True})

    assert response.json()["is_active"] is True


def test_a_bad_recipient_in_a_change_is_422_and_changes_nothing(manager):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")

    response = patch(manager, f"{URL}/{made.pk}", {"recipients": "not an address"})

    assert response.status_code == 422 and field_of(response) == "recipients"
    assert ReportSchedule.objects.get().recipients == "a@x.cn"


def test_an_engineer_may_not_change_a_schedule(manager, engineer):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")

    assert patch(engineer, f"{URL}/{made.pk}", {"format": "xlsx"}).status_code == 403
    assert ReportSchedule.objects.get().format == "pdf"


def test_the_page_saves_new_recipients_and_reactivates(client, manager):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    schedules.schedule_deactivate(schedule=made, by=manager)
    client.force_login(manager)

    response = client.post(
        reverse("reports:schedule_change", args=[made.pk]),
        {"recipients": "b@x.cn\nc@x.cn", "format": "pdf", "is_active": "on"},
    )

    saved = ReportSchedule.objects.get()
    assert response.status_code == 302
    assert (saved.recipients, saved.is_active) == ("b@x.cn\nc@x.cn", True)


def test_the_page_refuses_a_bad_recipient_and_changes_nothing(client, manager):
    made = schedules.schedule_create(by=manager, kind="monthly_major", recipients="a@x.cn")
    client.force_login(manager)

    client.post(
        reverse("reports:schedule_change", args=[made.pk]),
        {"recipients": "nope", "format": "pdf", "is_active": "on"},
    )

    assert ReportSchedule.objects.get().recipients == "a@x.cn"
