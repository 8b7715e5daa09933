"""Fetch unread mail from an IMAP mailbox and ingest it (stdlib imaplib)."""

from __future__ import annotations

import imaplib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError

from aftersales.cases.mail.intake import email_ingest
from aftersales.core.errors import Invalid

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 30


@dataclass
class PollReport:
    fetched: int = 0
    stored: int = 0
    rejected: int = 0  # not a message at all: flagged \Seen so it is not fetched forever


class ImapError(RuntimeError):
    pass


def _connect() -> imaplib.IMAP4:
    cls = imaplib.IMAP4_SSL if settings.IMAP_SSL else imaplib.IMAP4
    conn = cls(settings.IMAP_HOST, settings.IMAP_PORT, timeout=TIMEOUT_SECONDS)
    conn.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
    typ, data = conn.select(settings.IMAP_FOLDER)
    if typ != "OK":
        conn.logout()
        raise ImapError(f"cannot open folder {settings.IMAP_FOLDER!r}: {data!r}")
    return conn


def _message_bytes(data: list) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def imap_poll(*, limit: int = 100) -> PollReport:
    """Ingest up to `limit` unseen messages, flagging each \\Seen only after it is stored.

    A crash between storing and flagging re-fetches the message next time, which the
    Message-ID dedupe makes harmless. Does nothing when IMAP_HOST is not configured.
    """
    report = PollReport()
    if not settings.IMAP_HOST:
        return report
    try:
        conn = _connect()
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"IMAP connection to {settings.IMAP_HOST} failed: {exc}") from exc
    try:
        typ, data = conn.uid("SEARCH", None, "UNSEEN")
        if typ != "OK":
            raise ImapError(f"IMAP search failed: {data!r}")
        uids = (data[0] or b"").split()[: max(0, limit)]
        for uid in uids:
            # PEEK: fetching must not mark the message read before it is safely stored.
            typ, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = _message_bytes(fetched) if typ == "OK" else None
            if raw is None:
                logger.warning("IMAP message %s could not be fetched: %r", uid, fetched)
                continue
            report.fetched += 1
            try:
                email_ingest(raw=raw)
                report.stored += 1
            except Invalid:
                report.rejected += 1
                logger.warning("IMAP message %s is not an e-mail; flagged as seen", uid)
            except DatabaseError:
                logger.exception("database error; the rest waits for the next poll")
                break
            conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            logger.debug("IMAP logout failed", exc_info=True)
    return report
