"""Every write on a complaint (投诉) and its tracking sheet (《投诉跟踪单》): keyword-only, one
transaction, its timeline row.

Rules of seed 001 (domain.md, "Customer voice"): a complaint is received at any hour and its
tracking sheet goes at once to the responsible department, which answers within 2 hours
(7×24); the officer tells the customer and records whether they accept; the department records
the result, corrective actions and the accountable person; the officer verifies with the
customer: not satisfied → the sheet is re-sent (counted) and a new answer is needed; closed only
when the customer is satisfied, within 15 calendar days. Each step accepts `at` (not in the
future, not before the previous step: 422 naming `at`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import NOT_ALLOWED, can, customer_id_of, is_staff_member
from aftersales.accounts.models import User
from aftersales.accounts.predicates import Predicate
from aftersales.cases.models import Case
from aftersales.core import timeline
from aftersales.core.db import id_or_none
from aftersales.core.errors import Forbidden, Invalid
from aftersales.core.moments import recorded_moment
from aftersales.core.numbering import next_day_number
from aftersales.core.schema_types import LONG_TEXT_MAX, MEDIUM_TEXT_MAX, checked_text
from aftersales.feedback import complaint_access as access
from aftersales.feedback import complaint_promises as promises
from aftersales.feedback.models import (
    Channel,
    Complaint,
    ComplaintCounter,
    ComplaintEventKind,
    ComplaintStatus,
    Department,
)
from aftersales.registry.models import Contact, Customer

PREFIX = "CP"
CASES_MAX = 20

UNKNOWN_CUSTOMER = _("Unknown customer.")
UNKNOWN_CHANNEL = _("Choose phone, e-mail, portal or API.")
UNKNOWN_DEPARTMENT = _("Choose the responsible department.")
UNKNOWN_CASE = _("No such case of this customer.")
UNKNOWN_CONTACT = _("No such contact of this customer.")
TOO_MANY_CASES = _("A complaint links at most %(max)s cases.")
CASE_NOT_LINKED = _("This case is not linked to the complaint.")
CASE_LINKED = _("Case linked: %(case)s")
CASE_UNLINKED = _("Case unlinked: %(case)s")
ACCEPTED = _("The customer accepts the answer.")
NOT_ACCEPTED = _("The customer does not accept the answer.")


def _required(value: str, *, field: str, limit: int = LONG_TEXT_MAX) -> str:
    return checked_text(value, field=field, limit=limit, required=True)


def _optional(value: str, *, field: str, limit: int = MEDIUM_TEXT_MAX) -> str:
    return checked_text(value, field=field, limit=limit)


def _customer(by: User, code: str) -> Customer:
    """The customer complained about: a contact may name only their own (else 403)."""
    code = (code or "").strip()
    if not is_staff_member(by):
        own = customer_id_of(by)
        customer = Customer.objects.filter(code=code, pk=own).first() if own else None
        if customer is None:
            raise Forbidden(NOT_ALLOWED)
        return customer
    # The wrong staff role hears 403 before whether the code exists.
    if not can(by, access.ADD):
        raise Forbidden(NOT_ALLOWED)
    customer = Customer.objects.filter(code=code).first() if code else None
    if customer is None:
        raise Invalid(UNKNOWN_CUSTOMER, field="customer")
    return customer


def _cases(owner: Customer, numbers: Iterable[str]) -> list[Case]:
    """The customer's cases by number (422 naming `case` for one that is not theirs)."""
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n and n.strip()))
    if len(wanted) > CASES_MAX:
        raise Invalid(TOO_MANY_CASES % {"max": CASES_MAX}, field="case")
    found = {c.number: c for c in Case.objects.filter(customer=owner, number__in=wanted)}
    for number in wanted:
        if number not in found:
            raise Invalid(UNKNOWN_CASE, field="case")
    return [found[n] for n in wanted]


def _contact(by: User, owner: Customer, contact: int | str | None) -> Contact | None:
    """The complainant: a contact filing for themselves, or the contact an officer names."""
    if not is_staff_member(by):
        return Contact.objects.filter(user=by, customer=owner).first()
    if contact in (None, ""):
        return None
    pk = id_or_none(contact)
    found = Contact.objects.filter(pk=pk, customer=owner).first() if pk else None
    if found is None:
        raise Invalid(UNKNOWN_CONTACT, field="contact")
    return found


