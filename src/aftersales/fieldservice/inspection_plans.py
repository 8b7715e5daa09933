"""Generate a contract year's preventive visits (巡检计划): windows, planned days, promises.

The contract year is the one containing the generation day (contract years run from
`starts_on`; before the start, the first year), cut at the contract's end. It is split into n
windows: whole months when n divides 12 and the year is whole (a quarter each for 4, half-years
for 2, months for 12), else n runs of equal days. Each visit is planned on the business day of
the engine's "5x8" calendar (PRC holidays and make-up days) nearest the window's middle, never
before the generation day while its window is still open; a window without any business day
takes the first business day after it. Everything is bulk: plans, visits, promises and timeline
rows are one INSERT each, so 10,000 contracts take seconds (bench/inspection_bench.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from aftersales.contracts.models import ServiceContract
from aftersales.core import timeline
from aftersales.core.db import bulk_insert
from aftersales.core.errors import Invalid
from aftersales.fieldservice import inspection_promises as promises
from aftersales.fieldservice.models import (
    ChecklistTemplate,
    InspectionPlan,
    InspectionVisit,
    VisitEventKind,
    VisitStatus,
)
from aftersales.sla import clockwork
from aftersales.sla.calendar import CompiledCalendar
from aftersales.sla.rules import is_business_day, next_business_day

MIN_VISITS, MAX_VISITS = 1, 12
CONTRACT_ENDED = _("The contract has ended: no contract year left to plan.")
CONTRACT_INACTIVE = _("The contract is not active.")
BAD_VISITS = _("Give between 1 and 12 visits a year.")
PLANNED_TEXT = _("Visit %(n)s of %(total)s planned on %(day)s (window %(first)s – %(last)s).")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's last day (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for clip in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, clip))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def contract_year(contract: ServiceContract, today: dt.date) -> tuple[dt.date, dt.date]:
    """The contract year containing `today` (the first one before the start), cut at the end;
    422 naming `contract` when the contract has ended."""
    if today > contract.ends_on:
        raise Invalid(CONTRACT_ENDED, field="contract")
    years = 0
    if today > contract.starts_on:
        years = (today.year - contract.starts_on.year) + 1
        while add_months(contract.starts_on, 12 * years) > today:
            years -= 1
    first = add_months(contract.starts_on, 12 * years)
    last = min(
        add_months(contract.starts_on, 12 * (years + 1)) - dt.timedelta(days=1), contract.ends_on
    )
    return first, last


def windows(first: dt.date, last: dt.date, n: int) -> list[tuple[dt.date, dt.date]]:
    """n consecutive windows covering [first, last]: whole months when they fit, else days."""
    whole_year = last == add_months(first, 12) - dt.timedelta(days=1)
    if whole_year and 12 % n == 0:
        step = 12 // n
        return [
            (add_months(first, i * step), add_months(first, (i + 1) * step) - dt.timedelta(days=1))
            for i in range(n)
        ]
    length = (last - first).days + 1
    n = min(n, length)
    bounds = [first + dt.timedelta(days=(i * length) // n) for i in range(n + 1)]
    return [(bounds[i], bounds[i + 1] - dt.timedelta(days=1)) for i in range(n)]


class BusinessDays:
    """is_business_day over the compiled calendar, memoised per generation run."""

    def __init__(self, cal: CompiledCalendar) -> None:
        self.cal = cal
        self._known: dict[dt.date, bool] = {}

    def __call__(self, day: dt.date) -> bool:
        found = self._known.get(day)
        if found is None:
            found = self._known[day] = is_business_day(self.cal, day)
        return found


def planned_day(
    business: BusinessDays, first: dt.date, last: dt.date, today: dt.date | None = None
) -> dt.date:
    """The business day nearest the window's middle (the earlier on a tie), not before `today`
    while the window is open; the first business day after a window that has none."""
    low = max(first, today) if today is not None and today <= last else first
    middle = max(first + (last - first) // 2, low)
    for offset in range((last - low).days + 1):
        for day in (middle - dt.timedelta(days=offset), middle + dt.timedelta(days=offset)):
            if low <= day <= last and business(day):
                return day
    return next_business_day(business.cal, last)


def check_visits(value: int | None, *, field: str = "visits_per_year") -> None:
    if value is not None and not MIN_VISITS <= value <= MAX_VISITS:
        raise Invalid(BAD_VISITS, field=field)


def default_template(product_line: str = "") -> ChecklistTemplate | None:
    """The active checklist of the product line, else the default (blank line) one."""
    templates = ChecklistTemplate.objects.filter(is_active=True).order_by("pk")
    return (
        templates.filter(product_line=product_line).first() if product_line else None
    ) or templates.filter(product_line="").first()


def _product_lines(contract_ids: Sequence[int]) -> dict[int, str]:
    """{contract id: the product line of its first named asset} (one query)."""
    through = ServiceContract.assets.through.objects.filter(servicecontract_id__in=contract_ids)
    rows = through.order_by("servicecontract_id", "asset_id").values_list(
        "servicecontract_id", "asset__product_model__product_line"
    )
    found: dict[int, str] = {}
    for contract_id, line in rows:
        found.setdefault(contract_id, line or "")
    return found


@dataclass
class Generated:
    plan: InspectionPlan
    created: bool


def _templates(contract_ids: Sequence[int]) -> dict[int, ChecklistTemplate | None]:
    lines = _product_lines(contract_ids)
    by_line: dict[str, ChecklistTemplate | None] = {}
    result = {}
    for contract_id in contract_ids:
        line = lines.get(contract_id, "")
        if line not in by_line:
            by_line[line] = default_template(line)
        result[contract_id] = by_line[line]
    return result


def generate_plans(
    contracts: Iterable[ServiceContract],
    *,
    by=None,
    today: dt.date | None = None,
    visits_per_year: int | None = None,
    engineer=None,
) -> list[Generated]:
    """Plans of the current contract year for `contracts` (existing ones returned as they are),
    with their visits, promises and timeline rows, in the caller's transaction; contracts that
    have ended or are inactive are refused (422 naming `contract`)."""
    check_visits(visits_per_year)
    now = timezone.now()
    today = today or timezone.localdate(now)
    contracts = list(contracts)
    years = {}
    for contract in contracts:
        if not contract.is_active:
            raise Invalid(CONTRACT_INACTIVE, field="contract")
        years[contract.pk] = contract_year(contract, today)
    existing = {
        (p.contract_id, p.year_starts_on): p
        for p in InspectionPlan.objects.filter(
            is_active=True, contract_id__in=list(years)
        ).select_related("contract")
    }
    results: dict[int, Generated] = {}
    fresh: list[InspectionPlan] = []
    ids = [c.pk for c in contracts if (c.pk, years[c.pk][0]) not in existing]
    templates = _templates(ids) if ids else {}
    for contract in contracts:
        first, last = years[contract.pk]
        found = existing.get((contract.pk, first))
        if found is not None:
            results[contract.pk] = Generated(found, False)
            continue
        if contract.pk in results:
            continue
        n = visits_per_year or contract.inspections_per_year or 4
        plan = InspectionPlan(
            contract=contract,
            customer_id=contract.customer_id,
            year_starts_on=first,
            year_ends_on=last,
            visits_per_year=min(max(n, MIN_VISITS), MAX_VISITS),
            region=getattr(contract.customer, "region", "") if contract.customer_id else "",
            engineer=engineer,
            template=templates.get(contract.pk),
            created_by=by if getattr(by, "pk", None) else None,
        )
        fresh.append(plan)
        results[contract.pk] = Generated(plan, True)
    if fresh:
        _store(fresh, by=by, today=today, now=now)
    return [results[c.pk] for c in contracts]


def _store(plans: list[InspectionPlan], *, by, today: dt.date, now: dt.datetime) -> None:
    cal = promises.calendar()
    business = BusinessDays(cal)
    plans = InspectionPlan.objects.bulk_create(plans)
    visits: list[InspectionVisit] = []
    made: list = []
    for plan in plans:
        spans = windows(plan.year_starts_on, plan.year_ends_on, plan.visits_per_year)
        for sequence, (first, last) in enumerate(spans, start=1):
            day = planned_day(business, first, last, today)
            visit = InspectionVisit(
                plan=plan,
                contract_id=plan.contract_id,
                customer_id=plan.customer_id,
                sequence=sequence,
                window_starts_on=first,
                window_ends_on=last,
                planned_on=day,
                engineer=plan.engineer,
                status=VisitStatus.PLANNED,
                created_at=now,
                updated_at=now,
            )
            promise = promises.new_visit_promise(visit, cal, planned_on=day)
            visit.due_at = promise.due_at
            visits.append(visit)
            made.append((promise, len(spans)))
    visits = bulk_insert(InspectionVisit, visits)
    rows = []
    for visit, (promise, total) in zip(visits, made, strict=True):
        promise.subject_id = visit.pk
        text = _gettext(str(PLANNED_TEXT)) % {
            "n": visit.sequence,
            "total": total,
            "day": visit.planned_on.isoformat(),
            "first": visit.window_starts_on.isoformat(),
            "last": visit.window_ends_on.isoformat(),
        }
        rows.append(
            timeline.entry(
                subject_kind=promises.KIND,
                subject_id=visit.pk,
                customer_id=visit.customer_id,
                kind=VisitEventKind.PLANNED,
                actor=by,
                text=text,
                at=now,
            )
        )
    clockwork.insert_promises([p for p, _total in made], cal=cal)
    timeline.record_many(rows)


def generate_plan(
    *,
    contract: ServiceContract,
    by=None,
    visits_per_year: int | None = None,
    today=None,
    engineer=None,
) -> Generated:
    """One contract's plan of the current contract year: created with its visits, or the
    existing one (a second call never doubles visits, even two at once)."""
    try:
        with transaction.atomic():
            return generate_plans(
                [contract],
                by=by,
                today=today,
                visits_per_year=visits_per_year,
                engineer=engineer,
            )[0]
    except IntegrityError:
        # Another request created the same contract year's plan between our read and write.
        first, _last = contract_year(contract, today or timezone.localdate())
        plan = InspectionPlan.objects.get(contract=contract, year_starts_on=first, is_active=True)
        return Generated(plan, False)
