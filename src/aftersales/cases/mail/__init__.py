"""E-mail intake for cases: parsing, routing, triage and IMAP polling."""

from __future__ import annotations

from aftersales.cases.mail.imap import imap_poll
from aftersales.cases.mail.intake import email_ingest, mailbot_user

__all__ = ["email_ingest", "imap_poll", "mailbot_user"]
