"""`aftersales ingest_email < message.eml`: the MTA pipe into the e-mail intake.

Exit status follows sysexits.h so the MTA knows what to do: 0 stored (whatever the routing),
65 (EX_DATAERR) not a message, bounce it; 75 (EX_TEMPFAIL) database trouble, retry later.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, no_translations
from django.db import DatabaseError

from aftersales.cases.mail import email_ingest
from aftersales.core.errors import Invalid

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read one RFC 822 message from standard input and ingest it."
    # The MTA pipes one message per process: skip the system checks (URLs, templates) for speed.
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)  # call_command(stdin=BytesIO(...)) in tests and scripts

    # Machine interface (MTA pipe, scripts): messages stay in English whatever the locale.
    @no_translations
    def handle(self, *args, **options) -> None:
        stream = options.get("stdin") or sys.stdin.buffer
        raw = stream.read()
        try:
            mail = email_ingest(raw=raw)
        except Invalid as exc:
            self.stderr.write(f"rejected: {exc.message}")
            sys.exit(EX_DATAERR)
        except DatabaseError as exc:
            self.stderr.write(f"temporary failure: {exc}".splitlines()[0])
            sys.exit(EX_TEMPFAIL)
        case = f" case={mail.case.number}" if mail.case_id else ""
        reason = f" reason={mail.triage_reason}" if mail.triage_reason else ""
        self.stdout.write(f"stored id={mail.pk} status={mail.status}{case}{reason}")
