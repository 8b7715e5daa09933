"""SMS gateway that only logs: for development machines without a provider."""

from __future__ import annotations

import logging

logger = logging.getLogger("aftersales.notify.sms")


def send(*, phone: str, text: str) -> None:
    logger.info("SMS to %s: %s", phone, text)
