"""E-mail intake: store every received mail once, then route it to a case, a comment or triage.

Routing, in order (the defaults are documented in docs and the lead's decisions):
1. auto-replies, bounces, list mail and our own mail are recorded as ignored (mail loops);
2. a case number in the subject (CS-YYYYMMDD-NNNN) or In-Reply-To/References naming a mail we
   received for a case: a public comment on that case, if the sender is a contact of the case's
   customer or a staff member; otherwise triage;
3. a sender matching the active contacts of exactly one customer: a new case (channel e-mail,
   priority P3, case type "fault", title = subject);
4. anything else waits in the triage queue, attachments kept in the stored original.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import is_staff_member
from aftersales.accounts.models import SYSTEM_USERNAMES, User
from aftersales.accounts.roles import STAFF_ROLES, Role
from aftersales.accounts.services import user_create
from aftersales.cases import services as case_services
from aftersales.cases.mail.parse import (
    MailFile,
    NotAMessage,
    ParsedMail,
    is_auto_reply,
    parse_message,
)
from aftersales.cases.models import (
    Activity,
    ActivityKind,
    Attachment,
    Case,
    Channel,
    InboundEmail,
    InboundEmailStatus,
    Priority,
    TriageReason,
)
from aftersales.cases.uploads import check_upload
from aftersales.core.errors import ApplicationError, Invalid
from aftersales.core.schema_types import clip_text
from aftersales.registry.models import Contact

MAILBOT_USERNAME = SYSTEM_USERNAMES[0]
MAILBOT_NAME = "邮件接收 (mailbot)"
CASE_NUMBER = re.compile(r"CS-\d{8}-\d{4,}")
# A new case from e-mail: the seat re-grades it after reading (domain.md, P3 = impaired).
DEFAULT_PRIORITY = Priority.P3
DEFAULT_CASE_TYPE = "fault"
MAX_FILES = 20

NOT_A_MESSAGE = _("The input is not an e-mail message.")
NO_SUBJECT = _("(no subject)")
EMPTY_BODY = _("(empty message)")
FROM_SENDER = _("E-mail from %(sender)s:")
FILE_NOT_STORED = _("Attachment “%(name)s” was not stored: %(reason)s")
TOO_MANY_FILES = _("%(count)s more attachments were not stored (limit %(limit)s).")

# Where a reply's quoted history starts; everything from there on is already on the case.
QUOTE_STARTS = re.compile(
    r"^(-{2,}\s*(original message|原始邮件|回复的原邮件)\s*-{2,}"
    r"|on .{4,200} wrote:"
    r"|在.{2,200}写道[:：]"
    r"|(from|发件人)[:：].+\n(sent|date|发送时间)[:：])",
    re.IGNORECASE | re.MULTILINE,
)


def mailbot_user() -> User:
    """The system actor for mail from senders without a portal login (idempotent)."""
    user = User.objects.filter(username=MAILBOT_USERNAME).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            return user_create(
                username=MAILBOT_USERNAME,
                password=None,  # unusable: nobody can log in as the robot
                role=Role.DISPATCHER,
                display_name=MAILBOT_NAME,
                by=None,  # the system creates its own robot
            )
    except (IntegrityError, Invalid):
        # Another process created it first.
        return User.objects.get(username=MAILBOT_USERNAME)


def sender_label(mail: InboundEmail) -> str:
    # Not formataddr: that would RFC 2047-encode a Chinese name.
    return f"{mail.from_name} <{mail.from_address}>" if mail.from_name else mail.from_address


def reply_text(text: str) -> str:
    """The new part of a reply: quoted history below a reply header is cut off."""
    match = QUOTE_STARTS.search(text)
    if match and text[: match.start()].strip():
        text = text[: match.start()]
    lines = text.rstrip().split("\n")
    while lines and lines[-1].startswith(">"):
        lines.pop()
    return "\n".join(lines).strip()


# --- attachments ----------------------------------------------------------------------


@dataclass
class CheckedFile:
    content: ContentFile
    ext: str
    content_type: str


def check_files(files: list[MailFile]) -> tuple[list[CheckedFile], list[str]]:
    """Split a mail's files into storable ones and notes on those refused (size, type)."""
    accepted, notes = [], []
    for item in files[:MAX_FILES]:
        content = ContentFile(item.data, name=item.name)
        try:
            ext, content_type = check_upload(content, field="attachment")
        except Invalid as exc:
            notes.append(_t(FILE_NOT_STORED) % {"name": item.name, "reason": exc.message})
            continue
        accepted.append(CheckedFile(content, ext, content_type))
    if len(files) > MAX_FILES:
        notes.append(_t(TOO_MANY_FILES) % {"count": len(files) - MAX_FILES, "limit": MAX_FILES})
    return accepted, notes


