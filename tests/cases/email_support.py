"""Builders for raw e-mail messages as real mail clients send them, for the intake tests."""

from __future__ import annotations

import itertools
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.utils import timezone

_ids = itertools.count(1)


def raw_mail(
    *,
    sender: str = "zhang@example.cn",
    name: str = "张工",
    subject: str = "核心交换机宕机",
    body: str = "机房A核心交换机无法启动，请尽快处理。",
    html: str | None = None,
    message_id: str | None = None,
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """A message in UTF-8; attachments are (file name, content type, bytes)."""
    msg = EmailMessage()
    msg["From"] = formataddr((name, sender))
    msg["To"] = "support@aftersales.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = message_id or f"<test-{next(_ids)}@mail.example.cn>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for key, value in (headers or {}).items():
        msg[key] = value
    if html is None:
        msg.set_content(body)
    else:
        msg.set_content(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()
