"""The triage queue's actions: a dispatcher decides what a mail nobody could route becomes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import require
from aftersales.accounts.models import User
from aftersales.cases import services as case_services
from aftersales.cases.mail.intake import (
    DEFAULT_CASE_TYPE,
    DEFAULT_PRIORITY,
    EMPTY_BODY,
    FROM_SENDER,
    NO_SUBJECT,
    check_files,
    reply_text,
    sender_label,
    store_files,
    with_notes,
)
from aftersales.cases.mail.selectors import TRIAGE_PERMISSION, inbound_email_files
from aftersales.cases.models import (
    Activity,
    ActivityKind,
    Case,
    Channel,
    InboundEmail,
    InboundEmailStatus,
    TriageReason,
)
from aftersales.core.errors import Conflict, Invalid
from aftersales.registry.models import Contact, Customer
from aftersales.registry.services import contact_create

OPEN_FOR_TRIAGE = (InboundEmailStatus.TRIAGE, InboundEmailStatus.ERROR)
ALREADY_HANDLED = _("This e-mail has already been handled.")
REASON_REQUIRED = _("Say why the e-mail is ignored.")
INACTIVE_CUSTOMER = _("Choose an active customer.")


def _claim(mail: InboundEmail) -> InboundEmail:
    """Lock the mail; two dispatchers acting on it at once: the second one gets a 409."""
    locked = InboundEmail.objects.select_for_update().get(pk=mail.pk)
    if locked.status not in OPEN_FOR_TRIAGE:
        raise Conflict(ALREADY_HANDLED)
    return locked


def _handled(mail: InboundEmail, *, by: User, status: str, **fields) -> None:
    mail.status = status
    mail.handled_by = by
    mail.handled_at = timezone.now()
    for name, value in fields.items():
        setattr(mail, name, value)
    mail.save(update_fields=["status", "handled_by", "handled_at", *fields])


@transaction.atomic
def inbound_create_case(
    *, mail: InboundEmail, by: User, customer: Customer, add_contact: bool = False
) -> Case:
    """Open a case for the chosen customer; optionally register the sender as its contact."""
    require(by, TRIAGE_PERMISSION)
    if not customer.is_active:
        raise Invalid(INACTIVE_CUSTOMER, field="customer")
    mail = _claim(mail)
    contact = (
        Contact.objects.filter(customer=customer, email__iexact=mail.from_address, is_active=True)
        .order_by("id")
        .first()
        if mail.from_address
        else None
    )
    if contact is None and add_contact and mail.from_address:
        contact = contact_create(
            customer=customer,
            name=(mail.from_name or mail.from_address.split("@", 1)[0])[:100],
            email=mail.from_address,
            by=by,
        )
    files, notes = check_files(inbound_email_files(mail))
    case = case_services.case_create(
        by=by,
        customer=customer,
        contact=contact,
        caller_name="" if contact else (mail.from_name or mail.from_address)[:100],
        title=(mail.subject or _t(NO_SUBJECT))[:200],
        description=with_notes(mail.text_body, notes),
        priority=DEFAULT_PRIORITY,
        case_type=DEFAULT_CASE_TYPE,
        channel=Channel.EMAIL,
    )
    activity = case.activities.get(kind=ActivityKind.CREATED)
    store_files(case=case, activity=activity, by=by, files=files, now=activity.at)
    _handled(mail, by=by, status=InboundEmailStatus.NEW_CASE, case=case, activity=activity)
    return case


@transaction.atomic
def inbound_attach_to_case(
    *, mail: InboundEmail, by: User, case: Case, internal: bool = False
) -> Activity:
    """Add the mail to an existing case as a comment naming the sender."""
    require(by, TRIAGE_PERMISSION)
    mail = _claim(mail)
    files, notes = check_files(inbound_email_files(mail))
    text = reply_text(mail.text_body) or _t(EMPTY_BODY)
    text = f"{_t(FROM_SENDER) % {'sender': sender_label(mail)}}\n\n{text}"
    activity = case_services.case_comment(
        case=case, by=by, text=with_notes(text, notes), internal=internal
    )
    store_files(case=case, activity=activity, by=by, files=files, now=activity.at)
    _handled(mail, by=by, status=InboundEmailStatus.COMMENT, case=case, activity=activity)
    return activity


@transaction.atomic
def inbound_ignore(*, mail: InboundEmail, by: User, reason: str) -> InboundEmail:
    """Set a mail aside (spam, a thank-you, a duplicate); the reason stays on record."""
    require(by, TRIAGE_PERMISSION)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(REASON_REQUIRED, field="reason")
    mail = _claim(mail)
    _handled(
        mail,
        by=by,
        status=InboundEmailStatus.IGNORED,
        triage_reason=TriageReason.BY_STAFF,
        note=reason[:2000],
    )
    return mail
