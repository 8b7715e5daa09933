from __future__ import annotations

import json
import logging

import pytest

from aftersales.notify.models import Status
from aftersales.notify.services import notify_enqueue, outbox_deliver_due
from aftersales.notify.sms import SmsError, sms_send
from tests.notify.servers import free_port, running_http_server

TEXT = "【售后服务】工单CS-20261123-0042已分配给您，请在1小时内联系客户。"


@pytest.fixture
def webhook(settings):
    with running_http_server() as capture:
        settings.SMS_BACKEND = "webhook"
        settings.SMS_WEBHOOK_URL = capture.url
        settings.SMS_WEBHOOK_TEMPLATE = '{"mobile": "$phone", "content": "$text"}'
        settings.SMS_WEBHOOK_HEADERS = {"X-Api-Key": "k-123"}
        settings.SMS_WEBHOOK_TIMEOUT = 5
        yield capture


def test_file_gateway_appends_one_json_line_per_text(settings):
    sms_send(phone="13900000001", text=TEXT)
    sms_send(phone="13900000002", text="第二条")
    lines = settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["phone"] for line in lines] == ["13900000001", "13900000002"]
    assert json.loads(lines[0])["text"] == TEXT


def test_console_gateway_logs_the_text(settings, caplog):
    settings.SMS_BACKEND = "console"
    with caplog.at_level(logging.INFO, logger="aftersales.notify.sms"):
        sms_send(phone="13900000001", text=TEXT)
    assert TEXT in caplog.text


def test_webhook_posts_the_template_with_headers(webhook):
    sms_send(phone="13900000001", text='含"引号"的\n短信')
    request = webhook.requests[0]
    assert webhook.json() == {"mobile": "13900000001", "content": '含"引号"的\n短信'}
    assert request["headers"]["X-Api-Key"] == "k-123"
    assert request["headers"]["Content-Type"].startswith("application/json")


def test_webhook_form_template_is_url_encoded(webhook, settings):
    settings.SMS_WEBHOOK_TEMPLATE = "to=$phone&msg=$text"
    settings.SMS_WEBHOOK_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
    sms_send(phone="13900000001", text="故障 & 修复")
    assert (
        webhook.requests[0]["body"]
        == "to=13900000001&msg=%E6%95%85%E9%9A%9C+%26+%E4%BF%AE%E5%A4%8D"
    )


def test_webhook_answering_500_is_an_error(webhook):
    webhook.status = 500
    with pytest.raises(SmsError, match="HTTP 500"):
        sms_send(phone="13900000001", text=TEXT)


def test_webhook_unreachable_is_an_error(settings):
    settings.SMS_BACKEND = "webhook"
    settings.SMS_WEBHOOK_URL = f"http://127.0.0.1:{free_port()}/sms"
    with pytest.raises(SmsError, match="unreachable"):
        sms_send(phone="13900000001", text=TEXT)


@pytest.mark.django_db
def test_webhook_refusal_becomes_a_retried_outbox_attempt(webhook):
    webhook.status = 503
    message = notify_enqueue(
        channel="sms", address="13900000001", subject="", body=TEXT, kind="case.assigned"
    )
    outbox_deliver_due()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "HTTP 503" in message.last_error


@pytest.mark.django_db
def test_sms_outbox_message_reaches_the_webhook(webhook):
    notify_enqueue(channel="sms", address="139-0000-0001", subject="", body=TEXT, kind="x.y")
    assert outbox_deliver_due().sent == 1
    assert webhook.json() == {"mobile": "13900000001", "content": TEXT}
