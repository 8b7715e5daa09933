"""KPIs computed from the promise and timeline rows (definitions: docs/kpis.md)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftersales.accounts.access import NOT_ALLOWED, can, is_customer_contact, is_staff_member
from aftersales.cases.models import ActivityKind
from aftersales.contracts.models import ServiceContract
from aftersales.contracts.penalties import penalty_statement
from aftersales.core.errors import Forbidden
from aftersales.core.models import Activity
from aftersales.feedback.callback_selectors import CONTACTED_STATUSES
from aftersales.feedback.models import (
    Callback,
    CallbackStatus,
    Complaint,
    Dimension,
    QuestionKind,
    SurveyAnswer,
)
from aftersales.feedback.survey_selectors import ResultFilters, answered_invitations
from aftersales.fieldservice.inspection_selectors import visit_compliance
from aftersales.inventory.models import ReorderPoint, StockLevel
from aftersales.registry.models import Customer
from aftersales.reports.filters import (
    VIEW_REPORTS,
    ReportFilter,
    cases,
    filter_for_user,
    parse_filter,
    promises,
)
from aftersales.rma import promises as rma_promises
from aftersales.sla.models import Promise


@dataclass(frozen=True)
class Compliance:
    """Promises of one group decided in a period: kept on time, or missed."""

    met: int
    missed: int

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def ratio(self) -> float | None:
        """met / decided, None when nothing was decided (no figure beats a made-up 100 %)."""
        return round(self.met / self.decided, 4) if self.decided else None


def decided_in(promises: QuerySet[Promise], f: ReportFilter) -> tuple[Q, Q]:
    """(met, missed) conditions: met on time within the period, or breached within it.

    A promise is missed the moment its due passes (breached_at), whether it completes later
    or not; it is met when it completes before that. Running promises are not yet decided.
    """
    met = Q(met=True, breached_at__isnull=True, completed_at__gte=f.since)
    met &= Q(completed_at__lt=f.until)
    missed = Q(breached_at__gte=f.since, breached_at__lt=f.until)
    return met, missed


def compliance_by(promises: QuerySet[Promise], f: ReportFilter, *fields: str) -> dict:
    """Compliance per value of `fields` (e.g. "target", or "target", "priority")."""
    met, missed = decided_in(promises, f)
    rows = (
        promises.filter(met | missed)
        .order_by()
        .values(*fields)
        .annotate(n_met=Count("pk", filter=met), n_missed=Count("pk", filter=missed))
    )
    out: dict = {}
    for row in rows:
        key = row[fields[0]] if len(fields) == 1 else tuple(row[name] for name in fields)
        out[key] = Compliance(met=row["n_met"], missed=row["n_missed"])
    return dict(sorted(out.items()))


# --- the KPI set ----------------------------------------------------------------------------
# Every figure below is defined in docs/kpis.md; the comments say why, not what.

CASE_TARGETS = ("response", "diagnosis", "resolution", "onsite")
TIMED_TARGETS = ("response", "diagnosis", "resolution")
# A case that needed any of these did not end at the first contact.
NOT_FIRST_CONTACT = (
    ActivityKind.REOPENED,
    ActivityKind.REJECTED,
    ActivityKind.ESCALATED,
    ActivityKind.VENDOR_CASE,
    ActivityKind.RMA,
    ActivityKind.TAKEN_OVER,
    ActivityKind.DEPARTED,
    ActivityKind.ARRIVED,
)
REOPEN_KINDS = (ActivityKind.REOPENED, ActivityKind.REJECTED)
CASE_ONLY = ("contract", "team", "engineer", "product", "priority")  # not on a customer's rows
PEOPLE_OR_CASE = ("team", "engineer", "product", "priority")  # no visit or stock has these
VIEW_PENALTIES = "sla.view_penalties"


@dataclass(frozen=True)
class Ratio:
    """part / whole, None when the whole is zero."""

    part: int
    whole: int

    @property
    def ratio(self) -> float | None:
        return round(self.part / self.whole, 4) if self.whole else None


@dataclass(frozen=True)
class Spread:
    """Nearest-rank median and 90th percentile of `count` values (None when there are none)."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Penalties:
    incurred: Decimal
    waived: Decimal
    lines: int

    @property
    def payable(self) -> Decimal:
        return self.incurred - self.waived


