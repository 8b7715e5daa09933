"""Who may do what to a delivery (到货验收), and when: one predicate per action.

The seat and service managers record deliveries (`add_delivery`) and cancel them
(`change_delivery`); engineers, experts and warehouse keepers inspect the initial and final
stages and record installation (`inspect_delivery`); the quality department (experts, managers)
alone records the professional stage (`inspect_quality`). A customer's contact sees their own
customer's deliveries and signed forms. Services enforce these: `enforce_who` first (403), then
the delivery's state (409).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member
from aftersales.accounts.predicates import Predicate, Refusal, is_customer_of, staff_with
from aftersales.core.errors import ApplicationError, Conflict
from aftersales.fieldservice.models import (
    INSPECTION_STAGES,
    Delivery,
    DeliveryInspection,
    DeliveryStage,
    DeliveryStatus,
)

VIEW = "fieldservice.view_delivery"
ADD = "fieldservice.add_delivery"
CHANGE = "fieldservice.change_delivery"
INSPECT = "fieldservice.inspect_delivery"
QUALITY = "fieldservice.inspect_quality"
INSPECTION_STAGE_VALUES = tuple(stage.value for stage in INSPECTION_STAGES)

NOT_IN_STATE = _("Not possible while the delivery is “%(status)s”.")
OUT_OF_ORDER = _("The stages go in order: this delivery waits for the “%(stage)s” stage.")
WAITING_FIX = _(
    "The delivery waits for the exchange or repair of its failed “%(stage)s” stage: record "
    "the fix first, then inspect the stage again."
)
FIX_ALREADY_OPEN = _("The exchange or repair is already recorded.")
FIX_NOT_DONE = _("%(reference)s is not done yet: the stage is inspected again once it is.")
# A return request is done once exchanged (or closed); a repair case once resolved.
FIX_RETURN_DONE = ("exchanged", "closed")
FIX_CASE_DONE = ("resolved", "closed")
NO_FIX_YET = _("Record which exchange or repair was opened first (or the authority's dispute).")
ALREADY_DISPUTED = _("This inspection is already disputed.")
DISPUTE_PROFESSIONAL_ONLY = _("Only a failed professional inspection can be disputed.")
INSPECTION_FIRST = _("Pass the initial inspection before installing.")
ALREADY_DONE = _("This step is already recorded.")
INSTALL_FIRST = _("Record the installation first.")
COMMISSION_FIRST = _("Record the commissioning first.")
NOTHING_TO_SIGN = _("There is no inspection form to sign.")


def _any(*permissions: str) -> Any:
    def who(user: Any, obj: Any) -> bool:
        return is_staff_member(user) and any(can(user, p) for p in permissions)

    return who


def _status(obj: Delivery) -> ApplicationError:
    return Conflict(
        NOT_IN_STATE % {"status": obj.get_status_display()}, extra={"status": obj.status}
    )


def last_inspection(obj: Delivery) -> DeliveryInspection | None:
    """The delivery's latest inspection (while it waits for a fix: the failed one)."""
    return obj.inspections.order_by("-at", "-id").first()


def _open_for_steps(obj: Delivery) -> ApplicationError | None:
    if obj.status == DeliveryStatus.WAITING_FIX:
        failed = last_inspection(obj)
        stage = failed.get_stage_display() if failed else obj.get_stage_display()
        return Conflict(WAITING_FIX % {"stage": stage}, extra={"status": obj.status})
    if obj.status != DeliveryStatus.OPEN:
        return _status(obj)
    return None


def stage_refusal(stage: str) -> Refusal:
    """Inspecting `stage` now: only the stage the delivery waits for, never while it waits
    for a fix, and never once accepted or cancelled."""

    def refusal(obj: Delivery) -> ApplicationError | None:
        error = _open_for_steps(obj)
        if error is not None:
            return error
        if obj.stage != stage:
            return Conflict(
                OUT_OF_ORDER % {"stage": obj.get_stage_display()},
                extra={"stage": obj.stage},
            )
        return None

    return refusal


def inspector_of(stage: str) -> Any:
    """The professional stage is the quality department's; the others the inspectors'."""
    return staff_with(QUALITY if stage == DeliveryStage.PROFESSIONAL else INSPECT)


def can_inspect_stage(stage: str) -> Predicate:
    return Predicate(inspector_of(stage), stage_refusal(stage))


def _inspect_current(user: Any, obj: Delivery) -> bool:
    return inspector_of(obj.stage)(user, obj)


def _current_stage(obj: Delivery) -> ApplicationError | None:
    return stage_refusal(obj.stage)(obj)


def _waiting(obj: Delivery) -> ApplicationError | None:
    if obj.status != DeliveryStatus.WAITING_FIX:
        return _status(obj)
    return None


