"""The tracking sheet as a Chinese PDF, the console pages and the customer's portal pages."""

from __future__ import annotations

import pytest
import time_machine

from aftersales.core import pdf as report
from aftersales.feedback.models import Complaint
from aftersales.registry import demo
from tests.conftest import api_client_for
from tests.feedback.factories_complaints import at, file_complaint
from tests.repairs.pdf_pages import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(officer, customer_a):
    return file_complaint(officer, at(2026, 12, 7, 9, 0), text="备件发货延误，影响业务恢复")


def test_the_tracking_sheet_renders_its_chinese(officer, complaint):
    response = api_client_for(officer).get(f"/api/v1/complaints/{complaint.number}/sheet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "投诉跟踪单" in text and "备件发货延误" in text and complaint.number in text


def test_the_console_sheet_without_a_chinese_font_answers_503_naming_the_package(
    client, officer, complaint, monkeypatch
):
    monkeypatch.setattr(report, "cjk_font_available", lambda: False)
    client.force_login(officer)
    response = client.get(f"/complaints/{complaint.number}/sheet.pdf")
    assert response.status_code == 503
    assert "fonts-noto-cjk" in response.content.decode()


def test_an_anonymous_complainant_stays_off_the_managers_sheet(manager, officer, customer_a):
    complaint = file_complaint(
        officer, at(2026, 12, 7, 9, 0), anonymous=True, complainant_name="王先生"
    )
    response = api_client_for(manager).get(f"/api/v1/complaints/{complaint.number}/sheet.pdf")
    assert "王先生" not in pdf_text(response.content)


def test_the_officer_files_and_closes_a_complaint_in_the_console(client, officer, customer_a):
    client.force_login(officer)
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        response = client.post(
            "/complaints/new/",
            {"customer": "KH-A001", "channel": "phone", "department": "field", "text": "迟到"},
        )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == f"/complaints/{complaint.number}/"
    steps = [
        ("answer", {"text": "已核实"}),
        ("inform", {"accepted": "1"}),
        ("resolve", {"result": "已改派", "accountable": "张工"}),
        ("verify", {"satisfied": "1"}),
        ("close", {}),
    ]
    for minute, (action, data) in enumerate(steps, start=1):
        with time_machine.travel(at(2026, 12, 7, 9, minute), tick=False):
            client.post(f"/complaints/{complaint.number}/{action}/", data)
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    page = client.get(f"/complaints/{complaint.number}/").content.decode()
    assert "Complaint closed" in page


def test_a_bad_new_complaint_form_is_422_on_the_field_and_writes_nothing(client, officer):
    client.force_login(officer)
    response = client.post(
        "/complaints/new/", {"customer": "KH-NONE", "channel": "phone", "text": "迟到"}
    )
    assert response.status_code == 422
    assert Complaint.objects.count() == 0


def test_the_queue_lists_the_next_due_first_with_its_clocks(client, officer, customer_a):
    late = file_complaint(officer, at(2026, 12, 7, 9, 0))
    file_complaint(officer, at(2026, 12, 7, 10, 0))
    client.force_login(officer)
    with time_machine.travel(at(2026, 12, 7, 12, 0), tick=False):
        page = client.get("/complaints/").content.decode()
    assert page.index(late.number) < page.index("CP-20261207-0002")
    assert "sla-clock" in page


def test_a_contact_files_a_complaint_on_the_portal_and_follows_it(client, contact_a):
    client.force_login(contact_a.user)
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        response = client.post("/portal/complaints/new/", {"text": "工程师态度差"})
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.channel == "portal" and complaint.contact == contact_a
    assert complaint.number in client.get("/portal/complaints/").content.decode()
    detail = client.get(f"/portal/complaints/{complaint.number}/").content.decode()
    assert "Sent to the department" in detail
    assert "Tracking sheet sent" not in detail  # internal rows stay internal


def test_another_customers_complaint_is_404_on_the_portal(client, contact_b, officer, customer_a):
    complaint = file_complaint(officer, at(2026, 12, 7, 9, 0))
    client.force_login(contact_b.user)
    assert client.get(f"/portal/complaints/{complaint.number}/").status_code == 404
    assert complaint.number not in client.get("/portal/complaints/").content.decode()


def test_the_demo_has_complaints_in_different_states():
    demo.load(customers=2, cases=4)
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {"sent", "answered", "closed"} <= statuses
    assert Complaint.objects.filter(resent_count=1).exists()
