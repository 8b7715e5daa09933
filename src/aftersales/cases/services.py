"""Every write on a case: one transaction each, each writing its activity row (rule 3)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, customer_id_of, has_role, is_staff_member
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases import deadlines, notifications, search, workflow
from aftersales.cases.models import (
    Activity,
    ActivityKind,
    ApprovalDecision,
    Attachment,
    Case,
    Channel,
    MajorApproval,
    Priority,
    ServiceMode,
    Status,
    VendorCase,
    VendorCaseState,
)
from aftersales.cases.numbering import next_case_number
from aftersales.cases.selectors import active_case_type
from aftersales.contracts.entitlement import entitlement_for
from aftersales.core.errors import Conflict, Forbidden, Invalid, NotFound
from aftersales.registry.models import Asset, Contact, Customer, Vendor

NOT_ALLOWED = _("You are not allowed to do this.")
STALE = _("This case was changed by someone else in the meantime; reload it and try again.")
NOT_IN_STATE = _("“%(action)s” is not possible while the case is %(status)s.")
NEEDS_APPROVAL = _(
    "This is a major request: nothing can be done before its approval form says yes."
)
REFUSED_FOR_GOOD = _("This major request was refused; it must not be processed.")
TEXT_REQUIRED = _("Please write a text.")
NOT_AN_ENGINEER = _("Choose an active engineer or expert.")
UNKNOWN_CASE_TYPE = _("Unknown case type.")
UNKNOWN_CONTACT = _("This contact does not belong to the customer.")
UNKNOWN_SERIAL = _("This serial number is not registered for the customer.")
ALREADY_YOURS = _("The case is already assigned to you.")
NOT_ASSIGNEE = _(
    "Only the assigned engineer or a participant can do this; take the case over first."
)
CUSTOMERS_NO_INTERNAL = _("Customers cannot write internal notes.")
EXPERT_REQUIRED = _("Choose an expert.")
VENDOR_REQUIRED = _("Name the vendor.")

WORKER_ROLES = (Role.ENGINEER, Role.EXPERT, Role.MANAGER, Role.ADMIN)
ENGINEER_ROLES = (Role.ENGINEER, Role.EXPERT)


def _text(value: str, field: str = "text") -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(TEXT_REQUIRED, field=field)
    return value


def _record(
    case: Case,
    *,
    by: User | None,
    kind: str,
    now: dt.datetime,
    text: str = "",
    internal: bool = False,
    data: dict | None = None,
) -> Activity:
    return Activity.objects.create(
        case=case, at=now, actor=by, kind=kind, text=text, internal=internal, data=data or {}
    )


def _save(case: Case, now: dt.datetime, *fields: str) -> None:
    case.version += 1
    case.updated_at = now
    case.save(update_fields=[*fields, "version", "updated_at"])


def _lock(case: Case, *, version: int | None, action: str) -> Case:
    """Reload the case under a row lock and refuse stale versions and forbidden states."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and locked.version != version:
        raise Conflict(STALE, extra={"version": locked.version})
    if not workflow.is_allowed(action, locked.status):
        raise Conflict(
            NOT_IN_STATE % {"action": _t(action), "status": locked.get_status_display()},
            extra={"status": locked.status},
        )
    if locked.is_major and action not in workflow.ALLOWED_BEFORE_APPROVAL:
        decision = major_decision(locked)
        if decision == ApprovalDecision.REFUSED:
            raise Conflict(REFUSED_FOR_GOOD)
        if decision != ApprovalDecision.APPROVED:
            raise Conflict(NEEDS_APPROVAL)
    return locked


def major_decision(case: Case) -> str | None:
    """The binding decision on a major request: a refusal wins for good, else the latest."""
    # .all() so a list that prefetched "approvals" asks nothing more per case.
    decisions = [approval.decision for approval in case.approvals.all()]
    if ApprovalDecision.REFUSED in decisions:
        return ApprovalDecision.REFUSED
    return decisions[-1] if decisions else None


def _is_customer_of(user: User, case: Case) -> bool:
    return customer_id_of(user) == case.customer_id and not is_staff_member(user)


