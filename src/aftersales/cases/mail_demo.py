"""Demo mail: messages through the real intake, so the triage queue and attachments show.

A known contact reports a fault with a photo and a log (a new case with two attachments), an
unknown sender and a reference to a missing case wait in triage, an out-of-office reply is
recognised as automatic. Runs after the cases section.
"""

from __future__ import annotations

import base64
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from django.utils import timezone

from aftersales.cases.mail.intake import email_ingest
from aftersales.cases.models import InboundEmail
from aftersales.core.errors import ApplicationError
from aftersales.registry.models import Contact

SUPPORT = "support@service.example.com"
# A 1×1 PNG: a photo's place in the demo, not its weight.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _message(sender: str, name: str, subject: str, body: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>"
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain="demo.example.com")
    for key, value in headers.items():
        message[key.replace("_", "-")] = value
    message.set_content(body)
    return message


def _messages(contact: Contact) -> list[EmailMessage]:
    report = _message(
        contact.email,
        contact.name,
        "存储阵列告警：控制器B离线",
        "您好，\n\n今天上午巡检发现存储阵列控制器B离线，前面板告警灯常亮，附上照片和日志。\n"
        "请尽快安排工程师处理。\n\n谢谢！",
    )
    report.add_attachment(PIXEL, maintype="image", subtype="png", filename="告警灯.png")
    report.add_attachment(
        "2026-12-07 09:12:44 CTRL-B heartbeat lost\n2026-12-07 09:12:45 failover to CTRL-A\n",
        filename="controller.log",
    )
    return [
        report,
        _message(
            "it-ops@unknown-factory.example.com",
            "王工",
            "咨询：核心交换机保修延期",
            "贵司好，我们的核心交换机明年到保，想了解延保方案和报价。",
        ),
        _message(
            contact.email,
            contact.name,
            "Re: [CS-20200101-9999] 仍有丢包",
            "上次处理后仍然偶尔丢包，请再看一下。",
        ),
        _message(
            contact.email,
            contact.name,
            "自动回复：我已休假",
            "我将于下周一返回办公室，期间请联系值班同事。",
            Auto_Submitted="auto-replied",
        ),
    ]


def load(demo: Any) -> None:
    """Send four messages through the intake (skipped when the demo has mail already)."""
    if InboundEmail.objects.exists():
        return
    contact = (
        Contact.objects.filter(is_active=True, customer__is_active=True)
        .exclude(email="")
        .order_by("pk")
        .first()
    )
    if contact is None:
        demo.notes.append("No demo mail: it needs a contact with an e-mail address.")
        return
    made = 0
    for message in _messages(contact):
        try:
            email_ingest(raw=message.as_bytes())
        except ApplicationError as exc:
            demo.notes.append(f"Demo mail stopped: {exc.message}")
            break
        made += 1
    demo.add("e-mails", made)
