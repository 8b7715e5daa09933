"""The periodic run of the report schedules: each recipient gets one mail with the report once
its period closes, through the real outbox and a real SMTP server; never twice."""

from __future__ import annotations

import io
import logging

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from aftersales.core.models import Activity
from aftersales.notify.models import OutboxMessage
from aftersales.notify.services import outbox_deliver_due
from aftersales.reports import schedules
from aftersales.reports.models import ReportSchedule
from aftersales.reports.tasks import send_scheduled_reports
from tests import factories
from tests.reports import factories as rf
from tests.reports.factories import at

pytestmark = pytest.mark.django_db

CREATED = at(2026, 3, 25, 10)  # a Wednesday in the first quarter
MONDAY = at(2026, 3, 30, 7)  # week 13 (23–29 March) has closed
APRIL_FIRST = at(2026, 4, 1, 7)  # March and the first quarter have closed


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


def schedule(by, **fields):
    with time_machine.travel(CREATED, tick=False):
        return schedules.schedule_create(by=by, **fields)


def run(moment):
    """The periodic task at `moment`, then the outbox's delivery."""
    with time_machine.travel(moment, tick=False):
        send_scheduled_reports.call_local()
        outbox_deliver_due()


def attachments(server):
    return [
        (part.get_filename(), part.get_content())
        for message in server.messages
        for part in message.iter_attachments()
    ]


def test_a_quarterly_pdf_reaches_each_recipient_once_when_the_quarter_closes(
    manager, customer_a, smtp_server
):
    rf.case(customer_a, at(2026, 2, 10, 9))
    schedule(
        manager,
        kind="quarterly_customer",
        customer=customer_a.code,
        recipients="ops@example.com\nboss@example.com",
    )
    run(APRIL_FIRST)
    assert sorted(sum(smtp_server.recipients, [])) == ["boss@example.com", "ops@example.com"]
    files = attachments(smtp_server)
    assert [name for name, _ in files] == ["quarterly-KH-A001-2026-Q1.pdf"] * 2
    assert all(content.startswith(b"%PDF") for _, content in files)


def test_a_monthly_xlsx_is_attached_as_a_workbook(manager, smtp_server):
    schedule(manager, kind="monthly_major", format="xlsx", recipients="ops@example.com")
    run(APRIL_FIRST)
    [(name, content)] = attachments(smtp_server)
    assert name.endswith("2026-03.xlsx")
    assert load_workbook(io.BytesIO(content)).sheetnames


def test_a_weekly_report_goes_out_on_monday_morning_for_the_week_before(
    manager, engineer, smtp_server
):
    schedule(manager, kind="weekly_engineer", engineer=engineer.username, recipients="a@x.cn")
    run(at(2026, 3, 30, 6, 59))
    assert smtp_server.messages == []
    run(MONDAY)
    [(name, content)] = attachments(smtp_server)
    assert "2026-W13" in name and content.startswith(b"%PDF")
    assert ReportSchedule.objects.get().last_period == "2026-W13"


def test_running_the_task_twice_sends_nothing_more(manager, smtp_server):
    schedule(manager, kind="monthly_major", recipients="ops@example.com\nboss@example.com")
    run(APRIL_FIRST)
    run(at(2026, 4, 1, 8))
    run(at(2026, 4, 2, 7))
    assert len(smtp_server.messages) == 2
    assert OutboxMessage.objects.filter(kind=schedules.MAIL_KIND).count() == 2


def test_a_lost_last_period_does_not_send_again_thanks_to_the_outbox_key(manager, smtp_server):
    made = schedule(manager, kind="monthly_major", recipients="ops@example.com")
    run(APRIL_FIRST)
    ReportSchedule.objects.filter(pk=made.pk).update(last_period="2026-02")
    run(at(2026, 4, 1, 9))
    assert len(smtp_server.messages) == 1


def test_an_inactive_schedule_sends_nothing(manager, smtp_server):
    made = schedule(manager, kind="monthly_major", recipients="ops@example.com")
    schedules.schedule_deactivate(schedule=made, by=manager)
    run(APRIL_FIRST)
    assert smtp_server.messages == []
    assert not OutboxMessage.objects.exists()


def test_nothing_is_sent_before_the_first_period_closes_after_creation(manager, smtp_server):
    made = schedule(manager, kind="monthly_major", recipients="ops@example.com")
    run(at(2026, 3, 31, 23))
    assert smtp_server.messages == []
    assert ReportSchedule.objects.get(pk=made.pk).last_period == "2026-02"


def test_a_failing_report_is_logged_and_retried_while_the_others_go_on(
    manager, customer_a, smtp_server, caplog
):
    lead = factories.staff_user("lead", role="service_manager")
    failing = schedule(
        lead, kind="quarterly_customer", customer=customer_a.code, recipients="a@x.cn"
    )
    schedule(manager, kind="monthly_major", recipients="ops@example.com")
    lead.groups.set([Group.objects.get_or_create(name="engineer")[0]])  # lost the right
    with caplog.at_level(logging.ERROR, logger="aftersales.reports.schedules"):
        run(APRIL_FIRST)
    assert sum(smtp_server.recipients, []) == ["ops@example.com"]
    assert f"report schedule {failing.pk} failed" in caplog.text
    assert ReportSchedule.objects.get(pk=failing.pk).last_period == "2025-Q4"
    assert not default_storage.exists(f"reports/sent/{failing.pk}")


def test_the_sent_period_is_on_the_schedules_timeline(manager, smtp_server):
    made = schedule(manager, kind="monthly_major", recipients="ops@example.com")
    run(APRIL_FIRST)
    kinds = list(
        Activity.objects.filter(subject_kind="report_schedule", subject_id=made.pk)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["created", "sent"]
