"""Every read of inspection plans and visits that pages and the API share, scoped to the user;
and the contract's visit compliance (done vs due) the reports read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.access import can, is_staff_member, scope_to_customer
from aftersales.core import timeline
from aftersales.core.errors import NotFound
from aftersales.fieldservice import inspection_promises as promises
from aftersales.fieldservice.inspection_access import VIEW, VIEW_PLAN
from aftersales.fieldservice.models import (
    OPEN_VISIT_STATUSES,
    InspectionPlan,
    InspectionVisit,
    VisitStatus,
)
from aftersales.sla.models import Promise

NOT_FOUND = _("Not found.")


def visits_for_user(user: Any) -> QuerySet[InspectionVisit]:
    """Staff holding view_inspectionvisit see all; a contact their own organisation's."""
    return scope_to_customer(
        InspectionVisit.objects.all(),
        user,
        staff_sees_all=is_staff_member(user) and can(user, VIEW),
    )


def plans_for_user(user: Any) -> QuerySet[InspectionPlan]:
    return scope_to_customer(
        InspectionPlan.objects.all(),
        user,
        staff_sees_all=is_staff_member(user) and can(user, VIEW_PLAN),
    )


def visit_get_for_user(*, user: Any, pk: int) -> InspectionVisit:
    """The visit, or 404 for whoever may not see it."""
    try:
        return (
            visits_for_user(user)
            .select_related("customer", "contract", "plan", "engineer", "plan__template")
            .get(pk=pk)
        )
    except (InspectionVisit.DoesNotExist, ValueError, OverflowError):
        raise NotFound(NOT_FOUND) from None


def plan_get_for_user(*, user: Any, pk: int) -> InspectionPlan:
    try:
        return plans_for_user(user).select_related("customer", "contract").get(pk=pk)
    except (InspectionPlan.DoesNotExist, ValueError, OverflowError):
        raise NotFound(NOT_FOUND) from None


def overdue_q(today: dt.date) -> Q:
    """Open visits whose planned day has passed."""
    return Q(status__in=OPEN_VISIT_STATUSES, planned_on__lt=today)


@dataclass(frozen=True)
class VisitFilters:
    status: str = ""
    customer: str = ""
    engineer: int | None = None
    contract: str = ""
    plan: int | None = None
    overdue: bool = False
    q: str = ""
    planned_from: dt.date | None = None
    planned_to: dt.date | None = None


def visit_list(*, user: Any, filters: VisitFilters) -> QuerySet[InspectionVisit]:
    """Visits by planned day; `q` matches the contract number or the customer's code or name."""
    qs = visits_for_user(user).select_related("customer", "contract", "engineer")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.customer:
        qs = qs.filter(customer__code=filters.customer)
    if filters.engineer:
        qs = qs.filter(engineer_id=filters.engineer)
    if filters.contract:
        qs = qs.filter(contract__number=filters.contract)
    if filters.plan:
        qs = qs.filter(plan_id=filters.plan)
    if filters.overdue:
        qs = qs.filter(overdue_q(timezone.localdate()))
    if filters.planned_from:
        qs = qs.filter(planned_on__gte=filters.planned_from)
    if filters.planned_to:
        qs = qs.filter(planned_on__lte=filters.planned_to)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(
            Q(contract__number__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__code__iexact=q)
        )
    return qs.order_by("planned_on", "pk")


def plan_list(*, user: Any, customer: str = "", contract: str = "") -> QuerySet[InspectionPlan]:
    qs = plans_for_user(user).select_related("customer", "contract").filter(is_active=True)
    if customer:
        qs = qs.filter(customer__code=customer)
    if contract:
        qs = qs.filter(contract__number=contract)
    return qs.annotate(
        visit_count=Count("visits"),
        done_count=Count("visits", filter=Q(visits__status=VisitStatus.DONE)),
    ).order_by("-year_starts_on", "-pk")


def promise_rows(visit: InspectionVisit, now: dt.datetime) -> list[dict]:
    return promises.promise_rows(visit, now)


def activities_for_user(*, user: Any, visit: InspectionVisit) -> QuerySet:
    """The visit's timeline as the user may see it (contacts: no internal rows)."""
    return timeline.for_subject(promises.KIND, visit.pk, include_internal=is_staff_member(user))


def visit_compliance(
    *,
    start: dt.datetime,
    end: dt.datetime,
    contract_id: int | None = None,
    customer_id: int | None = None,
    by: str = "contract",
    now: dt.datetime | None = None,
) -> dict[int, dict[str, int]]:
    """{contract (or customer) id: {"due", "done", "missed", "open"}} of the visits due in
    [start, end): done = met on time, missed = breached (late or not done by the due moment),
    open = not due yet or not swept. Reads the engine's promises (one query)."""
    now = now or timezone.now()
    key = "contract_id" if by == "contract" else "customer_id"
    qs = Promise.objects.filter(
        subject_kind=promises.KIND, target=promises.VISIT, due_at__gte=start, due_at__lt=end
    ).exclude(stopped_at__isnull=False, breached_at__isnull=True)
    if contract_id is not None:
        qs = qs.filter(contract_id=contract_id)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    missed = Q(breached_at__isnull=False) | Q(completed_at__isnull=True, due_at__lte=now)
    rows = qs.values(key).annotate(
        due=Count("pk"),
        done=Count("pk", filter=Q(met=True)),
        missed=Count("pk", filter=missed),
    )
    return {
        row[key]: {
            "due": row["due"],
            "done": row["done"],
            "missed": row["missed"],
            "open": row["due"] - row["done"] - row["missed"],
        }
        for row in rows
    }
