"""The triage queue: dispatchers turn unroutable mail into a case, a comment, or set it aside."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.cases.mail import email_ingest
from aftersales.cases.models import Attachment, Case, InboundEmail
from aftersales.registry.models import Contact
from tests import factories
from tests.cases.email_support import raw_mail

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.cases.email_urls")]


@pytest.fixture
def stray(db):
    """A mail from an unknown sender, with a PDF, waiting in triage."""
    raw = raw_mail(
        sender="wang@newclient.cn",
        name="王经理",
        subject="UPS告警",
        body="UPS 持续告警，请派人检查。",
        attachments=[("告警记录.pdf", "application/pdf", factories.PDF_BYTES)],
    )
    return email_ingest(raw=raw)


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dispatcher_sees_triage_mails_newest_first(seat, stray):
    email_ingest(raw=raw_mail(sender="later@x.cn", subject="第二封"))
    response = _as(seat).get("/cases/triage/")
    assert response.status_code == 200
    page = [mail.subject for mail in response.context["page_obj"]]
    assert page == ["第二封", "UPS告警"]


def test_triage_list_shows_only_mail_waiting_for_triage(seat, stray, contact_a):
    contact_a.email = "known@example.cn"
    contact_a.save(update_fields=["email"])
    email_ingest(raw=raw_mail(sender="known@example.cn"))
    response = _as(seat).get("/cases/triage/")
    assert [mail.pk for mail in response.context["page_obj"]] == [stray.pk]


def test_engineer_may_not_open_the_triage_queue(engineer, stray):
    assert _as(engineer).get("/cases/triage/").status_code == 403
    assert (
        _as(engineer).post(f"/cases/triage/{stray.pk}/ignore/", {"reason": "x"}).status_code == 403
    )


def test_customer_contact_does_not_see_that_triage_exists(contact_a, stray):
    assert _as(contact_a.user).get("/cases/triage/").status_code == 404
    assert _as(contact_a.user).get(f"/cases/triage/{stray.pk}/").status_code == 404


def test_detail_page_shows_the_mail_and_its_attachment(seat, stray):
    response = _as(seat).get(f"/cases/triage/{stray.pk}/")
    assert response.status_code == 200
    assert "UPS 持续告警" in response.text and "告警记录.pdf" in response.text


def test_create_case_for_chosen_customer_and_add_sender_as_contact(seat, stray, customer_a):
    data = {"customer": customer_a.code, "add_contact": "on"}
    response = _as(seat).post(f"/cases/triage/{stray.pk}/create-case/", data)
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/{case.number}/"
    contact = Contact.objects.get(email="wang@newclient.cn")
    assert (case.customer, case.contact, contact.name, case.channel) == (
        customer_a,
        contact,
        "王经理",
        "email",
    )
    assert Attachment.objects.get(case=case).name == "告警记录.pdf"
    stray.refresh_from_db()
    assert (stray.status, stray.case, stray.handled_by) == ("new_case", case, seat)


def test_create_case_with_unknown_customer_names_the_field_and_writes_nothing(seat, stray):
    response = _as(seat).post(f"/cases/triage/{stray.pk}/create-case/", {"customer": "NOPE"})
    assert response.status_code == 422
    assert response.context["create_form"].errors["customer"] == [
        "No active customer has this code."
    ]
    assert Case.objects.count() == 0 and InboundEmail.objects.get().status == "triage"


def test_attach_to_existing_case_adds_a_public_comment_naming_sender(seat, stray, new_case):
    response = _as(seat).post(f"/cases/triage/{stray.pk}/attach/", {"case": new_case.number})
    assert response.status_code == 302
    comment = new_case.activities.get(kind="comment")
    assert comment.text.startswith("E-mail from 王经理 <wang@newclient.cn>:")
    assert (comment.actor, comment.internal) == (seat, False)
    assert new_case.attachments.get().activity == comment


def test_attach_to_unknown_case_number_names_the_field(seat, stray):
    response = _as(seat).post(f"/cases/triage/{stray.pk}/attach/", {"case": "CS-20990101-0001"})
    assert response.status_code == 422
    assert response.context["attach_form"].errors["case"] == ["No case has this number."]


def test_ignore_records_who_and_why(seat, stray):
    response = _as(seat).post(f"/cases/triage/{stray.pk}/ignore/", {"reason": "广告邮件"})
    assert response.status_code == 302
    stray.refresh_from_db()
    assert (stray.status, stray.note, stray.handled_by) == ("ignored", "广告邮件", seat)
    assert stray.handled_at is not None


def test_ignore_needs_a_reason(seat, stray):
    response = _as(seat).post(f"/cases/triage/{stray.pk}/ignore/", {"reason": "  "})
    assert response.status_code == 422
    assert InboundEmail.objects.get().status == "triage"


def test_a_handled_mail_cannot_be_handled_again(seat, stray, customer_a):
    _as(seat).post(f"/cases/triage/{stray.pk}/ignore/", {"reason": "重复"})
    response = _as(seat).post(
        f"/cases/triage/{stray.pk}/create-case/", {"customer": customer_a.code}
    )
    assert response.status_code == 409
    assert Case.objects.count() == 0


def test_api_lists_triage_mails_for_a_dispatcher(seat, stray, api_as):
    email_ingest(raw=raw_mail(sender="x@y.cn", headers={"Auto-Submitted": "auto-replied"}))
    body = api_as(seat).get("/api/v1/inbound-emails?status=triage").json()
    assert body["count"] == 1 and body["next"] is None
    item = body["items"][0]
    assert (item["from_address"], item["subject"], item["triage_reason"], item["case"]) == (
        "wang@newclient.cn",
        "UPS告警",
        "unknown_sender",
        None,
    )


def test_api_pages_through_received_mail(seat, stray, api_as):
    email_ingest(raw=raw_mail(sender="x@y.cn"))
    body = api_as(seat).get("/api/v1/inbound-emails?limit=1").json()
    assert body["count"] == 2 and len(body["items"]) == 1 and "offset=1" in body["next"]


def test_api_refuses_engineers_and_hides_from_customers(engineer, contact_a, stray, api_as):
    assert api_as(engineer).get("/api/v1/inbound-emails").status_code == 403
    assert api_as(contact_a.user).get("/api/v1/inbound-emails").status_code == 404


def test_api_rejects_an_unknown_status(seat, api_as):
    response = api_as(seat).get("/api/v1/inbound-emails?status=nonsense")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "status"]
