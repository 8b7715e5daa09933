"""Reads on received e-mail: only people who may dispatch see the mailbox (rule 6)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can
from aftersales.cases.mail.parse import MailFile, NotAMessage, parse_message
from aftersales.cases.models import InboundEmail, InboundEmailStatus
from aftersales.core.errors import Invalid, NotFound

TRIAGE_PERMISSION = "cases.assign_case"
NOT_FOUND = _("Not found.")
NOT_ALLOWED = _("You are not allowed to do this.")
UNKNOWN_STATUS = _("Unknown status.")


def inbound_emails_for_user(*, user: Any, status: str = "") -> QuerySet[InboundEmail]:
    """Received mail, newest first, optionally of one status; nothing for other users."""
    if status and status not in InboundEmailStatus.values:
        raise Invalid(UNKNOWN_STATUS, field="status")
    if not can(user, TRIAGE_PERMISSION):
        return InboundEmail.objects.none()
    qs = InboundEmail.objects.select_related("case", "handled_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_at", "-id")


def inbound_email_get_for_user(*, user: Any, pk: int) -> InboundEmail:
    mail = inbound_emails_for_user(user=user).filter(pk=pk).first()
    if mail is None:
        raise NotFound(NOT_FOUND)
    return mail


def customers_suggested_for(*, mail: InboundEmail, limit: int = 10) -> list:
    """Customers whose contacts write from the same mail domain: a hint for the triage form."""
    from aftersales.registry.models import Customer

    domain = mail.from_address.rpartition("@")[2]
    if not domain:
        return []
    return list(
        Customer.objects.filter(
            is_active=True,
            contacts__is_active=True,
            contacts__email__iendswith=f"@{domain}",
        )
        .distinct()
        .order_by("code")[:limit]
    )


def inbound_email_files(mail: InboundEmail) -> list[MailFile]:
    """The attachments, read back from the stored original."""
    if not mail.raw:
        return []
    try:
        with mail.raw.open("rb") as handle:
            return parse_message(handle.read()).files
    except (OSError, NotAMessage):
        return []
