"""E-mail intake: a mail becomes a case, a comment, a triage item or is ignored; never lost."""

from __future__ import annotations

import base64
import quopri

import pytest

from aftersales.cases.mail import email_ingest, mailbot_user
from aftersales.cases.mail import intake as intake_module
from aftersales.cases.models import (
    Activity,
    Attachment,
    Case,
    CaseType,
    InboundEmail,
    InboundEmailStatus,
    TriageReason,
)
from aftersales.core.errors import Invalid
from tests import factories
from tests.cases.email_support import raw_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailer(contact_a):
    """Contact A writes from a known address and has a portal login."""
    contact_a.email = "zhang@example.cn"
    contact_a.save(update_fields=["email"])
    return contact_a


def test_mail_from_known_contact_opens_case_with_body_and_attachment(mailer):
    raw = raw_mail(attachments=[("故障截图.png", "image/png", factories.PNG_BYTES)])
    mail = email_ingest(raw=raw)
    case = mail.case
    assert mail.status == InboundEmailStatus.NEW_CASE
    assert (case.customer, case.contact, case.channel) == (mailer.customer, mailer, "email")
    assert (case.title, case.priority, case.case_type.code) == ("核心交换机宕机", "P3", "fault")
    assert case.description == "机房A核心交换机无法启动，请尽快处理。"
    attachment = Attachment.objects.get(case=case)
    assert attachment.name == "故障截图.png" and attachment.activity == mail.activity
    assert attachment.file.read() == factories.PNG_BYTES
    assert "故障截图" not in attachment.file.name  # the disk name is generated


def test_mail_without_subject_gets_a_placeholder_title(mailer):
    mail = email_ingest(raw=raw_mail(subject=""))
    assert mail.case.title == "(no subject)"


def test_reply_with_case_number_in_subject_becomes_public_comment(mailer, new_case):
    raw = raw_mail(subject=f"Re: New comment on case {new_case.number}", body="已重启，问题依旧")
    mail = email_ingest(raw=raw)
    assert (mail.status, mail.case) == (InboundEmailStatus.COMMENT, new_case)
    comment = mail.activity
    assert (comment.kind, comment.actor, comment.internal) == ("comment", mailer.user, False)
    assert comment.text == "已重启，问题依旧"


def test_reply_matched_only_by_in_reply_to_becomes_comment(mailer):
    first = email_ingest(raw=raw_mail(message_id="<first@mail.example.cn>"))
    reply = email_ingest(
        raw=raw_mail(
            subject="Re: 补充信息", body="日志见附件", in_reply_to="<first@mail.example.cn>"
        )
    )
    assert (reply.status, reply.case) == (InboundEmailStatus.COMMENT, first.case)
    assert Case.objects.count() == 1


def test_reply_to_a_very_long_message_id_still_finds_its_case(mailer):
    long_id = f"<{'x' * 300}@mail.example.cn>"
    first = email_ingest(raw=raw_mail(message_id=long_id))
    reply = email_ingest(raw=raw_mail(subject="Re: 补充", in_reply_to=long_id))
    assert len(first.message_id) <= 255 and reply.case == first.case


def test_quoted_history_is_cut_from_a_reply(mailer, new_case):
    body = "好的，谢谢。\n\n在 2026年3月1日 10:00，售后服务 写道：\n> 请确认问题已解决\n"
    mail = email_ingest(raw=raw_mail(subject=f"回复：{new_case.number}", body=body))
    assert mail.activity.text == "好的，谢谢。"


def test_same_message_id_twice_is_stored_once(mailer):
    raw = raw_mail(message_id="<once@mail.example.cn>")
    first, second = email_ingest(raw=raw), email_ingest(raw=raw)
    assert first.pk == second.pk
    assert (InboundEmail.objects.count(), Case.objects.count()) == (1, 1)


