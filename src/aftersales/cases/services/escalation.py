"""Bringing in help: an expert on the case, or a case opened with the vendor (原厂)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import has_role
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases import access, notifications
from aftersales.cases.models import ActivityKind, Case, Status, VendorCase, VendorCaseState
from aftersales.cases.services.common import (
    EXPERT_REQUIRED,
    NOT_ALLOWED,
    NOT_ASSIGNEE,
    VENDOR_REQUIRED,
    lock_for_work,
    record,
    require,
    required_text,
    save_case,
)
from aftersales.core.errors import Invalid
from aftersales.registry.models import Vendor


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
    text = required_text(text)
    if to not in ("expert", "vendor"):
        raise Invalid(_("Escalate to “expert” or “vendor”."), field="to")
    case = lock_for_work(case, by=by, version=version, action="escalate")
    now = timezone.now()
    case.status = Status.IN_PROGRESS
    if to == "expert":
        if expert is not None and not (expert.is_active and has_role(expert, Role.EXPERT)):
            raise Invalid(EXPERT_REQUIRED, field="expert")
        case.escalated_to_expert = True
        save_case(case, now, "status", "escalated_to_expert")
        if expert is not None:
            case.participants.add(expert)
        record(
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
        save_case(case, now, "status")
        VendorCase.objects.create(
            case=case, vendor=vendor, reference=vendor_ref.strip(), opened_at=now, updated_at=now
        )
        record(
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
    """Record the vendor case's new state and reference on the case's timeline."""
    if state not in VendorCaseState.values:
        raise Invalid(_("Unknown vendor case state."), field="state")
    case = Case.objects.select_for_update().get(pk=vendor_case.case_id)
    message = NOT_ASSIGNEE if access.works_cases(by) else NOT_ALLOWED
    require(access.can_update_vendor_case, by, case, message=message)
    now = timezone.now()
    vendor_case.state = state
    vendor_case.reference = reference.strip() or vendor_case.reference
    vendor_case.updated_at = now
    vendor_case.save(update_fields=["state", "reference", "updated_at"])
    save_case(case, now)
    record(
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
