"""Every write on repair orders: one transaction each, each writing its RepairEvent (rule 3).

The flow: open from a case → diagnose, price → (out of warranty) quote → customer approves
or refuses → start → test and verify → customer sign-off → service report archived.
One module per step; import from here, not from the submodules.
"""

from __future__ import annotations

from aftersales.accounts.access import NOT_ALLOWED
from aftersales.repairs.access import (
    CASE_NOT_OPEN,
    FREE_NO_QUOTE,
    NOT_IN_STATE,
    QUOTE_NOT_APPROVED,
)
from aftersales.repairs.services.carry_in import repair_receive, repair_return_device
from aftersales.repairs.services.common import (
    ASSET_OF_OTHER_CUSTOMER,
    BAD_AMOUNT,
    BAD_QUANTITY,
    DECIDED_IN_FUTURE,
    DIAGNOSIS_REQUIRED,
    FAULT_REQUIRED,
    NAME_REQUIRED,
    NO_PRICE_LIST,
    NOT_AN_ENGINEER,
    NOT_NEGATIVE,
    OVER_QUOTE,
    PART_NAME_REQUIRED,
    SIGNATURE_REQUIRED,
    SIGNER_REQUIRED,
    TEST_RESULTS_REQUIRED,
    UNKNOWN_DECISION,
    UNKNOWN_EXCLUSION,
    UNKNOWN_FAULT,
    UNKNOWN_MODE,
    UNKNOWN_TRAVEL,
)
from aftersales.repairs.services.orders import repair_cancel, repair_create, repair_update
from aftersales.repairs.services.quotes import repair_quote, repair_quote_decide
from aftersales.repairs.services.replacement import normalise_fault_text, same_fault_history
from aftersales.repairs.services.reports import REPORT_FAILED, report_archive, report_schedule
from aftersales.repairs.services.signoff import repair_sign_off
from aftersales.repairs.services.stock_parts import repair_part_draw, repair_part_return
from aftersales.repairs.services.warranty import repair_entitlement
from aftersales.repairs.services.work import repair_start, repair_verify

__all__ = [
    "ASSET_OF_OTHER_CUSTOMER",
    "BAD_AMOUNT",
    "BAD_QUANTITY",
    "CASE_NOT_OPEN",
    "DECIDED_IN_FUTURE",
    "DIAGNOSIS_REQUIRED",
    "FAULT_REQUIRED",
    "FREE_NO_QUOTE",
    "NAME_REQUIRED",
    "NOT_ALLOWED",
    "NOT_AN_ENGINEER",
    "NOT_IN_STATE",
    "NOT_NEGATIVE",
    "NO_PRICE_LIST",
    "OVER_QUOTE",
    "PART_NAME_REQUIRED",
    "QUOTE_NOT_APPROVED",
    "REPORT_FAILED",
    "SIGNATURE_REQUIRED",
    "SIGNER_REQUIRED",
    "TEST_RESULTS_REQUIRED",
    "UNKNOWN_DECISION",
    "UNKNOWN_EXCLUSION",
    "UNKNOWN_FAULT",
    "UNKNOWN_MODE",
    "UNKNOWN_TRAVEL",
    "normalise_fault_text",
    "repair_cancel",
    "repair_create",
    "repair_entitlement",
    "repair_part_draw",
    "repair_part_return",
    "repair_quote",
    "repair_quote_decide",
    "repair_receive",
    "repair_return_device",
    "repair_sign_off",
    "repair_start",
    "repair_update",
    "repair_verify",
    "report_archive",
    "report_schedule",
    "same_fault_history",
]
