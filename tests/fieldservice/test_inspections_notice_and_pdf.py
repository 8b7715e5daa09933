"""The customer is told before a visit (once), and the inspection forms are Chinese PDFs."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
import time_machine
from django.utils import timezone

from aftersales.fieldservice import inspections
from aftersales.fieldservice.inspection_pdf import request_report_pdf, visit_report_pdf
from aftersales.fieldservice.models import InspectionVisit, VisitStatus
from aftersales.fieldservice.tasks import notify_inspection_visits
from aftersales.notify.models import OutboxMessage
from tests import factories
from tests.conftest import api_client_for
from tests.fieldservice.factories_inspections import SIGNATURE, make_contract, make_plan

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def visit(customer_a) -> InspectionVisit:
    factories.ContactFactory(
        customer=customer_a, name="王主任", email="wang@example.cn", phone="13800000001"
    )
    return make_plan(make_contract(customer_a)).visits.order_by("sequence").first()


def test_the_notice_task_tells_the_customer_once(visit):
    week_before = dt.datetime.combine(
        visit.planned_on - dt.timedelta(days=7), dt.time(8), tzinfo=TZ
    )
    with time_machine.travel(week_before, tick=False):
        first = notify_inspection_visits.call_local()
        again = notify_inspection_visits.call_local()
    assert first == {"visits": 1, "messages": 2}
    assert again == {"visits": 0, "messages": 0}
    assert sorted(OutboxMessage.objects.values_list("channel", flat=True)) == ["email", "sms"]
    email = OutboxMessage.objects.get(channel="email")
    assert email.attachment_path
    assert InspectionVisit.objects.get(pk=visit.pk).status == VisitStatus.NOTIFIED


def test_no_notice_before_the_lead_time(visit):
    early = dt.datetime.combine(visit.planned_on - dt.timedelta(days=8), dt.time(8), tzinfo=TZ)
    with time_machine.travel(early, tick=False):
        assert notify_inspection_visits.call_local() == {"visits": 0, "messages": 0}
    assert OutboxMessage.objects.count() == 0


def test_the_request_report_is_chinese(visit, tmp_path):
    text = pdf_text(request_report_pdf(visit), tmp_path)
    assert "现场巡检申请报告" in text
    assert "华东电力集团" in text


def test_the_inspection_report_is_chinese_and_filed_on_completion(engineer, visit, tmp_path):
    inspections.visit_sign(visit=visit, by=engineer, signed_by="王主任", signature=SIGNATURE)
    with time_machine.travel(dt.datetime.combine(visit.planned_on, dt.time(15), tzinfo=TZ)):
        done = inspections.visit_complete(visit=visit, by=engineer, findings="机房温度偏高")
    text = pdf_text(visit_report_pdf(done), tmp_path)
    assert "现场巡检报告" in text and "机房温度偏高" in text and "王主任" in text
    assert inspections.visit_file_report(visit_id=visit.pk) is True
    assert inspections.visit_file_report(visit_id=visit.pk) is False  # filed once


def test_the_customer_downloads_the_report_from_the_portal(engineer, contact_a, visit, client):
    with time_machine.travel(dt.datetime.combine(visit.planned_on, dt.time(15), tzinfo=TZ)):
        inspections.visit_complete(visit=visit, by=engineer, signed_by="王主任")
    inspections.visit_file_report(visit_id=visit.pk)
    client.force_login(contact_a.user)
    page = client.get("/portal/inspections/")
    assert page.status_code == 200
    assert f"/portal/inspections/{visit.pk}/report.pdf" in page.content.decode()
    report = client.get(f"/portal/inspections/{visit.pk}/report.pdf")
    assert report.status_code == 200
    assert b"".join(report.streaming_content).startswith(b"%PDF")


def test_another_customer_cannot_read_the_report(contact_b, visit, client):
    client.force_login(contact_b.user)
    assert client.get(f"/portal/inspections/{visit.pk}/").status_code == 404
    response = api_client_for(contact_b.user).get(f"/api/v1/inspection-visits/{visit.pk}/report")
    assert response.status_code == 404
