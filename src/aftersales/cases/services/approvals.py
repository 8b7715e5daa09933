"""The signed approval form of a major request (《重大请求审批表》)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.cases import access
from aftersales.cases.models import ActivityKind, ApprovalDecision, Case, MajorApproval
from aftersales.cases.services.common import (
    lock_case,
    record,
    required_text,
    save_case,
)
from aftersales.core.errors import Invalid


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
    """Record the signed 《重大请求审批表》 of a major request; a refusal blocks it for good."""
    approver = required_text(approver, "approver")
    if decision not in ApprovalDecision.values:
        raise Invalid(_("Choose approved or refused."), field="decision")
    case = lock_case(case, version=None, action="approval", by=by, may=access.can_record_approval)
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
    save_case(case, now)
    record(
        case,
        by=by,
        kind=ActivityKind.APPROVAL,
        now=now,
        text=note,
        data={"approver": approver, "decision": decision, "decided_on": str(decided_on)},
    )
    return approval
