"""Inspection (巡检) test data: contracts, plans with visits, a drawn signature."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from aftersales.contracts.models import ServiceContract
from aftersales.fieldservice import inspection_plans
from aftersales.fieldservice.inspection_demo import signature_data_url
from aftersales.fieldservice.models import InspectionPlan
from aftersales.sla.models import SlaPolicy

SIGNATURE = signature_data_url()


def make_contract(
    customer,
    number: str = "HT-XJ-001",
    *,
    starts: str = "2026-10-01",
    ends: str = "2027-09-30",
    per_year: int = 4,
    **fields: Any,
) -> ServiceContract:
    return ServiceContract.objects.create(
        number=number,
        customer=customer,
        sla_policy=SlaPolicy.objects.get(code="5x8"),
        starts_on=dt.date.fromisoformat(starts),
        ends_on=dt.date.fromisoformat(ends),
        value=Decimal("100000.00"),
        inspections_per_year=per_year,
        **fields,
    )


def make_plan(
    contract: ServiceContract, *, today: dt.date | None = None, by=None
) -> InspectionPlan:
    """The contract year's plan, generated as the service does (today: the contract's start)."""
    return inspection_plans.generate_plan(
        contract=contract, by=by, today=today or contract.starts_on
    ).plan


def inspection_fillers(contract: ServiceContract, *, by=None) -> dict[str, Any]:
    """The isolation sweep's path values: a plan and a visit of customer A's contract."""
    plan = make_plan(contract, today=dt.date.today(), by=by)
    visit = plan.visits.order_by("sequence").first()
    finding = visit.finding_rows.create(text="风扇异响")
    return {
        "inspection-plans/plan_id": plan.pk,
        "inspection-visits/visit_id": visit.pk,
        "plans/pk": plan.pk,  # inspections/plans/<pk>/
        "inspections/pk": visit.pk,  # inspections/<pk>/… in the console and on the portal
        "findings/finding_id": finding.pk,
    }