def test_racing_delivery_of_the_same_message_returns_the_stored_one(mailer, monkeypatch):
    raw = raw_mail(message_id="<race@mail.example.cn>")
    stored = email_ingest(raw=raw)
    # The other delivery passed the "already stored?" check before this one committed.
    monkeypatch.setattr(intake_module, "already_stored", lambda message_id: None)
    assert email_ingest(raw=raw).pk == stored.pk
    assert (InboundEmail.objects.count(), Case.objects.count()) == (1, 1)


def test_unknown_sender_waits_in_triage(mailer):
    mail = email_ingest(raw=raw_mail(sender="stranger@unknown.cn"))
    assert (mail.status, mail.triage_reason) == ("triage", TriageReason.UNKNOWN_SENDER)
    assert mail.text_body.startswith("机房A") and mail.case is None
    assert Case.objects.count() == 0


def test_address_on_contacts_of_two_customers_waits_in_triage(mailer, customer_b):
    factories.ContactFactory(customer=customer_b, email="ZHANG@example.cn")
    mail = email_ingest(raw=raw_mail())
    assert (mail.status, mail.triage_reason) == ("triage", TriageReason.AMBIGUOUS_SENDER)
    assert Case.objects.count() == 0


def test_contact_of_another_customer_replying_to_a_case_waits_in_triage(new_case, customer_b):
    factories.ContactFactory(customer=customer_b, email="outsider@bank.cn")
    raw = raw_mail(sender="outsider@bank.cn", subject=f"Re: {new_case.number}")
    mail = email_ingest(raw=raw)
    assert (mail.status, mail.triage_reason, mail.note) == (
        "triage",
        "not_on_case",
        new_case.number,
    )
    assert not new_case.activities.filter(kind="comment").exists()


def test_reply_to_a_case_number_that_does_not_exist_waits_in_triage(mailer):
    mail = email_ingest(raw=raw_mail(subject="Re: CS-20990101-0001"))
    assert (mail.status, mail.triage_reason) == ("triage", TriageReason.UNKNOWN_CASE)


def test_contact_without_login_comments_through_mailbot_naming_sender(new_case, customer_a):
    factories.ContactFactory(customer=customer_a, name="李工", email="li@example.cn", user=None)
    raw = raw_mail(sender="li@example.cn", name="李工", subject=f"Re: {new_case.number}")
    comment = email_ingest(raw=raw).activity
    assert comment.actor == mailbot_user() and not comment.internal
    assert comment.text.startswith("E-mail from 李工 <li@example.cn>:")


def test_contact_without_login_opens_case_through_mailbot(customer_a):
    contact = factories.ContactFactory(customer=customer_a, email="li@example.cn", user=None)
    case = email_ingest(raw=raw_mail(sender="li@example.cn")).case
    assert (case.contact, case.created_by) == (contact, mailbot_user())


def test_staff_reply_by_mail_is_a_comment_by_that_staff_member(new_case, engineer):
    raw = raw_mail(sender=engineer.email, subject=f"Re: {new_case.number}", body="明早到场")
    comment = email_ingest(raw=raw).activity
    assert (comment.actor, comment.text) == (engineer, "明早到场")


def test_html_mail_is_sanitised_and_gets_a_text_version(mailer):
    html = (
        "<html><head><style>p{color:red}</style><script>steal()</script></head><body>"
        '<p onclick="steal()">设备<b>告警</b></p><a href="javascript:steal()">点此</a>'
        '<img src="http://tracker.example/x.gif" onerror="steal()"></body></html>'
    )
    mail = email_ingest(raw=raw_mail(html=html))
    assert "<b>告警</b>" in mail.html_body
    for bad in ("script", "steal", "onclick", "style", "javascript", "<img", "color:red"):
        assert bad not in mail.html_body
    assert mail.text_body == "设备告警\n点此" and mail.case.description == mail.text_body