def complaint_receive(
    *,
    by: User,
    customer: str,
    text: str,
    channel: str,
    department: str = Department.SERVICE,
    cases: Iterable[str] = (),
    contact: int | str | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    anonymous: bool = False,
    at: dt.datetime | None = None,
) -> Complaint:
    """Record a complaint and send its tracking sheet to the department at once: the 2-hour
    answer and the 15-day settlement start from the moment of receipt."""
    owner = _customer(by, customer)
    access.can_receive.enforce_who(by, owner)
    now = timezone.now()
    text = _required(text, field="text")
    if channel not in Channel.values:
        raise Invalid(UNKNOWN_CHANNEL, field="channel")
    if department not in Department.values:
        raise Invalid(UNKNOWN_DEPARTMENT, field="department")
    complainant = _contact(by, owner, contact)
    name = _optional(complainant_name, field="complainant_name", limit=100)
    phone = _optional(complainant_phone, field="complainant_phone", limit=40)
    linked = _cases(owner, cases)
    received = recorded_moment(at, now=now)
    # An anonymous contact filing for themselves leaves no name on the timeline either.
    actor = None if anonymous and not is_staff_member(by) else by
    with transaction.atomic():
        complaint = Complaint.objects.create(
            number=next_day_number(ComplaintCounter, PREFIX, now),
            customer=owner,
            contact=complainant,
            complainant_name=name,
            complainant_phone=phone,
            anonymous=bool(anonymous),
            channel=channel,
            text=text,
            department=department,
            status=ComplaintStatus.SENT,
            received_at=received,
            officer=by if can(by, access.HANDLE) else None,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        if linked:
            complaint.cases.add(*linked)
        promises.start(complaint, received)
        timeline.record(
            subject=complaint,
            kind=ComplaintEventKind.RECEIVED,
            actor=actor,
            text=text,
            at=received,
            data={"channel": channel, "cases": [c.number for c in linked]},
        )
        timeline.record(
            subject=complaint,
            kind=ComplaintEventKind.SENT,
            actor=actor,
            text=str(Department(department).label),
            at=received,
            internal=True,
            data={"department": department},
        )
    return complaint


def _last_step(complaint: Complaint) -> dt.datetime:
    """The latest moment recorded on the complaint: no step may be dated before it."""
    moments = [
        complaint.received_at,
        complaint.answered_at,
        complaint.informed_at,
        complaint.resolved_at,
        complaint.verified_at,
    ]
    return max(m for m in moments if m is not None)


def _step(
    complaint: Complaint,
    *,
    by: User,
    predicate: Predicate,
    at: dt.datetime | None,
    kind: str | Callable[[Complaint], str],
    apply: Callable[[Complaint, dt.datetime], list[str]],
    text: str = "",
    internal: bool = False,
) -> Complaint:
    """Lock the row, check `at`, let `apply` change it (naming the fields it set), save, and
    write the timeline row: one transaction. Refusals (403, 409, 422) write nothing."""
    predicate.enforce_who(by, complaint)
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("customer")
            .get(pk=complaint.pk)
        )
        predicate.enforce(by, locked)
        moment = recorded_moment(at, now=now, previous=_last_step(locked))
        fields = apply(locked, moment)
        locked.updated_at = now
        locked.save(update_fields=[*fields, "updated_at"])
        timeline.record(
            subject=locked,
            kind=kind(locked) if callable(kind) else kind,
            actor=by,
            text=text,
            at=moment,
            internal=internal,
            data={"status": locked.status, "resent_count": locked.resent_count},
        )
    return locked


def complaint_answer(
    *, complaint: Complaint, by: User, text: str, at: dt.datetime | None = None
) -> Complaint:
    """The department's answer to the sheet: the first one keeps (or misses) the 2-hour
    promise; after a re-send a new answer is recorded the same way."""
    access.can_answer.enforce_who(by, complaint)
    text = _required(text, field="text")

    def apply(locked: Complaint, moment: dt.datetime) -> list[str]:
        locked.answer, locked.answered_at = text, moment
        locked.status = ComplaintStatus.ANSWERED
        promises.complete(locked, promises.ANSWER, moment)
        return ["answer", "answered_at", "status"]

    return _step(
        complaint,
        by=by,
        predicate=access.can_answer,
        at=at,
        kind=ComplaintEventKind.ANSWERED,
        apply=apply,
        text=text,
        internal=True,
    )


def complaint_inform(
    *,
    complaint: Complaint,
    by: User,
    accepted: bool,
    text: str = "",
    at: dt.datetime | None = None,
) -> Complaint:
    """The officer told the customer the answer and records whether they accept it."""
    access.can_inform.enforce_who(by, complaint)
    note = _optional(text, field="text")
    said = str(ACCEPTED if accepted else NOT_ACCEPTED)

    def apply(locked: Complaint, moment: dt.datetime) -> list[str]:
        locked.informed_at, locked.customer_accepted = moment, bool(accepted)
        return ["informed_at", "customer_accepted"]

    return _step(
        complaint,
        by=by,
        predicate=access.can_inform,
        at=at,
        kind=ComplaintEventKind.INFORMED,
        apply=apply,
        text=f"{said} {note}".strip(),
    )