def store_files(
    *, case: Case, activity: Activity, by: User, files: list[CheckedFile], now: dt.datetime
) -> list[Attachment]:
    """Attach checked files to the activity; names on disk are generated, never the sender's."""
    stored = []
    for item in files:
        attachment = Attachment(
            case=case,
            activity=activity,
            name=item.content.name,
            content_type=item.content_type,
            size=item.content.size,
            internal=activity.internal,
            uploaded_by=by,
            uploaded_at=now,
        )
        item.content.seek(0)
        attachment.file.save(f"{uuid.uuid4().hex}.{item.ext}", item.content, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def with_notes(text: str, notes: list[str]) -> str:
    return "\n\n".join(part for part in [text, "\n".join(notes)] if part)


# --- ingest ---------------------------------------------------------------------------


def email_ingest(*, raw: bytes) -> InboundEmail:
    """Store and route one RFC 822 message; the same Message-ID is only ever stored once.

    Raises Invalid (field "raw") for bytes that are not a message. Database errors propagate
    so the MTA or the next IMAP poll retries; a failing case service marks the mail "error".
    """
    try:
        parsed = parse_message(raw)
    except NotAMessage as exc:
        raise Invalid(NOT_A_MESSAGE, field="raw") from exc
    existing = already_stored(parsed.message_id)
    if existing is not None:
        return existing
    now = timezone.now()
    stored_raw = default_storage.save(
        f"inbound/{now:%Y/%m}/{uuid.uuid4().hex}.eml", ContentFile(raw)
    )
    try:
        with transaction.atomic():
            mail = InboundEmail.objects.create(
                message_id=parsed.message_id,
                from_address=parsed.from_address,
                from_name=parsed.from_name,
                to=parsed.to,
                subject=parsed.subject,
                sent_at=parsed.sent_at,
                received_at=now,
                raw_size=len(raw),
                raw=stored_raw,
                in_reply_to=" ".join(parsed.in_reply_to),
                references=" ".join(parsed.references),
                text_body=parsed.text,
                html_body=parsed.html,
                status=InboundEmailStatus.TRIAGE,
            )
            try:
                with transaction.atomic():
                    _route(mail, parsed, now)
            except ApplicationError as exc:
                _finish(
                    mail,
                    InboundEmailStatus.ERROR,
                    reason=TriageReason.FAILED,
                    note=str(exc.message),
                    case=None,
                    activity=None,
                )
    except IntegrityError:
        default_storage.delete(stored_raw)
        # Two deliveries of one message raced; the other one stored it.
        existing = InboundEmail.objects.filter(message_id=parsed.message_id).first()
        if existing is None:
            raise
        return existing
    except BaseException:
        default_storage.delete(stored_raw)
        raise
    return mail


def already_stored(message_id: str) -> InboundEmail | None:
    return InboundEmail.objects.filter(message_id=message_id).first()


def _finish(mail: InboundEmail, status: str, *, reason: str = "", note: str = "", **links) -> None:
    mail.status = status
    mail.triage_reason = reason
    mail.note = note
    for name, value in links.items():
        setattr(mail, name, value)
    mail.save(update_fields=["status", "triage_reason", "note", *links])


def _own_addresses() -> set[str]:
    addresses = {email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()}
    imap_user = getattr(settings, "IMAP_USER", "")
    if "@" in imap_user:
        addresses.add(imap_user.lower())
    return addresses - {""}


def _route(mail: InboundEmail, parsed: ParsedMail, now: dt.datetime) -> None:
    if is_auto_reply(parsed):
        _finish(mail, InboundEmailStatus.IGNORED, reason=TriageReason.AUTO_REPLY)
        return
    if mail.from_address in _own_addresses():
        _finish(mail, InboundEmailStatus.IGNORED, reason=TriageReason.OWN_ADDRESS)
        return
    referenced, case = _referenced_case(parsed)
    if referenced:
        if case is None:
            _finish(mail, InboundEmailStatus.TRIAGE, reason=TriageReason.UNKNOWN_CASE)
            return
        actor = _actor_on_case(case, mail.from_address)
        if actor is None:
            _finish(
                mail, InboundEmailStatus.TRIAGE, reason=TriageReason.NOT_ON_CASE, note=case.number
            )
            return
        by, named = actor
        activity = _comment(mail, parsed, case=case, by=by, name_sender=named, now=now)
        _finish(mail, InboundEmailStatus.COMMENT, case=case, activity=activity)
        return
    contacts = _contacts_for(mail.from_address)
    customers = {contact.customer_id for contact in contacts}
    if not customers:
        _finish(mail, InboundEmailStatus.TRIAGE, reason=TriageReason.UNKNOWN_SENDER)
        return
    if len(customers) > 1:
        _finish(mail, InboundEmailStatus.TRIAGE, reason=TriageReason.AMBIGUOUS_SENDER)
        return
    case, activity = _open_case(mail, parsed, contact=contacts[0], now=now)
    _finish(mail, InboundEmailStatus.NEW_CASE, case=case, activity=activity)


def _referenced_case(parsed: ParsedMail) -> tuple[bool, Case | None]:
    """(whether the mail refers to a case, that case if it exists)."""
    match = CASE_NUMBER.search(parsed.subject)
    if match:
        return True, Case.objects.filter(number=match.group(0)).first()
    ids = parsed.in_reply_to + parsed.references
    if ids:
        earlier = (
            InboundEmail.objects.filter(message_id__in=ids, case__isnull=False)
            .select_related("case")
            .order_by("-received_at")
            .first()
        )
        if earlier is not None:
            return True, earlier.case
    return False, None


def _contacts_for(address: str) -> list[Contact]:
    """Active contacts of active customers with this address; contacts with a login first."""
    if not address:
        return []
    return list(
        Contact.objects.filter(email__iexact=address, is_active=True, customer__is_active=True)
        .select_related("customer", "user")
        .order_by(F("user").asc(nulls_last=True), "id")[:20]
    )


def _login_of(contact: Contact) -> User | None:
    user = contact.user
    return user if user is not None and user.is_active else None


def _actor_on_case(case: Case, address: str) -> tuple[User, bool] | None:
    """Who writes the comment, and whether the text must name the sender; None: not on case."""
    if not address:
        return None
    staff = User.objects.filter(email__iexact=address, is_active=True).filter(
        Q(groups__name__in=STAFF_ROLES) | Q(is_superuser=True)
    )
    for user in staff.distinct()[:5]:
        if is_staff_member(user):
            return user, False
    contact = next((c for c in _contacts_for(address) if c.customer_id == case.customer_id), None)
    if contact is None:
        return None
    login = _login_of(contact)
    return (login, False) if login is not None else (mailbot_user(), True)


def _comment(
    mail: InboundEmail,
    parsed: ParsedMail,
    *,
    case: Case,
    by: User,
    name_sender: bool,
    now: dt.datetime,
    internal: bool = False,
) -> Activity:
    files, notes = check_files(parsed.files)
    text = reply_text(mail.text_body) or _t(EMPTY_BODY)
    if name_sender:
        text = f"{_t(FROM_SENDER) % {'sender': sender_label(mail)}}\n\n{text}"
    # Mail is cut to the case's text limit, never refused: the whole body stays on the mail.
    activity = case_services.case_comment(
        case=case, by=by, text=clip_text(with_notes(text, notes)), internal=internal
    )
    store_files(case=case, activity=activity, by=by, files=files, now=now)
    return activity


def _open_case(
    mail: InboundEmail, parsed: ParsedMail, *, contact: Contact, now: dt.datetime
) -> tuple[Case, Activity]:
    by = _login_of(contact) or mailbot_user()
    files, notes = check_files(parsed.files)
    case = case_services.case_create(
        by=by,
        customer=contact.customer,
        contact=contact,
        title=(mail.subject or _t(NO_SUBJECT))[:200],
        description=clip_text(with_notes(mail.text_body, notes)),
        priority=DEFAULT_PRIORITY,
        case_type=DEFAULT_CASE_TYPE,
        channel=Channel.EMAIL,
    )
    activity = case.activities.get(kind=ActivityKind.CREATED)
    store_files(case=case, activity=activity, by=by, files=files, now=now)
    return case, activity