def test_gbk_encoded_chinese_subject_and_body_are_decoded(mailer):
    # "镕" is in GBK but not in GB2312: clients label such text gb2312 all the same.
    subject = base64.b64encode("镕铸设备报修".encode("gbk")).decode()
    body = quopri.encodestring("主控板故障，朱镕基路机房".encode("gbk"))
    raw = (
        b"From: =?gb2312?B?" + base64.b64encode("张工".encode("gbk")) + b"?= <zhang@example.cn>\r\n"
        b"Subject: =?gb2312?B?" + subject.encode() + b"?=\r\n"
        b"Message-ID: <gbk@mail.example.cn>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=gb2312\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + body
    )
    mail = email_ingest(raw=raw)
    assert (mail.subject, mail.from_name) == ("镕铸设备报修", "张工")
    assert mail.case.description == "主控板故障，朱镕基路机房"


def test_raw_8bit_gb18030_subject_is_decoded(mailer):
    raw = "From: zhang@example.cn\r\nSubject: 服务器无法开机\r\n\r\n请处理".encode("gb18030")
    assert email_ingest(raw=raw).subject == "服务器无法开机"


def test_nul_bytes_in_the_body_are_dropped_so_the_mail_can_be_stored(mailer):
    raw = b"From: zhang@example.cn\r\nSubject: log\r\n\r\nline\x00one"
    assert email_ingest(raw=raw).case.description == "lineone"


@pytest.mark.parametrize(
    "headers,sender",
    [
        ({"Auto-Submitted": "auto-replied"}, "zhang@example.cn"),
        ({"Precedence": "bulk"}, "zhang@example.cn"),
        ({"X-Autoreply": "yes"}, "zhang@example.cn"),
        ({}, "MAILER-DAEMON@example.cn"),
    ],
)
def test_auto_reply_or_bounce_is_ignored_and_opens_no_case(mailer, headers, sender):
    mail = email_ingest(raw=raw_mail(sender=sender, headers=headers, subject="自动回复：休假中"))
    assert (mail.status, mail.triage_reason) == ("ignored", TriageReason.AUTO_REPLY)
    assert Case.objects.count() == 0


def test_auto_submitted_no_is_an_ordinary_mail(mailer):
    mail = email_ingest(raw=raw_mail(headers={"Auto-Submitted": "no"}))
    assert mail.status == InboundEmailStatus.NEW_CASE


def test_mail_from_our_own_address_is_ignored(mailer, settings):
    settings.DEFAULT_FROM_EMAIL = "售后服务 <support@aftersales.example>"
    mail = email_ingest(raw=raw_mail(sender="Support@aftersales.example"))
    assert (mail.status, mail.triage_reason) == ("ignored", TriageReason.OWN_ADDRESS)


def test_too_large_attachment_is_noted_not_stored(mailer, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = b"%PDF-1.4\n" + b"0" * 2048
    mail = email_ingest(raw=raw_mail(attachments=[("手册.pdf", "application/pdf", big)]))
    assert "Attachment “手册.pdf” was not stored" in mail.case.description
    assert not Attachment.objects.exists()


def test_case_service_refusal_records_the_mail_as_error(mailer):
    CaseType.objects.filter(code="fault").update(is_active=False)
    mail = email_ingest(raw=raw_mail())
    assert (mail.status, mail.triage_reason, mail.case) == ("error", "failed", None)
    assert mail.note == "Unknown case type." and Case.objects.count() == 0


def test_bytes_that_are_not_a_message_are_refused(db):
    with pytest.raises(Invalid) as exc:
        email_ingest(raw=b"\r\n\r\njust some text")
    assert exc.value.field == "raw" and not InboundEmail.objects.exists()


def test_mailbot_is_created_once_and_cannot_log_in(db):
    bot = mailbot_user()
    assert mailbot_user().pk == bot.pk
    assert not bot.has_usable_password() and bot.has_perm("cases.add_case")


def test_case_from_a_contact_with_login_is_opened_by_that_contact(mailer):
    mail = email_ingest(raw=raw_mail())
    activity = Activity.objects.get(pk=mail.activity_id)
    assert (activity.kind, activity.actor, mail.case.created_by) == (
        "created",
        mailer.user,
        mailer.user,
    )