@dataclass(frozen=True)
class Kpis:
    """The KPI figures of one filter; None where a figure does not apply or is not shown."""

    filter: ReportFilter
    as_of: dt.datetime
    cases_opened: int
    cases_closed: int
    compliance: dict[str, Compliance]
    compliance_by_priority: dict[tuple[str, str], Compliance]
    service_minutes: dict[str, Spread]  # per timed target
    wall_minutes: dict[str, Spread]
    first_contact: Ratio
    reopen: Ratio
    backlog: Spread  # ages in hours at `backlog_at`
    backlog_at: dt.datetime
    callback_coverage: Ratio
    inspections: Ratio | None  # visits done on time / visits decided
    inspections_due: int | None
    complaints: int
    complaint_rate: float | None  # per 100 cases opened
    complaint_answer_minutes: Spread
    csat: float | None
    nps: float | None
    survey_responses: int
    rma_compliance: dict[str, Compliance]
    faulty_return: Ratio
    stock_outs: int | None
    below_reorder: int | None
    penalties: Penalties | None

    @property
    def rma_ship_on_time(self) -> float | None:
        found = self.rma_compliance.get(rma_promises.SHIP_BY)
        return found.ratio if found else None


def nearest_rank(count: int, share: float) -> int:
    """The 0-based index of the nearest-rank percentile `share` (0 < share <= 1) of `count`."""
    return max(1, math.ceil(share * count)) - 1


def _spread(ordered: QuerySet, column: str, count: int, to_number) -> Spread:
    """Median and p90 read as two single rows of `ordered` (sorted ascending on `column`):
    the database sorts, Python never holds the column (docs/kpis.md, "Percentiles")."""
    if not count:
        return Spread(0, None, None)
    values = []
    for share in (0.5, 0.9):
        index = nearest_rank(count, share)
        values.append(to_number(ordered.values_list(column, flat=True)[index]))
    return Spread(count, values[0], values[1])


def _minutes(value: dt.timedelta) -> float:
    return round(value.total_seconds() / 60, 1)


def _hours(value: dt.timedelta) -> float:
    return round(value.total_seconds() / 3600, 1)


def _period(field: str, f: ReportFilter) -> Q:
    return Q(**{f"{field}__gte": f.since, f"{field}__lt": f.until})


def _names_any(f: ReportFilter, names: tuple[str, ...]) -> bool:
    return any(getattr(f, name) for name in names)


def _customers(f: ReportFilter, prefix: str = "customer__") -> Q:
    q = Q()
    if f.customer:
        q &= Q(**{f"{prefix}code": f.customer})
    if f.region:
        q &= Q(**{f"{prefix}region": f.region})
    return q


# --- cases ---


def _case_counts(f: ReportFilter) -> tuple[int, int]:
    counts = cases(f).aggregate(
        opened=Count("pk", filter=_period("created_at", f)),
        closed=Count("pk", filter=_period("closed_at", f)),
    )
    return counts["opened"], counts["closed"]


def _times(f: ReportFilter) -> tuple[dict[str, Spread], dict[str, Spread]]:
    """Service and wall minutes of the case promises completed in the period, per target."""
    done = promises(f).filter(
        _period("completed_at", f), subject_kind="case", target__in=TIMED_TARGETS
    )
    counts = dict(
        done.order_by().values("target").annotate(n=Count("pk")).values_list("target", "n")
    )
    service, wall = {}, {}
    for target in TIMED_TARGETS:
        rows = done.filter(target=target)
        n = counts.get(target, 0)
        service[target] = _spread(rows.order_by("used", "pk"), "used", n, _minutes)
        walls = rows.annotate(
            wall=ExpressionWrapper(F("completed_at") - F("started_at"), DurationField())
        )
        wall[target] = _spread(walls.order_by("wall", "pk"), "wall", n, _minutes)
    return service, wall