def _fix_unopened(obj: Delivery) -> ApplicationError | None:
    error = _waiting(obj)
    if error is not None:
        return error
    failed = last_inspection(obj)
    if failed is not None and failed.fix_kind:
        return Conflict(FIX_ALREADY_OPEN)
    return None


def _fix_opened(obj: Delivery) -> ApplicationError | None:
    error = _waiting(obj)
    if error is not None:
        return error
    failed = last_inspection(obj)
    if failed is None or not (failed.fix_kind or failed.disputed):
        return Conflict(NO_FIX_YET)
    return _fix_done(failed)


def _fix_done(failed: Any) -> ApplicationError | None:
    """The exchange or repair opened here must be done before the stage is inspected again."""
    if failed.fix_return_id and failed.fix_return.status not in FIX_RETURN_DONE:
        return Conflict(FIX_NOT_DONE % {"reference": failed.fix_reference})
    if failed.fix_case_id and failed.fix_case.status not in FIX_CASE_DONE:
        return Conflict(FIX_NOT_DONE % {"reference": failed.fix_reference})
    return None


def _disputable(obj: Delivery) -> ApplicationError | None:
    error = _waiting(obj)
    if error is not None:
        return error
    failed = last_inspection(obj)
    if failed is None or failed.stage != DeliveryStage.PROFESSIONAL:
        return Conflict(DISPUTE_PROFESSIONAL_ONLY)
    if failed.disputed:
        return Conflict(ALREADY_DISPUTED)
    return None


def _installable(obj: Delivery) -> ApplicationError | None:
    error = _open_for_steps(obj)
    if error is not None:
        return error
    if obj.stage == DeliveryStage.INITIAL:
        return Conflict(INSPECTION_FIRST)
    if obj.installed_at is not None:
        return Conflict(ALREADY_DONE)
    return None


def _commissionable(obj: Delivery) -> ApplicationError | None:
    error = _open_for_steps(obj)
    if error is not None:
        return error
    if obj.installed_at is None:
        return Conflict(INSTALL_FIRST)
    if obj.commissioned_at is not None:
        return Conflict(ALREADY_DONE)
    return None


def _testable(obj: Delivery) -> ApplicationError | None:
    error = _open_for_steps(obj)
    if error is not None:
        return error
    if obj.commissioned_at is None:
        return Conflict(COMMISSION_FIRST)
    if obj.acceptance_test_at is not None:
        return Conflict(ALREADY_DONE)
    return None


def _signable(obj: Delivery) -> ApplicationError | None:
    if obj.status == DeliveryStatus.CANCELLED:
        return _status(obj)
    if not obj.inspections.filter(signed_at__isnull=True).exists():
        return Conflict(NOTHING_TO_SIGN)
    return None


def _cancellable(obj: Delivery) -> ApplicationError | None:
    if obj.status in (DeliveryStatus.OPEN, DeliveryStatus.WAITING_FIX):
        return None
    return _status(obj)


def _viewer(user: Any, obj: Delivery) -> bool:
    return staff_with(VIEW)(user, obj) or is_customer_of(user, obj)


FIXERS = (CHANGE, INSPECT, QUALITY)

# See a delivery: staff who may see deliveries, or a contact of its customer.
can_view = Predicate(_viewer)
# Record a delivery (obj: the contract's customer).
can_create = Predicate(staff_with(ADD))
# Inspect the stage the delivery waits for (the service asks can_inspect_stage(stage)).
can_inspect = Predicate(_inspect_current, _current_stage)
can_open_fix = Predicate(_any(*FIXERS), _fix_unopened)
can_mark_fixed = Predicate(_any(*FIXERS), _fix_opened)
can_dispute = Predicate(staff_with(QUALITY), _disputable)
can_install = Predicate(staff_with(INSPECT), _installable)
can_commission = Predicate(staff_with(INSPECT), _commissionable)
can_acceptance_test = Predicate(staff_with(INSPECT), _testable)
# The customer's person signs a form on the inspector's screen.
can_sign = Predicate(_any(INSPECT, QUALITY), _signable)
can_cancel = Predicate(staff_with(CHANGE), _cancellable)

# The one table of the delivery's steps, in their order: the page and the API's hints read it.
ACTIONS: dict[str, Predicate] = {
    "inspect": can_inspect,
    "fix": can_open_fix,
    "dispute": can_dispute,
    "fixed": can_mark_fixed,
    "installed": can_install,
    "commissioned": can_commission,
    "acceptance-test": can_acceptance_test,
    "sign": can_sign,
    "cancel": can_cancel,
}


def available_actions(user: Any, obj: Delivery) -> list[str]:
    """The steps `user` may take on the delivery now, in the table's order."""
    return [name for name, allowed in ACTIONS.items() if allowed(user, obj)]
