from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import transaction

from aftersales.notify.models import OutboxMessage, Status
from aftersales.notify.services import notify_enqueue, outbox_deliver_due
from tests.notify.servers import free_port

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
SUBJECT = "【售后服务】工单 CS-20261123-0042 已分配给您"


def _enqueue(**fields) -> OutboxMessage:
    defaults = {
        "channel": "email",
        "address": "zhang.gong@example.cn",
        "subject": SUBJECT,
        "body": "华东电力集团：存储阵列 SN00000001 故障，请在 1 小时内联系客户。",
        "kind": "case.assigned",
        "ref_type": "case",
        "ref_id": "CS-20261123-0042",
    }
    return notify_enqueue(**{**defaults, **fields})


def _reload(message: OutboxMessage) -> OutboxMessage:
    message.refresh_from_db()
    return message


def _smtp_down(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2


def test_chinese_email_reaches_a_real_smtp_server_intact(smtp_server, settings):
    message = _enqueue()
    assert outbox_deliver_due().sent == 1
    received = smtp_server.messages[0]
    assert smtp_server.subjects == [SUBJECT]
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert "SN00000001 故障" in received.get_body(("plain",)).get_content()
    assert smtp_server.recipients == [["zhang.gong@example.cn"]]
    assert _reload(message).status == Status.SENT


def test_one_refused_recipient_does_not_stop_the_others(smtp_server):
    refused = _enqueue(address="nobody@example.cn")
    _enqueue(address="li.gong@example.cn")
    report = outbox_deliver_due()
    assert (report.sent, report.retrying) == (1, 1)
    assert "550" in _reload(refused).last_error
    assert smtp_server.recipients == [["li.gong@example.cn"]]


def test_html_version_travels_as_an_alternative(smtp_server):
    _enqueue(html_body="<p>请尽快<b>联系客户</b></p>")
    outbox_deliver_due()
    assert "<b>联系客户</b>" in smtp_server.messages[0].get_body(("html",)).get_content()


def test_a_sent_message_is_never_sent_again(smtp_server):
    _enqueue()
    outbox_deliver_due()
    assert outbox_deliver_due().sent == 0
    assert len(smtp_server.messages) == 1


def test_message_waits_for_its_not_before(smtp_server):
    with time_machine.travel(T0, tick=False):
        message = _enqueue(not_before=T0 + dt.timedelta(minutes=30))
        outbox_deliver_due()
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        outbox_deliver_due()
    assert len(smtp_server.messages) == 1
    assert _reload(message).sent_at == T0 + dt.timedelta(minutes=30)


def test_smtp_down_is_a_failed_attempt_retried_a_minute_later(settings):
    _smtp_down(settings)
    with time_machine.travel(T0, tick=False):
        message = _enqueue()
        assert outbox_deliver_due().retrying == 1
    message = _reload(message)
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.not_before == T0 + dt.timedelta(minutes=1)


def test_retry_after_smtp_comes_back_delivers_once(settings, smtp_server):
    port = settings.EMAIL_PORT
    _smtp_down(settings)
    with time_machine.travel(T0, tick=False):
        message = _enqueue()
        outbox_deliver_due()
    settings.EMAIL_PORT = port
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        outbox_deliver_due()
        outbox_deliver_due()
    assert (_reload(message).status, _reload(message).attempts) == (Status.SENT, 2)
    assert len(smtp_server.messages) == 1


def test_message_fails_for_good_after_five_attempts_with_backoff(settings):
    _smtp_down(settings)
    with time_machine.travel(T0, tick=False) as clock:
        message = _enqueue()
        waits = []
        for _attempt in range(5):
            outbox_deliver_due()
            message = _reload(message)
            waits.append(round((message.not_before - dt.datetime.now(dt.UTC)).total_seconds()))
            clock.move_to(message.not_before)
    assert (message.status, message.attempts) == (Status.FAILED, 5)
    assert waits[:4] == [60, 300, 900, 3600]


def test_message_stuck_in_sending_goes_back_after_ten_minutes(smtp_server):
    with time_machine.travel(T0, tick=False):
        message = _enqueue()
    # A worker claimed it and died before sending.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, attempts=1, claimed_at=T0
    )
    with time_machine.travel(T0 + dt.timedelta(minutes=9), tick=False):
        assert outbox_deliver_due().released == 0
    with time_machine.travel(T0 + dt.timedelta(minutes=11), tick=False):
        assert outbox_deliver_due().released == 1
    assert (_reload(message).status, _reload(message).attempts) == (Status.SENT, 2)
    assert len(smtp_server.messages) == 1


def test_delivery_long_after_due_is_flagged_late(smtp_server):
    with time_machine.travel(T0, tick=False):
        early, late = _enqueue(), _enqueue(address="li.gong@example.cn")
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        outbox_deliver_due(limit=1)
    with time_machine.travel(T0 + dt.timedelta(minutes=40), tick=False):
        outbox_deliver_due()
    assert (_reload(early).late, _reload(late).late) == (False, True)


def test_sms_goes_to_the_configured_file_gateway(settings):
    _enqueue(channel="sms", address="+86 139 0000 0001", subject="", body="工单CS-1已分配")
    outbox_deliver_due()
    line = json.loads(settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()[0])
    assert (line["phone"], line["text"]) == ("13900000001", "工单CS-1已分配")


def test_failed_and_cancelled_messages_are_not_delivered(smtp_server):
    _enqueue(address="")
    _enqueue(kind="sla.reminder")
    from aftersales.notify.services import outbox_cancel

    outbox_cancel(ref_type="case", ref_id="CS-20261123-0042")
    assert outbox_deliver_due().sent == 0
    assert smtp_server.messages == []


def test_enqueue_then_commit_delivers_through_the_task(
    smtp_server, huey_immediate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = _enqueue()
    assert _reload(message).status == Status.SENT
    assert smtp_server.subjects == [SUBJECT]