def _case_rows(kinds) -> QuerySet[Activity]:
    return Activity.objects.filter(subject_kind="case", subject_id=OuterRef("pk"), kind__in=kinds)


def _first_contact(f: ReportFilter) -> Ratio:
    """Of the cases closed with a solution in the period: those with one assignment and no
    reopen, rejection, escalation, vendor case, RMA, take-over or onsite trip."""
    assignments = (
        Activity.objects.filter(
            subject_kind="case", subject_id=OuterRef("pk"), kind=ActivityKind.ASSIGNED
        )
        .order_by()
        .values("subject_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counts = (
        cases(f)
        .filter(_period("closed_at", f), resolved_at__isnull=False)
        .annotate(
            more=Exists(_case_rows(NOT_FIRST_CONTACT)),
            assigned=Coalesce(Subquery(assignments, output_field=IntegerField()), 0),
        )
        .aggregate(whole=Count("pk"), part=Count("pk", filter=Q(more=False, assigned__lte=1)))
    )
    return Ratio(counts["part"], counts["whole"])


def _reopen(f: ReportFilter) -> Ratio:
    """Cases resolved in the period (timeline rows) and, of them, those whose resolution was
    later reopened or rejected (up to now)."""
    later = Activity.objects.filter(
        subject_kind="case",
        subject_id=OuterRef("subject_id"),
        kind__in=REOPEN_KINDS,
        at__gt=OuterRef("at"),
    )
    counts = (
        Activity.objects.filter(
            _period("at", f),
            subject_kind="case",
            kind=ActivityKind.RESOLVED,
            subject_id__in=cases(f).values("pk"),
        )
        .annotate(undone=Exists(later))
        .aggregate(
            whole=Count("subject_id", distinct=True),
            part=Count("subject_id", distinct=True, filter=Q(undone=True)),
        )
    )
    return Ratio(counts["part"], counts["whole"])


def _backlog(f: ReportFilter, at: dt.datetime) -> Spread:
    """Ages (hours) at `at` of the cases opened before it and not closed by it."""
    open_then = (
        cases(f).filter(created_at__lt=at).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=at))
    )
    count = open_then.count()
    youngest_first = open_then.order_by("-created_at", "-pk")
    return _spread(youngest_first, "created_at", count, lambda moment: _hours(at - moment))


# --- customer voice, inspections, RMA, stock, money ---


def _callbacks(f: ReportFilter) -> Ratio:
    qs = Callback.objects.filter(_customers(f), due_on__gte=f.start, due_on__lte=f.end).exclude(
        status=CallbackStatus.CANCELLED
    )
    if _names_any(f, CASE_ONLY):
        qs = qs.filter(case_id__in=cases(f).values("pk"))
    counts = qs.aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(status__in=CONTACTED_STATUSES))
    )
    return Ratio(counts["part"], counts["whole"])


def _inspections(f: ReportFilter, now: dt.datetime) -> tuple[Ratio | None, int | None]:
    """Visits due in the period (fieldservice.visit_compliance): done on time / decided."""
    if _names_any(f, PEOPLE_OR_CASE):
        return None, None
    customer_id = contract_id = None
    if f.customer:
        customer_id = Customer.objects.filter(code=f.customer).values_list("pk", flat=True).first()
    if f.contract:
        contract_id = (
            ServiceContract.objects.filter(number=f.contract).values_list("pk", flat=True).first()
        )
    rows = visit_compliance(
        start=f.since,
        end=f.until,
        contract_id=contract_id,
        customer_id=customer_id,
        by="customer",
        now=now,
    )
    if f.region:
        kept = set(Customer.objects.filter(region=f.region).values_list("pk", flat=True))
        rows = {key: row for key, row in rows.items() if key in kept}
    done = sum(row["done"] for row in rows.values())
    missed = sum(row["missed"] for row in rows.values())
    return Ratio(done, done + missed), sum(row["due"] for row in rows.values())


