"""Open cases follow their customer's coverage: entitlement and promises (contracts.hooks)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _t

from aftersales.accounts.models import User
from aftersales.cases import promises
from aftersales.cases.models import OPEN_STATUSES, ActivityKind, Case
from aftersales.contracts.entitlement import entitlement_for, reason_text
from aftersales.core import timeline
from aftersales.registry.models import Customer


@transaction.atomic
def recompute_open_cases(*, customer: Customer) -> int:
    """Re-apply contract and policy to the customer's open cases; return how many changed.

    Recorded breaches and finished promises stay as they are.
    """
    now = timezone.now()
    changed = 0
    cases = (
        Case.objects.select_for_update(of=("self",))
        .select_related("customer", "asset")
        .filter(customer=customer, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    for case in cases:
        before = (case.sla_policy_id, case.contract_id)
        if not promises.recompute(case, now) and before == (case.sla_policy_id, case.contract_id):
            continue
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1, updated_at=now)
        timeline.record(
            subject=case,
            at=now,
            kind=ActivityKind.UPDATED,
            text=_t("Service level recomputed: %(policy)s, contract %(contract)s")
            % {
                "policy": case.sla_policy or "—",
                "contract": case.contract.number if case.contract_id else "—",
            },
            data={
                "sla_policy": case.sla_policy.code if case.sla_policy_id else None,
                "contract": case.contract.number if case.contract_id else None,
            },
        )
        changed += 1
    return changed


@transaction.atomic
def cases_follow_coverage(*, customer: Customer, by: User | None = None) -> int:
    """Re-decide the entitlement of the customer's open cases, then their promises.

    Registered with contracts.hooks.on_coverage_changed (a contract, its coverage or an
    asset's acceptance date changed); logs each change on the case. Returns the number of
    cases whose entitlement changed.
    """
    today = timezone.localdate()
    now = timezone.now()
    changed = 0
    cases = (
        Case.objects.select_for_update(of=("self",))
        .filter(customer=customer, status__in=OPEN_STATUSES)
        .select_related("asset__product_model")
    )
    for case in cases:
        ent = entitlement_for(asset=case.asset, on=today, customer=customer)
        reason = ent.stored_reason
        if (case.entitlement_status, case.entitlement_reason) == (ent.status, reason):
            continue
        timeline.record(
            subject=case,
            at=now,
            actor=by if getattr(by, "is_authenticated", False) else None,
            kind=ActivityKind.UPDATED,
            text=_t("Entitlement: %(reason)s (was: %(old)s)")
            % {"reason": ent.reason, "old": reason_text(case.entitlement_reason) or "—"},
            data={
                "entitlement": ent.status,
                "previous": case.entitlement_status,
                "contract": ent.contract,
            },
        )
        Case.objects.filter(pk=case.pk).update(
            entitlement_status=ent.status,
            entitlement_reason=reason,
            version=F("version") + 1,
            updated_at=now,
        )
        changed += 1
    recompute_open_cases(customer=customer)
    return changed