def _require_worker(case: Case, by: User) -> None:
    """Working a case needs the permission and being on it (assignee or participant)."""
    if not can(by, "cases.work_case"):
        raise Forbidden(NOT_ALLOWED)
    if has_role(by, Role.MANAGER, Role.ADMIN):
        return
    if case.assignee_id != by.pk and not case.participants.filter(pk=by.pk).exists():
        raise Forbidden(NOT_ASSIGNEE)


def _require_customer_or(case: Case, by: User, permission: str) -> None:
    if not (_is_customer_of(by, case) or can(by, permission)):
        raise Forbidden(NOT_ALLOWED)


# --- intake ---------------------------------------------------------------------------


def case_create(
    *,
    by: User,
    customer: Customer,
    title: str,
    description: str = "",
    priority: str = Priority.P3,
    case_type: str = "fault",
    channel: str = Channel.PHONE,
    service_mode: str = ServiceMode.REMOTE,
    serial_number: str = "",
    contact: Contact | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    fault_symptom: str = "",
    vendor: Vendor | None = None,
    is_major: bool = False,
) -> Case:
    """Open a case for a customer; contacts may only open cases for their own organisation."""
    # Staff may open cases for anyone; otherwise the user must be this customer's contact.
    by_customer = not can(by, "cases.add_case")
    if by_customer and customer_id_of(by) != customer.pk:
        raise Forbidden(NOT_ALLOWED)
    title = _text(title, "title")
    if priority not in Priority.values:
        raise Invalid(_("Choose P1, P2, P3 or P4."), field="priority")
    if channel not in Channel.values:
        raise Invalid(_("Unknown channel."), field="channel")
    if service_mode not in ServiceMode.values:
        raise Invalid(_("Unknown service mode."), field="service_mode")
    kind = active_case_type(case_type)
    if kind is None:
        raise Invalid(UNKNOWN_CASE_TYPE, field="case_type")
    if contact is not None and contact.customer_id != customer.pk:
        raise Invalid(UNKNOWN_CONTACT, field="contact")
    if contact is None and by_customer:
        contact = by.contact
    asset = None
    if serial_number:
        asset = (
            Asset.objects.select_related("product_model__vendor")
            .filter(customer=customer, serial_number__iexact=serial_number.strip())
            .first()
        )
        if asset is None:
            raise Invalid(UNKNOWN_SERIAL, field="serial_number")
    now = timezone.now()
    case = Case(
        title=title,
        description=description.strip(),
        fault_symptom=fault_symptom.strip(),
        customer=customer,
        contact=contact,
        caller_name=caller_name or (contact.name if contact else ""),
        caller_phone=caller_phone or (contact.phone if contact else ""),
        asset=asset,
        serial_number=serial_number.strip(),
        product_model=asset.product_model if asset else None,
        vendor=vendor or (asset.product_model.vendor if asset else None),
        case_type=kind,
        priority=priority,
        channel=channel,
        service_mode=service_mode,
        is_major=is_major,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    entitlement = entitlement_for(asset=asset, on=timezone.localdate(now))
    case.entitlement_status = entitlement.status
    case.entitlement_reason = entitlement.reason
    deadlines.on_create(case, now)
    # Every creation needs the day's counter row: outside a caller's transaction the number is
    # taken in its own statement, so its lock is not held through the inserts and the commit.
    # A failed insert leaves a gap in the day's numbers, never a duplicate (docs/decisions.md).
    case.number = next_case_number(now)
    case.search_text = search.document_for(case)
    with transaction.atomic():
        case.save()
        search.index_case(case)
        deadlines.on_created(case)
        _record(
            case,
            by=by,
            kind=ActivityKind.CREATED,
            now=now,
            text=case.description,
            data={"channel": channel, "priority": priority},
        )
    # Nobody is on a new case yet: callers showing it need not ask.
    case._prefetched_objects_cache = {"participants": User.objects.none()}
    return case


# --- assignment -----------------------------------------------------------------------


@transaction.atomic
def case_assign(*, case: Case, engineer: User, by: User, version: int | None = None) -> Case:
    if not can(by, "cases.assign_case"):
        raise Forbidden(NOT_ALLOWED)
    if not (engineer.is_active and has_role(engineer, *ENGINEER_ROLES)):
        raise Invalid(NOT_AN_ENGINEER, field="engineer")
    case = _lock(case, version=version, action="assign")
    now = timezone.now()
    previous = case.assignee
    case.assignee = engineer
    case.assigned_at = now
    if case.status == Status.NEW:
        case.status = Status.ASSIGNED
    _save(case, now, "assignee", "assigned_at", "status")
    _record(
        case,
        by=by,
        kind=ActivityKind.ASSIGNED,
        now=now,
        text=str(engineer),
        data={"to": engineer.username, "from": previous.username if previous else None},
    )
    notifications.assigned(case, engineer=engineer, previous=previous, by=by)
    return case


@transaction.atomic
def case_take_over(*, case: Case, by: User, version: int | None = None) -> Case:
    """Any engineer or expert may take over any open case (Case自动跟踪系统)."""
    if not can(by, "cases.take_over_case"):
        raise Forbidden(NOT_ALLOWED)
    case = _lock(case, version=version, action="take_over")
    if case.assignee_id == by.pk:
        raise Conflict(ALREADY_YOURS)
    now = timezone.now()
    previous = case.assignee
    case.assignee = by
    case.assigned_at = now
    if case.status == Status.NEW:
        case.status = Status.ASSIGNED
    _save(case, now, "assignee", "assigned_at", "status")
    _record(
        case,
        by=by,
        kind=ActivityKind.TAKEN_OVER,
        now=now,
        text=str(by),
        data={"from": previous.username if previous else None},
    )
    if previous is not None:
        notifications.taken_over(case, previous=previous, by=by)
    return case


@transaction.atomic
def case_change_priority(
    *, case: Case, by: User, priority: str, version: int | None = None
) -> Case:
    """Change the priority (故障级别); the unfinished SLA promises are recomputed for it."""
    if not (can(by, "cases.change_case") or can(by, "cases.assign_case")):
        raise Forbidden(NOT_ALLOWED)
    if priority not in Priority.values:
        raise Invalid(_("Choose P1, P2, P3 or P4."), field="priority")
    case = _lock(case, version=version, action="update")
    if case.priority == priority:
        return case
    now = timezone.now()
    previous = case.priority
    case.priority = priority
    _save(case, now, "priority")
    deadlines.on_priority_change(case, now)
    _record(
        case,
        by=by,
        kind=ActivityKind.UPDATED,
        now=now,
        text=_t("Priority %(old)s → %(new)s") % {"old": previous, "new": priority},
        data={"priority": {"from": previous, "to": priority}},
    )
    return case


# --- working --------------------------------------------------------------------------


@transaction.atomic
def case_respond(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """The engineer first contacts the customer: the response clock stops here."""
    text = _text(text)
    case = _lock(case, version=version, action="respond")
    _require_worker(case, by)
    now = timezone.now()
    case.status = Status.RESPONDED
    case.responded_at = case.responded_at or now
    _save(case, now, "status", "responded_at")
    deadlines.on_respond(case, now)
    _record(case, by=by, kind=ActivityKind.RESPONDED, now=now, text=text)
    return case


@transaction.atomic
def case_diagnose(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """The fault is diagnosed (确诊): work goes on towards the resolution."""
    text = _text(text)
    case = _lock(case, version=version, action="diagnose")
    _require_worker(case, by)
    now = timezone.now()
    case.status = Status.IN_PROGRESS
    case.diagnosed_at = case.diagnosed_at or now
    _save(case, now, "status", "diagnosed_at")
    deadlines.on_diagnose(case, now)
    _record(case, by=by, kind=ActivityKind.STARTED, now=now, text=text, data={"diagnosis": True})
    return case


@transaction.atomic
def case_wait(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """Wait for the customer (information, access, a test window); the SLA clocks pause."""
    text = _text(text)
    case = _lock(case, version=version, action="wait")
    _require_worker(case, by)
    now = timezone.now()
    case.status = Status.WAITING
    _save(case, now, "status")
    deadlines.on_wait(case, now)
    _record(case, by=by, kind=ActivityKind.WAITING, now=now, text=text)
    return case


def _resume(case: Case, *, by: User | None, now: dt.datetime, text: str) -> None:
    case.status = Status.IN_PROGRESS if case.diagnosed_at else Status.RESPONDED
    _save(case, now, "status")
    deadlines.on_resume(case, now)
    _record(case, by=by, kind=ActivityKind.RESUMED, now=now, text=text)


@transaction.atomic
def case_resume(*, case: Case, by: User, text: str = "", version: int | None = None) -> Case:
    case = _lock(case, version=version, action="resume")
    _require_worker(case, by)
    _resume(case, by=by, now=timezone.now(), text=text.strip())
    return case


@transaction.atomic
def case_escalate(
    *,
    case: Case,
    by: User,
    to: str,
    text: str,
    expert: User | None = None,
    vendor: Vendor | None = None,
    vendor_ref: str = "",
    version: int | None = None,
) -> Case:
    """Bring in an expert (who becomes a participant) or open a case with the vendor (原厂)."""
    text = _text(text)
    if to not in ("expert", "vendor"):
        raise Invalid(_("Escalate to “expert” or “vendor”."), field="to")
    case = _lock(case, version=version, action="escalate")
    _require_worker(case, by)
    now = timezone.now()
    case.status = Status.IN_PROGRESS
    if to == "expert":
        if expert is not None and not (expert.is_active and has_role(expert, Role.EXPERT)):
            raise Invalid(EXPERT_REQUIRED, field="expert")
        case.escalated_to_expert = True
        _save(case, now, "status", "escalated_to_expert")
        if expert is not None:
            case.participants.add(expert)
        _record(
            case,
            by=by,
            kind=ActivityKind.ESCALATED,
            now=now,
            text=text,
            data={"expert": expert.username if expert else None},
        )
        notifications.escalated(case, expert=expert, by=by)
    else:
        vendor = vendor or case.vendor
        if vendor is None:
            raise Invalid(VENDOR_REQUIRED, field="vendor")
        _save(case, now, "status")
        VendorCase.objects.create(
            case=case, vendor=vendor, reference=vendor_ref.strip(), opened_at=now, updated_at=now
        )
        _record(
            case,
            by=by,
            kind=ActivityKind.VENDOR_CASE,
            now=now,
            text=text,
            internal=True,
            data={"vendor": vendor.name, "vendor_ref": vendor_ref.strip()},
        )
    return case


@transaction.atomic
def vendor_case_update(
    *, vendor_case: VendorCase, by: User, state: str, reference: str = "", text: str = ""
) -> VendorCase:
    if state not in VendorCaseState.values:
        raise Invalid(_("Unknown vendor case state."), field="state")
    case = Case.objects.select_for_update().get(pk=vendor_case.case_id)
    _require_worker(case, by)
    now = timezone.now()
    vendor_case.state = state
    vendor_case.reference = reference.strip() or vendor_case.reference
    vendor_case.updated_at = now
    vendor_case.save(update_fields=["state", "reference", "updated_at"])
    _save(case, now)
    _record(
        case,
        by=by,
        kind=ActivityKind.VENDOR_CASE,
        now=now,
        text=text,
        internal=True,
        data={
            "vendor": vendor_case.vendor.name,
            "vendor_ref": vendor_case.reference,
            "state": state,
        },
    )
    return vendor_case


@transaction.atomic
def case_hand_to_rma(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """Hand the hardware part to the RMA desk; the RMA record fills in the reference."""
    text = _text(text)
    case = _lock(case, version=version, action="rma")
    _require_worker(case, by)
    now = timezone.now()
    case.rma_requested = True
    _save(case, now, "rma_requested")
    _record(case, by=by, kind=ActivityKind.RMA, now=now, text=text)
    return case


@transaction.atomic
def case_resolve(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """Record the solution; the customer confirms, or the case closes itself after a while."""
    text = _text(text)
    case = _lock(case, version=version, action="resolve")
    _require_worker(case, by)
    now = timezone.now()
    case.status = Status.RESOLVED
    case.resolution = text
    case.resolved_at = now
    case.diagnosed_at = case.diagnosed_at or now
    case.auto_close_at = now + dt.timedelta(days=auto_close_days())
    case.auto_close_notice_sent = False
    _save(
        case,
        now,
        "status",
        "resolution",
        "resolved_at",
        "diagnosed_at",
        "auto_close_at",
        "auto_close_notice_sent",
    )
    deadlines.on_resolve(case, now)
    _record(case, by=by, kind=ActivityKind.RESOLVED, now=now, text=text)
    notifications.resolved(case)
    return case


def auto_close_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "CASE_AUTO_CLOSE_DAYS", 7))


def _close(case: Case, *, by: User | None, kind: str, now: dt.datetime, text: str) -> None:
    case.status = Status.CLOSED
    case.closed_at = now
    case.auto_close_at = None
    _save(case, now, "status", "closed_at", "auto_close_at")
    deadlines.on_close(case, now)
    _record(case, by=by, kind=kind, now=now, text=text)


@transaction.atomic
def case_confirm(*, case: Case, by: User, text: str = "", version: int | None = None) -> Case:
    """The customer accepts the resolution (staff may record a phone confirmation)."""
    _require_customer_or(case, by, "cases.work_case")
    case = _lock(case, version=version, action="confirm")
    _close(case, by=by, kind=ActivityKind.CONFIRMED, now=timezone.now(), text=text.strip())
    return case


@transaction.atomic
def case_reject(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    """The customer says the problem is not solved: work starts again."""
    text = _text(text)
    _require_customer_or(case, by, "cases.work_case")
    case = _lock(case, version=version, action="reject")
    now = timezone.now()
    case.status = Status.IN_PROGRESS
    case.auto_close_at = None
    _save(case, now, "status", "auto_close_at")
    deadlines.on_reopen(case, now)
    _record(case, by=by, kind=ActivityKind.REJECTED, now=now, text=text)
    notifications.reopened(case, by=by)
    return case


@transaction.atomic
def case_close(*, case: Case, by: User, text: str = "", version: int | None = None) -> Case:
    """Close a resolved case; closers may also cancel an open one (duplicate, withdrawn)."""
    locked = Case.objects.get(pk=case.pk)
    if locked.status == Status.RESOLVED:
        if not (can(by, "cases.close_case") or can(by, "cases.work_case")):
            raise Forbidden(NOT_ALLOWED)
        case = _lock(case, version=version, action="close")
    else:
        if not can(by, "cases.close_case"):
            raise Forbidden(NOT_ALLOWED)
        text = _text(text)
        case = _lock(case, version=version, action="cancel")
    _close(case, by=by, kind=ActivityKind.CLOSED, now=timezone.now(), text=text.strip())
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: User, text: str, version: int | None = None) -> Case:
    text = _text(text)
    _require_customer_or(case, by, "cases.work_case")
    case = _lock(case, version=version, action="reopen")
    now = timezone.now()
    case.status = Status.IN_PROGRESS if case.assignee_id else Status.NEW
    case.closed_at = None
    case.auto_close_at = None
    _save(case, now, "status", "closed_at", "auto_close_at")
    deadlines.on_reopen(case, now)
    _record(case, by=by, kind=ActivityKind.REOPENED, now=now, text=text)
    notifications.reopened(case, by=by)
    return case


@transaction.atomic
def case_comment(*, case: Case, by: User, text: str, internal: bool = False) -> Activity:
    """Any user who can see the case may comment; only staff write internal notes."""
    text = _text(text)
    customer = _is_customer_of(by, case)
    if internal and customer:
        raise Invalid(CUSTOMERS_NO_INTERNAL, field="internal")
    if not (customer or is_staff_member(by)):
        raise Forbidden(NOT_ALLOWED)
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    activity = _record(
        case, by=by, kind=ActivityKind.COMMENT, now=now, text=text, internal=internal
    )
    case.search_text = search.document_for(case, extra=text, internal=internal)
    _save(case, now, "search_text")
    search.index_case(case)
    if customer and case.status == Status.WAITING:
        # The customer answered: the clocks run again without anybody pressing a button.
        _resume(case, by=None, now=now, text=_t("Customer replied."))
    if not internal:
        notifications.commented(case, activity=activity, by=by)
    return activity


@transaction.atomic
def case_record_approval(
    *,
    case: Case,
    by: User,
    approver: str,
    decision: str,
    decided_on: dt.date,
    note: str = "",
    form: Any = None,
) -> MajorApproval:
    """Record the signed 《重大请求审批表》; a refusal blocks the case for good."""
    if not can(by, "cases.record_approval"):
        raise Forbidden(NOT_ALLOWED)
    approver = _text(approver, "approver")
    if decision not in ApprovalDecision.values:
        raise Invalid(_("Choose approved or refused."), field="decision")
    case = _lock(case, version=None, action="approval")
    if major_decision(case) == ApprovalDecision.REFUSED:
        raise Conflict(REFUSED_FOR_GOOD)
    now = timezone.now()
    approval = MajorApproval(
        case=case,
        approver=approver,
        decision=decision,
        decided_on=decided_on,
        note=note,
        recorded_by=by,
        recorded_at=now,
    )
    if form is not None:
        # Never trust the client's file name on disk: keep only its extension.
        extension = os.path.splitext(form.name)[1].lower()[:10]
        approval.form.save(f"{uuid.uuid4().hex}{extension}", form, save=False)
    approval.save()
    if not case.is_major:
        case.is_major = True
    _save(case, now, "is_major")
    _record(
        case,
        by=by,
        kind=ActivityKind.APPROVAL,
        now=now,
        text=note,
        data={"approver": approver, "decision": decision, "decided_on": str(decided_on)},
    )
    return approval


@transaction.atomic
def attachment_add(*, case: Case, by: User, file: Any, internal: bool = False) -> Attachment:
    """Store a checked file under MEDIA_ROOT/cases/<id>/ with a generated name; log it."""
    from aftersales.cases.uploads import check_upload, display_name

    customer = _is_customer_of(by, case)
    if internal and customer:
        raise Invalid(CUSTOMERS_NO_INTERNAL, field="internal")
    if not (customer or is_staff_member(by)):
        raise Forbidden(NOT_ALLOWED)
    ext, content_type = check_upload(file, field="file")
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    name = display_name(file)
    activity = _record(
        case,
        by=by,
        kind=ActivityKind.ATTACHMENT,
        now=now,
        text=name,
        internal=internal,
        data={"name": name, "size": file.size},
    )
    attachment = Attachment(
        case=case,
        activity=activity,
        name=name,
        content_type=content_type,
        size=file.size,
        internal=internal,
        uploaded_by=by,
        uploaded_at=now,
    )
    # The client's file name never reaches the disk: paths stay ours.
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", file, save=False)
    attachment.save()
    _save(case, now)
    return attachment


def case_for_action(*, number: str) -> Case:
    case = Case.objects.filter(number=number).first()
    if case is None:
        raise NotFound(_("Not found."))
    return case


AUTO_CLOSE_NOTICE_BEFORE = dt.timedelta(days=1)


def cases_auto_close_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """Warn customers a day before, then close resolved cases nobody objected to.

    Returns (notices sent, cases closed). Each case is claimed under a row lock, so two sweeps at
    once never close a case twice.
    """
    now = now or timezone.now()
    resolved = Case.objects.filter(status=Status.RESOLVED, auto_close_at__isnull=False)
    notices = closed = 0
    due_notice = resolved.filter(
        auto_close_notice_sent=False, auto_close_at__lte=now + AUTO_CLOSE_NOTICE_BEFORE
    ).values_list("pk", flat=True)[:limit]
    for pk in list(due_notice):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.RESOLVED, auto_close_notice_sent=False)
                .first()
            )
            if case is None:
                continue
            case.auto_close_notice_sent = True
            case.save(update_fields=["auto_close_notice_sent"])
            _record(
                case,
                by=None,
                kind=ActivityKind.NOTICE,
                now=now,
                text=_t("The case will close automatically on %(date)s unless you object.")
                % {"date": timezone.localtime(case.auto_close_at).strftime("%Y-%m-%d %H:%M")},
            )
            notifications.auto_close_notice(case)
            notices += 1
    due_close = resolved.filter(auto_close_at__lte=now).values_list("pk", flat=True)[:limit]
    for pk in list(due_close):
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.RESOLVED, auto_close_at__lte=now)
                .first()
            )
            if case is None:
                continue
            _close(
                case,
                by=None,
                kind=ActivityKind.CLOSED,
                now=now,
                text=_t("Closed automatically: no objection to the resolution."),
            )
            closed += 1
    return notices, closed