def _complaints(f: ReportFilter) -> tuple[int, Spread]:
    qs = Complaint.objects.filter(_customers(f), _period("received_at", f))
    if _names_any(f, CASE_ONLY):
        linked = Complaint.cases.through.objects.filter(case_id__in=cases(f).values("pk"))
        qs = qs.filter(pk__in=linked.values("complaint_id"))
    answered = qs.filter(answered_at__isnull=False).annotate(
        took=ExpressionWrapper(F("answered_at") - F("received_at"), DurationField())
    )
    counts = qs.aggregate(n=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    spread = _spread(answered.order_by("took", "pk"), "took", counts["answered"], _minutes)
    return counts["n"], spread


def _surveys(f: ReportFilter) -> tuple[float | None, float | None, int]:
    """CSAT and NPS as feedback.survey_selectors defines them, over the answers of the
    invitations answered in the period that match the filter."""
    invitations = answered_invitations(
        ResultFilters(date_from=f.start, date_to=f.end, customer=f.customer, engineer=f.engineer)
    )
    if f.region:
        invitations = invitations.filter(customer__region=f.region)
    if f.team:
        invitations = invitations.filter(engineer__engineer__team=f.team)
    if f.contract or f.product or f.priority:
        invitations = invitations.filter(case_id__in=cases(f).values("pk"))
    overall = Q(question__kind=QuestionKind.RATING, question__dimension=Dimension.OVERALL)
    nps = Q(question__kind=QuestionKind.NPS)
    sums = SurveyAnswer.objects.filter(invitation__in=invitations).aggregate(
        overall=Count("pk", filter=overall),
        satisfied=Count("pk", filter=overall & Q(number__gte=4)),
        nps_total=Count("pk", filter=nps),
        promoters=Count("pk", filter=nps & Q(number__gte=9)),
        detractors=Count("pk", filter=nps & Q(number__lte=6)),
        responses=Count("invitation", distinct=True),
    )
    csat = _percent(sums["satisfied"], sums["overall"])
    promoters = _percent(sums["promoters"], sums["nps_total"])
    detractors = _percent(sums["detractors"], sums["nps_total"])
    score = None if promoters is None else round(promoters - (detractors or 0), 1)
    return csat, score, sums["responses"]


def _percent(part: int, whole: int) -> float | None:
    if not whole:
        return None
    value = Decimal(part * 100) / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _faulty_return(f: ReportFilter, now: dt.datetime) -> Ratio:
    """Faulty parts due back in the period (by now): returned at all (late or not) / due.

    A promise stopped without a breach belongs to a cancelled RMA and is not due."""
    due = (
        promises(f)
        .filter(
            subject_kind=rma_promises.KIND,
            target=rma_promises.FAULTY_RETURN,
            due_at__gte=f.since,
            due_at__lt=min(f.until, now),
        )
        .exclude(stopped_at__isnull=False, breached_at__isnull=True)
    )
    counts = due.aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(completed_at__isnull=False))
    )
    return Ratio(counts["part"], counts["whole"])


def _stock(f: ReportFilter) -> tuple[int | None, int | None]:
    """Active reorder points whose available stock is now at or below zero, or below the
    minimum; stock is no customer's, so any dimension but region hides the figure."""
    if _names_any(f, ("customer", *CASE_ONLY)):
        return None, None
    level = StockLevel.objects.filter(
        part_id=OuterRef("part_id"), warehouse_id=OuterRef("warehouse_id")
    )
    points = ReorderPoint.objects.filter(
        is_active=True, part__is_active=True, warehouse__is_active=True
    ).annotate(
        available=Coalesce(
            Subquery(
                level.annotate(free=F("on_hand") - F("reserved")).values("free")[:1],
                output_field=IntegerField(),
            ),
            0,
        )
    )
    if f.region:
        points = points.filter(warehouse__region=f.region)
    counts = points.aggregate(
        out=Count("pk", filter=Q(available__lte=0)),
        low=Count("pk", filter=Q(available__lt=F("minimum"))),
    )
    return counts["out"], counts["low"]


