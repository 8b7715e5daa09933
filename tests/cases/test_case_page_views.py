from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from aftersales.cases import services
from aftersales.cases.models import Activity, Attachment, CaseType, VendorCase, Watch
from aftersales.contracts.entitlement import reason_text
from tests import factories

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(case):
    return reverse("cases:detail", args=[case.number])


def act(case, action):
    return reverse("cases:action", args=[case.number, action])


def test_page_shows_header_contact_phone_entitlement_and_clocks(seat, new_case, contact_a):
    html = login(seat).get(page(new_case)).content.decode()
    assert new_case.title in html and contact_a.phone in html
    assert reason_text(new_case.entitlement_reason) in html
    assert 'data-target="response"' in html and ("sla-green" in html or "sla-amber" in html)


def test_overdue_clock_is_red_with_time_late(seat, new_case):
    with time_machine.travel(new_case.response_due_at + dt.timedelta(minutes=90), tick=False):
        html = login(seat).get(page(new_case)).content.decode()
    assert "sla-red" in html and "overdue by" in html


def test_met_clock_shows_when_it_was_met(seat, responded_case):
    html = login(seat).get(page(responded_case)).content.decode()
    assert "sla-green" in html and "met" in html


def test_seat_gets_assign_with_engineer_region_and_load(seat, new_case):
    profile = factories.EngineerFactory(region="华南", username="li")
    html = login(seat).get(page(new_case)).content.decode()
    assert "action-assign" in html and "action-respond" not in html
    assert f"{profile.user} · 华南 (0 open)" in html


def test_engineer_not_on_the_case_may_take_it_over_but_not_respond(engineer2, assigned_case):
    html = login(engineer2).get(page(assigned_case)).content.decode()
    assert "action-take_over" in html
    assert "action-respond" not in html and "action-assign" not in html


def test_assigned_engineer_sees_respond_not_take_over(engineer, assigned_case):
    html = login(engineer).get(page(assigned_case)).content.decode()
    assert "action-respond" in html and "action-take_over" not in html


def test_engineer_responds_with_plain_post_and_is_redirected(engineer, assigned_case):
    response = login(engineer).post(
        act(assigned_case, "respond"), {"text": "已电话联系客户", "version": assigned_case.version}
    )
    assigned_case.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == page(assigned_case)
    assert assigned_case.status == "responded"


