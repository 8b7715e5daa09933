"""Every write on a case: one transaction each, each writing its activity row (rule 3).

One module per part of a case's life; import from here, not from the submodules.
"""

from __future__ import annotations

from aftersales.cases.services.approvals import case_record_approval
from aftersales.cases.services.assignment import (
    TAKEN_OVER_MEANWHILE,
    case_assign,
    case_change_priority,
    case_reassign_overdue,
    case_take_over,
)
from aftersales.cases.services.attachments import attachment_add
from aftersales.cases.services.closure import (
    AUTO_CLOSE_NOTICE_BEFORE,
    auto_close_days,
    case_close,
    case_confirm,
    case_reject,
    case_reopen,
    cases_auto_close_sweep,
)
from aftersales.cases.services.comments import case_comment, case_reply_with_solution
from aftersales.cases.services.common import (
    ALREADY_YOURS,
    CUSTOMERS_NO_INTERNAL,
    ENGINEER_ROLES,
    EXPERT_REQUIRED,
    NEEDS_APPROVAL,
    NOT_ALLOWED,
    NOT_AN_ENGINEER,
    NOT_ASSIGNEE,
    NOT_IN_STATE,
    NOT_MAJOR,
    REFUSED_FOR_GOOD,
    STALE,
    TEXT_REQUIRED,
    UNKNOWN_CASE_TYPE,
    UNKNOWN_CONTACT,
    UNKNOWN_SERIAL,
    VENDOR_REQUIRED,
    major_decision,
)
from aftersales.cases.services.coverage import cases_follow_coverage, recompute_open_cases
from aftersales.cases.services.escalation import case_escalate, vendor_case_update
from aftersales.cases.services.intake import (
    CONTACT_CHANNEL,
    CONTACT_NO_MAJOR,
    CONTACT_NO_P1,
    case_create,
)
from aftersales.cases.services.onsite import (
    AT_BEFORE_CASE,
    AT_BEFORE_PREVIOUS,
    AT_IN_FUTURE,
    OUT_OF_ORDER,
    case_arrive,
    case_depart,
    case_finish,
    onsite_steps,
)
from aftersales.cases.services.work import (
    case_diagnose,
    case_hand_to_rma,
    case_resolve,
    case_respond,
    case_resume,
    case_rma_opened,
    case_wait,
)

__all__ = [
    "cases_follow_coverage",
    "recompute_open_cases",
    "case_reassign_overdue",
    "ALREADY_YOURS",
    "AT_BEFORE_CASE",
    "AT_BEFORE_PREVIOUS",
    "AT_IN_FUTURE",
    "OUT_OF_ORDER",
    "case_arrive",
    "case_depart",
    "case_finish",
    "onsite_steps",
    "CONTACT_CHANNEL",
    "CONTACT_NO_MAJOR",
    "CONTACT_NO_P1",
    "AUTO_CLOSE_NOTICE_BEFORE",
    "CUSTOMERS_NO_INTERNAL",
    "ENGINEER_ROLES",
    "EXPERT_REQUIRED",
    "NEEDS_APPROVAL",
    "NOT_ALLOWED",
    "NOT_AN_ENGINEER",
    "NOT_ASSIGNEE",
    "NOT_IN_STATE",
    "NOT_MAJOR",
    "REFUSED_FOR_GOOD",
    "STALE",
    "TAKEN_OVER_MEANWHILE",
    "TEXT_REQUIRED",
    "UNKNOWN_CASE_TYPE",
    "UNKNOWN_CONTACT",
    "UNKNOWN_SERIAL",
    "VENDOR_REQUIRED",
    "attachment_add",
    "auto_close_days",
    "case_assign",
    "case_change_priority",
    "case_close",
    "case_comment",
    "case_reply_with_solution",
    "case_confirm",
    "case_create",
    "case_diagnose",
    "case_escalate",
    "case_hand_to_rma",
    "case_rma_opened",
    "case_record_approval",
    "case_reject",
    "case_reopen",
    "case_resolve",
    "case_respond",
    "case_resume",
    "case_take_over",
    "case_wait",
    "cases_auto_close_sweep",
    "major_decision",
    "vendor_case_update",
]
