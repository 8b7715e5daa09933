"""SMS gateways: one small module each, chosen by settings.SMS_BACKEND."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

GATEWAYS = {
    "console": "aftersales.notify.sms.console",
    "file": "aftersales.notify.sms.file",
    "webhook": "aftersales.notify.sms.webhook",
}


class SmsError(Exception):
    """The gateway refused or could not take the message; the outbox retries it."""


def sms_send(*, phone: str, text: str) -> None:
    """Hand one text to the configured gateway; raise SmsError when it is not accepted."""
    backend = settings.SMS_BACKEND
    if backend not in GATEWAYS:
        raise SmsError(f"unknown SMS_BACKEND {backend!r}")
    import_module(GATEWAYS[backend]).send(phone=phone, text=text)
