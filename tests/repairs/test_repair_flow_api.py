from __future__ import annotations

import itertools

import pytest

from aftersales.cases.models import Activity, ActivityKind, Attachment
from aftersales.notify.models import OutboxMessage
from aftersales.repairs.models import RepairOrder
from tests.repairs.conftest import signature_data_url
from tests.repairs.pdf_pages import difference, glyph_images, ink, pdf_text

JSON = "application/json"
PRICED = {
    "diagnosis": "电源模块损坏",
    "decision": "swap_part",
    "parts": [
        {"name": "电源模块", "part_number": "PWR-650", "quantity": 1, "unit_price": "1200.00"}
    ],
    "labour_minutes": 90,
    "travel_mode": "km",
    "travel_km": "20",
}


def create(client, case, **body):
    data = {"service_mode": "onsite", "fault_category": "power", "fault_text": "无法开机", **body}
    return client.post(f"/api/v1/cases/{case.number}/repairs", data, content_type=JSON)


def act(client, order_id, action, body=None):
    return client.post(f"/api/v1/repairs/{order_id}/{action}", body or {}, content_type=JSON)


@pytest.fixture
def priced(api_as, engineer, paid_case):
    client = api_as(engineer)
    order = create(client, paid_case).json()
    client.patch(f"/api/v1/repairs/{order['id']}", PRICED, content_type=JSON)
    return order["id"]


def test_out_of_warranty_repair_is_paid_and_priced_in_decimal(api_as, engineer, priced):
    body = api_as(engineer).get(f"/api/v1/repairs/{priced}").json()
    assert body["chargeable"] is True and body["entitlement"]["status"] == "out_of_warranty"
    # 1 × 1200 parts + 90 min at 300/h + 20 km at 3/km
    assert body["cost"] == {
        "parts": "1200.00",
        "labour": "450.00",
        "travel": "60.00",
        "total": "1710.00",
        "customer_pays": "1710.00",
    }


def test_paid_repair_runs_from_quote_to_approval_to_sign_off_with_a_chinese_report(
    api_as, engineer, contact_a, priced, paid_case, django_capture_on_commit_callbacks
):
    staff, customer = api_as(engineer), api_as(contact_a.user)
    assert act(staff, priced, "quote").json()["status"] == "quoted"
    assert OutboxMessage.objects.filter(kind="repair.quote", ref_id__endswith="-R1").exists()
    assert act(customer, priced, "approve-quote").json()["quote"]["channel"] == "portal"
    assert act(staff, priced, "start").json()["status"] == "in_progress"
    act(staff, priced, "verify", {"test_results": "满载运行4小时正常"})
    with django_capture_on_commit_callbacks(execute=True):  # the report task runs after commit
        body = act(customer, priced, "sign-off", {"name": "张经理"}).json()
    assert body["status"] == "signed_off" and body["signed_off"]["name"] == "张经理"
    pdf = customer.get(body["report_url"])
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "售后服务报告" in text and "电源模块" in text and "张经理" in text
    assert Attachment.objects.filter(case=paid_case, name__endswith=".pdf").count() == 1
    assert Activity.objects.of(paid_case).filter(kind=ActivityKind.ATTACHMENT).exists()
    assert OutboxMessage.objects.filter(kind="repair.report").exists()


def test_report_title_is_drawn_in_distinct_chinese_glyphs(api_as, engineer, priced):
    pdf = api_as(engineer).get(f"/api/v1/repairs/{priced}/report.pdf").content
    glyphs = glyph_images(pdf, "售后服务报告")
    # Blank glyphs have no ink; a font without Chinese draws the same empty box for each.
    assert all(ink(glyph) > 0.1 for glyph in glyphs)
    assert min(difference(a, b) for a, b in itertools.combinations(glyphs, 2)) > 0.08


def test_work_before_the_quote_is_approved_answers_409(api_as, engineer, priced):
    staff = api_as(engineer)
    assert act(staff, priced, "start").status_code == 409
    act(staff, priced, "quote")
    response = act(staff, priced, "start")
    assert response.status_code == 409
    assert RepairOrder.objects.get(pk=priced).started_at is None


def test_refused_quote_ends_the_order_with_the_device_returned(api_as, engineer, contact_a, priced):
    act(api_as(engineer), priced, "quote")
    body = act(api_as(contact_a.user), priced, "refuse-quote", {"note": "太贵了"}).json()
    assert body["status"] == "refused"
    assert body["quote"]["device_returned_at"] is not None
    assert act(api_as(engineer), priced, "start").status_code == 409


def test_seat_records_a_phone_approval_with_who_and_when(api_as, engineer, seat, priced):
    act(api_as(engineer), priced, "quote")
    body = act(
        api_as(seat),
        priced,
        "approve-quote",
        {"name": "李主任", "decided_at": "2020-06-01T10:00:00+08:00"},
    ).json()
    assert body["quote"]["decided_by"] == "李主任" and body["quote"]["channel"] == "phone"
    assert body["quote"]["decided_at"].startswith("2020-06-01T")