def test_htmx_action_answers_the_fresh_header_and_timeline(engineer, assigned_case):
    response = login(engineer).post(
        act(assigned_case, "respond"),
        {"text": "已远程登录排查", "version": assigned_case.version},
        headers=HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="case-live"')
    assert "status-responded" in html and "已远程登录排查" in html


def test_stale_version_shows_conflict_and_changes_nothing(engineer, seat, assigned_case):
    seen = assigned_case.version
    services.case_comment(case=assigned_case, by=seat, text="客户催促")
    response = login(engineer).post(act(assigned_case, "respond"), {"text": "好", "version": seen})
    assigned_case.refresh_from_db()
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert assigned_case.status == "assigned"
    assert not assigned_case.activities.filter(kind="responded").exists()


def test_stale_version_over_htmx_swaps_in_the_fresh_page_with_the_message(
    engineer, seat, assigned_case
):
    seen = assigned_case.version
    services.case_comment(case=assigned_case, by=seat, text="客户催促")
    response = login(engineer).post(
        act(assigned_case, "respond"), {"text": "好", "version": seen}, headers=HX
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert 'class="alert alert-warning case-alert"' in html and "客户催促" in html


def test_missing_text_is_shown_at_the_field(engineer, assigned_case):
    response = login(engineer).post(
        act(assigned_case, "respond"), {"text": " ", "version": assigned_case.version}
    )
    assert response.status_code == 422
    assert 'data-field="text">Please write a text.' in response.content.decode()


def test_action_not_allowed_in_this_state_is_a_conflict(engineer, assigned_case):
    response = login(engineer).post(act(assigned_case, "resolve"), {"text": "已解决"})
    assert response.status_code == 409
    assert "is not possible while the case is" in response.content.decode()


def test_warehouse_keeper_sees_the_case_but_cannot_assign(new_case, engineer):
    keeper = factories.staff_user("keeper", role="warehouse")
    client = login(keeper)
    assert "action-assign" not in client.get(page(new_case)).content.decode()
    response = client.post(act(new_case, "assign"), {"engineer": engineer.pk})
    assert response.status_code == 403
    new_case.refresh_from_db()
    assert new_case.assignee is None


def test_customer_contact_gets_404_on_the_console_case_page(contact_a, new_case):
    assert login(contact_a.user).get(page(new_case)).status_code == 404


def test_seat_assigns_through_the_picker(seat, new_case, engineer):
    login(seat).post(
        act(new_case, "assign"), {"engineer": engineer.pk, "version": new_case.version}
    )
    new_case.refresh_from_db()
    assert new_case.assignee == engineer and new_case.status == "assigned"


def test_escalation_to_the_vendor_lists_a_vendor_case_with_update_form(engineer, responded_case):
    vendor = factories.VendorFactory(name="华为")
    client = login(engineer)
    client.post(
        act(responded_case, "escalate"),
        {"to": "vendor", "vendor": vendor.pk, "vendor_ref": "HW-001", "text": "需原厂支持"},
    )
    vendor_case = VendorCase.objects.get()
    html = client.get(page(responded_case)).content.decode()
    assert "华为" in html and "#HW-001" in html
    assert reverse("cases:vendor_case_update", args=[responded_case.number, vendor_case.pk]) in html


def test_engineer_updates_the_vendor_case_state(engineer, responded_case):
    vendor = factories.VendorFactory()
    services.case_escalate(case=responded_case, by=engineer, to="vendor", text="x", vendor=vendor)
    vendor_case = VendorCase.objects.get()
    url = reverse("cases:vendor_case_update", args=[responded_case.number, vendor_case.pk])
    login(engineer).post(url, {"state": "solved", "reference": "HW-9", "text": "原厂给出补丁"})
    vendor_case.refresh_from_db()
    assert (vendor_case.state, vendor_case.reference) == ("solved", "HW-9")


def test_seat_cancels_an_open_case_only_with_a_reason(seat, new_case):
    client = login(seat)
    refused = client.post(act(new_case, "cancel"), {"text": "", "version": new_case.version})
    client.post(act(new_case, "cancel"), {"text": "重复报修", "version": new_case.version})
    new_case.refresh_from_db()
    assert refused.status_code == 422 and new_case.status == "closed"


def test_engineer_confirms_on_behalf_of_the_customer(engineer, resolved_case):
    login(engineer).post(
        act(resolved_case, "confirm"),
        {"text": "客户电话确认", "version": resolved_case.version},
    )
    resolved_case.refresh_from_db()
    assert resolved_case.status == "closed"


def test_major_request_shows_only_approval_actions_until_approved(seat, customer_a):
    case = services.case_create(by=seat, customer=customer_a, title="数据恢复", is_major=True)
    html = login(seat).get(page(case)).content.decode()
    assert "action-approval" in html
    assert "No approval recorded" in html


def test_approval_with_signed_pdf_is_recorded_and_downloadable(seat, customer_a):
    case = services.case_create(by=seat, customer=customer_a, title="数据恢复", is_major=True)
    form = SimpleUploadedFile("审批表.pdf", factories.PDF_BYTES)
    client = login(seat)
    client.post(
        act(case, "approval"),
        {
            "approver": "王总",
            "decision": "approved",
            "decided_on": "2026-03-02",
            "form": form,
            "version": case.version,
        },
    )
    approval = case.approvals.get()
    assert approval.form.name.startswith("approvals/") and "审批" not in approval.form.name
    download = client.get(reverse("cases:approval_form", args=[case.number, approval.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_approval_form_must_be_a_pdf_or_scan(seat, customer_a):
    case = services.case_create(by=seat, customer=customer_a, title="数据恢复", is_major=True)
    form = SimpleUploadedFile("form.zip", b"PK\x05\x06" + b"\x00" * 18)
    response = login(seat).post(
        act(case, "approval"),
        {"approver": "王总", "decision": "approved", "decided_on": "2026-03-02", "form": form},
    )
    assert response.status_code == 422 and not case.approvals.exists()


# --- comments and attachments ---


def test_internal_note_is_marked_on_the_timeline(engineer, assigned_case):
    client = login(engineer)
    client.post(
        reverse("cases:comment", args=[assigned_case.number]),
        {"text": "客户难缠", "internal": "on"},
    )
    html = client.get(page(assigned_case)).content.decode()
    note = html.split("客户难缠")[0].rsplit("<li", 1)[1]
    assert "internal" in note and "bi-lock" in note


def test_comment_with_log_file_is_downloadable_as_attachment(engineer, assigned_case):
    log = SimpleUploadedFile("switch.log", b"%LINK-3-UPDOWN: Interface Gi0/1, changed state\n")
    client = login(engineer)
    client.post(
        reverse("cases:comment", args=[assigned_case.number]),
        {"text": "日志见附件", "attachments": log},
    )
    attachment = Attachment.objects.get()
    response = client.get(reverse("cases:attachment", args=[assigned_case.number, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="switch.log"')
    assert b"".join(response.streaming_content).startswith(b"%LINK")


def test_refused_comment_file_writes_neither_comment_nor_file(engineer, assigned_case, settings):
    page_html = SimpleUploadedFile("report.html", b"<html></html>")
    response = login(engineer).post(
        reverse("cases:comment", args=[assigned_case.number]),
        {"text": "见附件", "attachments": page_html},
    )
    assert response.status_code == 422
    assert "This type of file is not accepted." in response.content.decode()
    assert not Activity.objects.filter(kind__in=["comment", "attachment"]).exists()
    assert not (settings.MEDIA_ROOT / "cases").exists()


def test_attachment_of_another_case_is_not_found(engineer, assigned_case, seat, customer_b):
    other = services.case_create(by=seat, customer=customer_b, title="别的")
    attachment = services.attachment_add(
        case=other, by=seat, file=SimpleUploadedFile("a.txt", b"hello")
    )
    url = reverse("cases:attachment", args=[assigned_case.number, attachment.pk])
    assert login(engineer).get(url).status_code == 404


def test_watch_toggle_over_htmx(seat, new_case):
    client = login(seat)
    response = client.post(reverse("cases:watch", args=[new_case.number]), {"on": "1"}, headers=HX)
    assert Watch.objects.filter(case=new_case, user=seat).exists()
    assert "Unwatch" in response.content.decode()
    client.post(reverse("cases:watch", args=[new_case.number]), {"on": "0"})
    assert not Watch.objects.exists()


def test_case_type_shows_its_english_name_in_english(seat, new_case):
    CaseType.objects.filter(code="fault").update(name="故障", name_en="Fault")
    seat.language = "en"
    seat.save(update_fields=["language"])
    html = login(seat).get(page(new_case)).content.decode()
    assert '<dd class="col-sm-4">Fault</dd>' in html


def test_case_page_query_count_is_bounded(
    seat, engineer, assigned_case, django_assert_max_num_queries
):
    for n in range(10):
        services.case_comment(case=assigned_case, by=engineer, text=f"进展{n}", internal=n % 2 == 0)
        services.attachment_add(
            case=assigned_case, by=engineer, file=SimpleUploadedFile(f"{n}.txt", b"log line")
        )
    client = login(seat)
    # 18 for the case itself; tags with links, and macros with the work log, read two more;
    # the possible duplicates (the same customer's recent cases) one.
    with django_assert_max_num_queries(21):
        response = client.get(page(assigned_case))
    assert response.content.decode().count("attachment-link") == 10