def _penalties(f: ReportFilter, now: dt.datetime) -> Penalties:
    """The penalty lines (contracts.penalties) of the filter's promises breached in the
    period: one statement per contract with such a breach, its lines kept to those promises."""
    breached = promises(f).filter(_period("breached_at", f), contract_id__isnull=False)
    ids = dict(breached.values_list("pk", "contract_id")[:PENALTY_PROMISES_MAX])
    contracts = ServiceContract.objects.filter(pk__in=set(ids.values())).prefetch_related(
        "penalty_rules"
    )
    incurred = waived = Decimal("0.00")
    lines = 0
    for contract in contracts:
        statement = penalty_statement(contract=contract, start=f.start, end=f.end, now=now)
        for line in statement.lines:
            if int(line.id.split("-", 1)[0]) in ids:
                incurred += line.amount
                waived += line.amount if line.waived else Decimal("0.00")
                lines += 1
    return Penalties(incurred, waived, lines)


PENALTY_PROMISES_MAX = 100_000


def kpis(f: ReportFilter, now: dt.datetime, *, penalties_shown: bool = True) -> Kpis:
    """Every KPI of docs/kpis.md for the filter, as of `now` (read once by the caller).

    `penalties_shown=False` leaves the money out (customers and staff without
    sla.view_penalties never see it)."""
    opened, closed = _case_counts(f)
    case_promises = promises(f).filter(subject_kind="case")
    service, wall = _times(f)
    backlog_at = min(now, f.until)
    inspections, inspections_due = _inspections(f, now)
    complaints, answer = _complaints(f)
    csat, nps, responses = _surveys(f)
    stock_outs, below = _stock(f)
    return Kpis(
        filter=f,
        as_of=now,
        cases_opened=opened,
        cases_closed=closed,
        compliance=compliance_by(case_promises, f, "target"),
        compliance_by_priority=compliance_by(case_promises, f, "target", "priority"),
        service_minutes=service,
        wall_minutes=wall,
        first_contact=_first_contact(f),
        reopen=_reopen(f),
        backlog=_backlog(f, backlog_at),
        backlog_at=backlog_at,
        callback_coverage=_callbacks(f),
        inspections=inspections,
        inspections_due=inspections_due,
        complaints=complaints,
        complaint_rate=round(complaints * 100 / opened, 2) if opened else None,
        complaint_answer_minutes=answer,
        csat=csat,
        nps=nps,
        survey_responses=responses,
        rma_compliance=compliance_by(
            promises(f).filter(subject_kind=rma_promises.KIND), f, "target"
        ),
        faulty_return=_faulty_return(f, now),
        stock_outs=stock_outs,
        below_reorder=below,
        penalties=_penalties(f, now) if penalties_shown else None,
    )


def require_kpi_reader(user: Any, engineer: str = "") -> None:
    """Who may ask at all, before the query is read (403 before 422): a customer's contact
    (their organisation), staff holding reports.view_reports, or staff asking about
    themselves (engineer = their own username)."""
    if is_customer_contact(user):
        return
    if not is_staff_member(user):
        raise Forbidden(NOT_ALLOWED)
    if not can(user, VIEW_REPORTS) and engineer.strip() != user.get_username():
        raise Forbidden(NOT_ALLOWED)


def kpis_for_user(*, user: Any, raw: Mapping[str, Any], now: dt.datetime) -> Kpis:
    """The KPIs of the query `raw` as `user` may see them: a contact's own organisation only,
    penalties only for staff holding sla.view_penalties."""
    require_kpi_reader(user, str(raw.get("engineer") or ""))
    wanted = parse_filter(raw, today=timezone.localdate(now))
    allowed = filter_for_user(user, wanted)
    shown = is_staff_member(user) and can(user, VIEW_PENALTIES)
    return kpis(allowed, now, penalties_shown=shown)