def test_phone_approval_needs_the_customers_name(api_as, engineer, seat, priced):
    act(api_as(engineer), priced, "quote")
    response = act(api_as(seat), priced, "approve-quote", {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "name"
    assert RepairOrder.objects.get(pk=priced).status == "quoted"


def test_engineer_cannot_record_a_customers_approval(api_as, engineer, priced):
    act(api_as(engineer), priced, "quote")
    assert act(api_as(engineer), priced, "approve-quote", {"name": "李主任"}).status_code == 403


def test_raising_the_price_after_approval_withdraws_the_quote(api_as, engineer, contact_a, priced):
    staff = api_as(engineer)
    act(staff, priced, "quote")
    act(api_as(contact_a.user), priced, "approve-quote")
    body = staff.patch(
        f"/api/v1/repairs/{priced}", {"labour_minutes": 240}, content_type=JSON
    ).json()
    assert body["status"] == "new"
    assert act(staff, priced, "start").status_code == 409


def test_free_repair_in_warranty_costs_the_customer_nothing_but_records_the_cost(
    api_as, engineer, free_case
):
    staff = api_as(engineer)
    order = create(staff, free_case).json()
    body = staff.patch(f"/api/v1/repairs/{order['id']}", PRICED, content_type=JSON).json()
    assert body["chargeable"] is False
    assert (body["cost"]["total"], body["cost"]["customer_pays"]) == ("1710.00", "0.00")
    assert act(staff, order["id"], "quote").status_code == 409
    assert act(staff, order["id"], "start").json()["status"] == "in_progress"


def test_warranty_exclusion_makes_an_in_warranty_repair_paid(api_as, engineer, free_case):
    staff = api_as(engineer)
    order = create(staff, free_case).json()
    body = staff.patch(
        f"/api/v1/repairs/{order['id']}", {**PRICED, "exclusion": "liquid"}, content_type=JSON
    ).json()
    assert body["chargeable"] is True and body["cost"]["customer_pays"] == "1710.00"


def test_engineer_signs_off_for_the_customer_on_a_tablet(api_as, engineer, free_case):
    staff = api_as(engineer)
    order = create(staff, free_case).json()["id"]
    act(staff, order, "start")
    act(staff, order, "verify", {"test_results": "正常"})
    body = act(
        staff, order, "sign-off", {"name": "王工长", "signature": signature_data_url()}
    ).json()
    assert body["signed_off"] == {**body["signed_off"], "channel": "signature", "signature": True}
    saved = RepairOrder.objects.get(pk=order).customer_signature
    assert saved.read().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "signature",
    ["", "data:image/png;base64,not-base64!", "data:image/jpeg;base64,AAAA", "BLANK"],
)
def test_a_tablet_sign_off_needs_a_real_drawn_signature(api_as, engineer, free_case, signature):
    staff = api_as(engineer)
    order = create(staff, free_case).json()["id"]
    act(staff, order, "start")
    act(staff, order, "verify", {"test_results": "正常"})
    if signature == "BLANK":
        signature = signature_data_url(blank=True)
    response = act(staff, order, "sign-off", {"name": "王工长", "signature": signature})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "signature"
    assert RepairOrder.objects.get(pk=order).status == "verified"


def test_repaired_parts_carry_their_own_warranty(api_as, engineer, contact_a, priced, time_machine):
    staff = api_as(engineer)
    act(staff, priced, "quote")
    act(api_as(contact_a.user), priced, "approve-quote")
    act(staff, priced, "start")
    act(staff, priced, "verify", {"test_results": "正常"})
    body = act(api_as(contact_a.user), priced, "sign-off").json()
    assert body["warranty_until"] is not None
    assert body["parts"][0]["warranty_until"] == body["warranty_until"]
    again = RepairOrder.objects.get(pk=priced)
    from aftersales.repairs.services import repair_entitlement

    ent = repair_entitlement(
        asset=again.asset, customer=again.customer, on=again.signed_off_at.date()
    )
    assert ent.status == "in_warranty" and again.number in ent.reason


def test_signed_report_is_mailed_to_the_contact_as_a_pdf_attachment(
    api_as, engineer, contact_a, priced, smtp_server, django_capture_on_commit_callbacks
):
    from aftersales.notify.services import outbox_deliver_due

    staff, customer = api_as(engineer), api_as(contact_a.user)
    act(staff, priced, "quote")
    act(customer, priced, "approve-quote")
    act(staff, priced, "start")
    act(staff, priced, "verify", {"test_results": "正常"})
    with django_capture_on_commit_callbacks(execute=True):  # the report task runs after commit
        act(customer, priced, "sign-off", {"name": "张经理"})
    outbox_deliver_due()
    mail = next(m for m in smtp_server.messages if m["X-Aftersales-Kind"] == "repair.report")
    pdfs = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    assert pdfs[0].get_content().startswith(b"%PDF")