def complaint_resolve(
    *,
    complaint: Complaint,
    by: User,
    result: str,
    corrective_actions: str = "",
    accountable: str = "",
    at: dt.datetime | None = None,
) -> Complaint:
    """The department's result, its corrective actions and the person accountable."""
    access.can_resolve.enforce_who(by, complaint)
    result = _required(result, field="result")
    actions = _optional(corrective_actions, field="corrective_actions", limit=LONG_TEXT_MAX)
    person = _optional(accountable, field="accountable", limit=100)

    def apply(locked: Complaint, moment: dt.datetime) -> list[str]:
        locked.result, locked.corrective_actions, locked.accountable = result, actions, person
        locked.resolved_at, locked.status = moment, ComplaintStatus.RESOLVED
        return ["result", "corrective_actions", "accountable", "resolved_at", "status"]

    return _step(
        complaint,
        by=by,
        predicate=access.can_resolve,
        at=at,
        kind=ComplaintEventKind.RESOLVED,
        apply=apply,
        text=result,
        internal=True,
    )


def complaint_verify(
    *,
    complaint: Complaint,
    by: User,
    satisfied: bool,
    text: str = "",
    at: dt.datetime | None = None,
) -> Complaint:
    """The officer verified with the customer: satisfied (ready to close), or not, and the
    sheet goes back to the department for a new answer (the re-sends are counted)."""
    access.can_verify.enforce_who(by, complaint)
    note = _optional(text, field="text")

    def apply(locked: Complaint, moment: dt.datetime) -> list[str]:
        locked.verified_at, locked.satisfied, locked.verification_note = moment, satisfied, note
        if satisfied:
            locked.status = ComplaintStatus.VERIFIED
        else:
            locked.status = ComplaintStatus.SENT
            locked.resent_count += 1
        return ["verified_at", "satisfied", "verification_note", "status", "resent_count"]

    return _step(
        complaint,
        by=by,
        predicate=access.can_verify,
        at=at,
        kind=ComplaintEventKind.VERIFIED if satisfied else ComplaintEventKind.RESENT,
        apply=apply,
        text=note,
    )


def complaint_close(*, complaint: Complaint, by: User, at: dt.datetime | None = None) -> Complaint:
    """Close a complaint verified satisfied (409 otherwise): the settlement is kept or late."""

    def apply(locked: Complaint, moment: dt.datetime) -> list[str]:
        locked.closed_at, locked.status = moment, ComplaintStatus.CLOSED
        promises.complete(locked, promises.SETTLE, moment)
        promises.stop(locked, moment)
        return ["closed_at", "status"]

    return _step(
        complaint,
        by=by,
        predicate=access.can_close,
        at=at,
        kind=ComplaintEventKind.CLOSED,
        apply=apply,
    )


def _linking(complaint: Complaint, by: User, number: str) -> tuple[Complaint, Case | None]:
    access.can_link.enforce_who(by, complaint)
    number = _required(number, field="case", limit=32)
    locked = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=complaint.pk)
    )
    access.can_link.enforce(by, locked)
    return locked, Case.objects.filter(customer_id=locked.customer_id, number=number).first()


def complaint_link_case(*, complaint: Complaint, by: User, case: str) -> Complaint:
    """Link one of the customer's cases (linking it again changes nothing)."""
    with transaction.atomic():
        locked, found = _linking(complaint, by, case)
        if found is None:
            raise Invalid(UNKNOWN_CASE, field="case")
        if locked.cases.filter(pk=found.pk).exists():
            return locked
        if locked.cases.count() >= CASES_MAX:
            raise Invalid(TOO_MANY_CASES % {"max": CASES_MAX}, field="case")
        locked.cases.add(found)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["updated_at"])
        timeline.record(
            subject=locked,
            kind=ComplaintEventKind.NOTICE,
            actor=by,
            text=str(CASE_LINKED % {"case": found.number}),
            internal=True,
            data={"linked": found.number},
        )
    return locked


def complaint_unlink_case(*, complaint: Complaint, by: User, case: str) -> Complaint:
    """Unlink a case linked by mistake (422 naming `case` when it is not linked)."""
    with transaction.atomic():
        locked, found = _linking(complaint, by, case)
        if found is None or not locked.cases.filter(pk=found.pk).exists():
            raise Invalid(CASE_NOT_LINKED, field="case")
        locked.cases.remove(found)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["updated_at"])
        timeline.record(
            subject=locked,
            kind=ComplaintEventKind.NOTICE,
            actor=by,
            text=str(CASE_UNLINKED % {"case": found.number}),
            internal=True,
            data={"unlinked": found.number},
        )
    return locked
