"""The service dashboard's tiles: what needs a manager's eye now, each linked to its list.

Tiles are a snapshot of now under the filter's dimensions (the period does not apply, except
to the penalty exposure: breaches within the period). Every count is one grouped query on
indexed columns (case status, the due board's promise states); a tile the user may not see
(no permission for its module) is left out rather than shown empty. Definitions:
docs of issue 16 and /work/notes/decisions-dashboard.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.accounts.models import User
from aftersales.cases.models import OPEN_STATUSES, Priority, Status
from aftersales.contracts.models import PenaltyRule, PenaltyWaiver, ServiceContract
from aftersales.core.alongside import alongside
from aftersales.core.errors import Forbidden, NotFound
from aftersales.feedback.complaint_access import VIEW as VIEW_COMPLAINTS
from aftersales.feedback.complaint_selectors import complaints_for_user
from aftersales.feedback.models import COMPLAINT_OPEN_STATUSES, ComplaintStatus
from aftersales.fieldservice.appointment_access import VIEW as VIEW_APPOINTMENTS
from aftersales.fieldservice.appointment_access import appointments_for_user
from aftersales.fieldservice.models import AppointmentStatus
from aftersales.reports.charts import Chart, dashboard_charts
from aftersales.reports.filters import (
    VIEW_REPORTS,
    ReportFilter,
    cases,
    filter_for_user,
    parse_filter,
    promises,
)
from aftersales.rma.access import VIEW as VIEW_RMA
from aftersales.rma.promises import KIND as RMA_KIND
from aftersales.rma.promises import SHIP_BY
from aftersales.sla.models import Promise
from aftersales.sla.promises import PromiseState, promises_for_user, state_q

NOT_FOUND = _("Not found.")
VIEW_PENALTIES = "sla.view_penalties"
DUE_SOON = dt.timedelta(hours=1)
LOAD_ROWS = 10  # engineers shown on the load tile, most loaded first
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DAY = dt.timedelta(days=1)

TITLES = {
    "open_by_priority": _("Open cases by priority"),
    "open_by_state": _("Open cases by state"),
    "due_next_hour": _("Due in the next hour"),
    "breached": _("Missed, not yet done"),
    "unassigned": _("Unassigned cases"),
    "engineer_load": _("Engineers' load"),
    "visits_today": _("Today's visits"),
    "rma_ship_due": _("RMA shipments due"),
    "complaints_open": _("Open complaints"),
    "penalty_exposure": _("Penalty exposure"),
}
HINTS = {
    "due_next_hour": _("Running promises of every kind that fall due within an hour."),
    "breached": _("Promises past their due moment, neither completed nor stopped."),
    "rma_ship_due": _("Spare shipments due by the end of today, overdue ones included."),
    "penalty_exposure": _("What the breaches of the period cost under the contracts' rules."),
    "visits_today": _("Appointments of today, cancelled ones left out."),
}
OTHER = pgettext_lazy("chart", "Other")


@dataclass(frozen=True)
class TileItem:
    key: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Tile:
    """One figure (a count, or money for the penalty exposure), its link and its breakdown."""

    key: str
    count: int | Decimal
    url: str
    items: list[TileItem] = field(default_factory=list)
    # Filter dimensions the linked list cannot apply (its rows may then be more than counted).
    unlinked: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return str(TITLES[self.key])

    @property
    def hint(self) -> str:
        return str(HINTS.get(self.key, ""))

    @property
    def is_money(self) -> bool:
        return isinstance(self.count, Decimal)


def require_dashboard(user: Any) -> None:
    """Staff holding reports.view_reports; other staff 403, anyone else 404."""
    if not is_staff_member(user):
        raise NotFound(NOT_FOUND)
    if not can(user, VIEW_REPORTS):
        raise Forbidden(NOT_ALLOWED)


def _link(name: str, **params: str) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _case_link(f: ReportFilter, **params: str) -> str:
    """The case queue with the filter's dimensions (the queue understands all eight); tab
    "all" unless the params name a queue."""
    params.setdefault("tab", "all")
    if f.customer:
        params.setdefault("customer", f.customer)
    if f.engineer:
        params.setdefault("assignee", f.engineer)
    if f.priority:
        params.setdefault("priority", f.priority)
    for name in ("contract", "region", "team", "product"):
        if getattr(f, name):
            params.setdefault(name, getattr(f, name))
    return _link("cases:list", **params)


CASE_LIST_DIMENSIONS = ("customer", "contract", "region", "team", "engineer", "product", "priority")


def _unlinked(f: ReportFilter, understood: tuple[str, ...]) -> tuple[str, ...]:
    names = ("customer", "contract", "region", "team", "engineer", "product", "priority")
    return tuple(n for n in names if getattr(f, n) and n not in understood)


def _open_cases(f: ReportFilter) -> QuerySet:
    return cases(f).filter(status__in=OPEN_STATUSES)


@dataclass(frozen=True)
class OpenCounts:
    """Open cases under the filter's dimensions, counted once for four tiles and the backlog."""

    by_priority: dict[str, int]
    by_status: dict[str, int]
    by_assignee: dict[int, int]  # assignee id → open cases
    unassigned: int

    @property
    def total(self) -> int:
        return sum(self.by_priority.values())


def open_counts(f: ReportFilter) -> OpenCounts:
    """One grouped query (status, priority, assignee) over the open-case index."""
    rows = (
        _open_cases(f)
        .order_by()
        .values_list("priority", "status", "assignee_id")
        .annotate(n=Count("*"))
    )
    by_priority: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    by_assignee: dict[int, int] = defaultdict(int)
    unassigned = 0
    for priority, status, assignee_id, n in rows:
        by_priority[priority] += n
        by_status[status] += n
        if assignee_id is None:
            unassigned += n
        else:
            by_assignee[assignee_id] += n
    return OpenCounts(dict(by_priority), dict(by_status), dict(by_assignee), unassigned)


def _open_tiles(f: ReportFilter, counts: OpenCounts) -> list[Tile]:
    unlinked = _unlinked(f, CASE_LIST_DIMENSIONS)
    shown_priorities = [p for p in Priority if not f.priority or p.value == f.priority]
    priority_items = [
        TileItem(
            p.value,
            p.value,
            counts.by_priority.get(p.value, 0),
            _case_link(f, status="open", priority=p),
        )
        for p in shown_priorities
    ]
    status_items = [
        TileItem(s, str(Status(s).label), counts.by_status.get(s, 0), _case_link(f, status=s))
        for s in OPEN_STATUSES
    ]
    url = _case_link(f, status="open")
    return [
        Tile("open_by_priority", counts.total, url, priority_items, unlinked),
        Tile("open_by_state", counts.total, url, status_items, unlinked),
    ]


def _unassigned(f: ReportFilter, counts: OpenCounts) -> Tile:
    # An unassigned case has no engineer: the queue's tab says it all.
    url = _case_link(replace(f, engineer=""), tab="unassigned")
    return Tile("unassigned", counts.unassigned, url, [], _unlinked(f, CASE_LIST_DIMENSIONS))


def _engineer_load(f: ReportFilter, counts: OpenCounts) -> Tile:
    """The most loaded engineers first (ties by username); the total counts every assignee."""
    names = {
        pk: (username, display_name)
        for pk, username, display_name in User.objects.filter(
            pk__in=list(counts.by_assignee)
        ).values_list("pk", "username", "display_name")
    }
    ranked = sorted((n, names[pk]) for pk, n in counts.by_assignee.items() if pk in names)
    ranked.sort(key=lambda row: (-row[0], row[1][0]))
    items = [
        TileItem(
            username,
            display_name or username,
            n,
            _case_link(f, status="open", assignee=username),
        )
        for n, (username, display_name) in ranked[:LOAD_ROWS]
    ]
    total = sum(counts.by_assignee.values()) if items else 0
    return Tile(
        "engineer_load",
        total,
        _case_link(f, status="open"),
        items,
        _unlinked(f, CASE_LIST_DIMENSIONS),
    )


def _visible_promises(user: Any, f: ReportFilter) -> QuerySet[Promise]:
    return promises_for_user(user) & promises(f)


def _due_board_link() -> str:
    # The staff home's "due next" board, every subject kind, the next hour.
    return _link("home", hours="1", scope="all")


def promise_counts(user: Any, f: ReportFilter, now: dt.datetime) -> dict[str, int]:
    """Due in the next hour, missed and not done, RMA shipments due by tonight: one pass over
    the promises neither completed nor stopped (a partial index holds just those)."""
    day = timezone.localdate(now)
    tonight = dt.datetime.combine(day, dt.time(), timezone.get_current_timezone()) + DAY
    # Each condition is the tile's definition; not completed and not stopped holds for all.
    due = state_q(PromiseState.RUNNING, now) & Q(due_at__lte=now + DUE_SOON)
    rma = Q(subject_kind=RMA_KIND, target=SHIP_BY, due_at__lt=tonight)
    return (
        _visible_promises(user, f)
        .filter(completed_at__isnull=True, stopped_at__isnull=True)
        # Counting a NOT NULL column of the index (COUNT(*) takes no FILTER in Django) keeps
        # the scan index-only; counting the primary key would read every row.
        .aggregate(
            due=Count("subject_kind", filter=due),
            missed=Count("subject_kind", filter=state_q(PromiseState.MISSED, now)),
            rma=Count("subject_kind", filter=rma),
        )
    )


def _promise_tiles(f: ReportFilter, counts: Mapping[str, int]) -> list[Tile]:
    url = _due_board_link()
    return [
        Tile("due_next_hour", counts["due"], url, [], _unlinked(f, ())),
        Tile("breached", counts["missed"], url, [], _unlinked(f, ())),
    ]


def _visits_today(user: Any, f: ReportFilter, now: dt.datetime) -> Tile | None:
    if not can(user, VIEW_APPOINTMENTS):
        return None
    try:
        qs = appointments_for_user(user)
    except Forbidden:
        return None
    day = timezone.localdate(now)
    start = dt.datetime.combine(day, dt.time(), timezone.get_current_timezone())
    qs = qs.filter(starts_at__lt=start + DAY, ends_at__gt=start)
    if f.customer:
        qs = qs.filter(customer__code=f.customer)
    if f.region:
        qs = qs.filter(customer__region=f.region)
    if f.engineer:
        qs = qs.filter(engineer__username=f.engineer)
    if f.team:
        qs = qs.filter(engineer__engineer__team=f.team)
    rows = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    params = {"day": day.isoformat(), "engineer": f.engineer}
    items = [
        TileItem(
            s,
            str(AppointmentStatus(s).label),
            rows.get(s, 0),
            _link("appointments:list", **params, status=s),
        )
        for s in AppointmentStatus.values
        if s != AppointmentStatus.CANCELLED
    ]
    total = sum(i.count for i in items)
    return Tile(
        "visits_today",
        total,
        _link("appointments:list", **params),
        items,
        _unlinked(f, ("engineer",)),
    )


def _rma_ship_due(user: Any, f: ReportFilter, counts: Mapping[str, int]) -> Tile | None:
    if not can(user, VIEW_RMA):
        return None
    return Tile("rma_ship_due", counts["rma"], _link("rma:list"), [], _unlinked(f, ()))


def _complaints_open(user: Any, f: ReportFilter) -> Tile | None:
    if not can(user, VIEW_COMPLAINTS):
        return None
    qs = complaints_for_user(user).filter(status__in=COMPLAINT_OPEN_STATUSES)
    if f.customer:
        qs = qs.filter(customer__code=f.customer)
    if f.region:
        qs = qs.filter(customer__region=f.region)
    rows = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    items = [
        TileItem(
            s, str(ComplaintStatus(s).label), rows.get(s, 0), _link("complaints:list", status=s)
        )
        for s in COMPLAINT_OPEN_STATUSES
    ]
    return Tile(
        "complaints_open",
        sum(i.count for i in items),
        _link("complaints:list", status="open"),
        items,
        _unlinked(f, ()),
    )


class StartedDaysLate(Func):
    """max(1, started days of `late`) for a duration expression: the per-day-late penalty's
    day count (contracts.penalties), exact to the microsecond on both databases."""

    output_field = IntegerField()
    # PostgreSQL: an interval; EXTRACT(EPOCH …) is an exact numeric (PostgreSQL 14+).
    template = "GREATEST(1, CEIL(EXTRACT(EPOCH FROM %(expressions)s) / 86400))::integer"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite: Django's django_timestamp_diff() gives whole microseconds.
        template = "MAX(1, (%(expressions)s + 86399999999) / 86400000000)"
        return self.as_sql(compiler, connection, template=template, **extra)


def penalty_exposure(f: ReportFilter, now: dt.datetime) -> Decimal:
    """Payable penalties of the promises breached in the period under the filter's dimensions:
    the lines contracts.penalties would state (per occurrence, or per started day late up to
    completion, stop or now), waived lines left out.

    The database counts the lines per (contract value, rule percent, basis, started days);
    each group's amount is rounded as one line and multiplied by its count, so the sum is the
    statements' to the fen whatever the number of breaches. Waived lines (few) are read one
    by one and taken off. Two queries; the first reads one covering index of breaches.
    """
    end = Coalesce("completed_at", "stopped_at", Value(now, output_field=DateTimeField()))
    late = ExpressionWrapper(end - F("breached_at"), output_field=DurationField())
    breached = promises(f).filter(
        breached_at__gte=f.since, breached_at__lt=f.until, contract_id__isnull=False
    )
    # Joined before grouping: grouped per contract first, the breaches of a month make
    # tens of thousands of (contract, days) groups; per (value, percent, days), a few hundred.
    grouped = (
        breached.order_by()
        .annotate(started_days=StartedDaysLate(late))
        .values_list("contract_id", "subject_kind", "target", "started_days")
    )
    inner, params = grouped.query.sql_with_params()
    rule, contract = PenaltyRule._meta, ServiceContract._meta
    per_day = PenaltyRule.Basis.PER_DAY_LATE
    sql = f"""
        SELECT k.value, r.percent_of_value, r.basis,
            CASE WHEN r.basis = %s THEN p.started_days ELSE 0 END, COUNT(*)
        FROM ({inner}) p
        JOIN {rule.db_table} r ON r.contract_id = p.contract_id
            AND r.subject_kind = p.subject_kind AND r.target = p.target
        JOIN {contract.db_table} k ON k.id = p.contract_id
        GROUP BY 1, 2, 3, 4
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [per_day, *params])
        lines = [(*row[:4], int(row[4])) for row in cursor.fetchall()]
    waived = (
        PenaltyWaiver.objects.order_by()
        .filter(
            promise__in=breached.values("pk"),
            rule__contract_id=F("promise__contract_id"),
            rule__subject_kind=F("promise__subject_kind"),
            rule__target=F("promise__target"),
        )
        .annotate(
            started_days=StartedDaysLate(
                ExpressionWrapper(
                    Coalesce(
                        "promise__completed_at",
                        "promise__stopped_at",
                        Value(now, output_field=DateTimeField()),
                    )
                    - F("promise__breached_at"),
                    output_field=DurationField(),
                )
            )
        )
        .values_list(
            "rule__contract__value", "rule__percent_of_value", "rule__basis", "started_days"
        )
    )
    value_places = contract.get_field("value").decimal_places
    percent_places = rule.get_field("percent_of_value").decimal_places
    total = Decimal("0.00")
    for sign, rows in ((1, lines), (-1, [(*w, 1) for w in waived])):
        for value, percent, basis, days, n in rows:
            share = _decimal(value, value_places) * _decimal(percent, percent_places) / HUNDRED
            if basis == per_day:
                share *= days
            total += sign * share.quantize(CENT, rounding=ROUND_HALF_UP) * n
    return total


def _decimal(raw: Any, places: int) -> Decimal:
    """A decimal column as read raw (SQLite may hand back an int or a float)."""
    if isinstance(raw, Decimal):
        return raw
    return Decimal(str(raw)).quantize(Decimal(1).scaleb(-places))


def _penalty_tile(user: Any, f: ReportFilter, now: dt.datetime) -> Tile | None:
    if not can(user, VIEW_PENALTIES):
        return None
    return Tile(
        "penalty_exposure",
        penalty_exposure(f, now),
        reverse("penalties:penalties"),
        [],
        _unlinked(f, ()),
    )


def dashboard_tiles(*, user: Any, f: ReportFilter, now: dt.datetime) -> list[Tile]:
    """Every tile the user may see, in the page's order (the caller checked the dashboard)."""
    return _tiles(user=user, f=f, now=now, counts=open_counts(f))


def _tiles(*, user: Any, f: ReportFilter, now: dt.datetime, counts: OpenCounts) -> list[Tile]:
    promised = promise_counts(user, f, now)
    tiles: list[Tile | None] = [
        *_open_tiles(f, counts),
        *_promise_tiles(f, promised),
        _unassigned(f, counts),
        _engineer_load(f, counts),
        _visits_today(user, f, now),
        _rma_ship_due(user, f, promised),
        _complaints_open(user, f),
        _penalty_tile(user, f, now),
    ]
    return [t for t in tiles if t is not None]


@dataclass(frozen=True)
class Dashboard:
    filter: ReportFilter
    tiles: list[Tile]
    charts: list[Chart]

    @property
    def chart_data(self) -> list[dict[str, Any]]:
        """What dashboard.js draws (embedded with json_script)."""
        return [c.as_dict() for c in self.charts]


def dashboard_for_user(
    *, user: Any, raw: Mapping[str, Any], now: dt.datetime | None = None
) -> Dashboard:
    """The dashboard under the query's filter; Forbidden/NotFound for those who may not see
    it, Invalid naming the field of a bad filter."""
    require_dashboard(user)
    f = filter_for_user(user, parse_filter(raw))
    now = now or timezone.now()
    counts = open_counts(f)
    # The charts' reads run beside the tiles' on a second connection: half the wall time.
    charts = alongside(lambda: dashboard_charts(user=user, f=f, now=now, open_now=counts.total))
    tiles = _tiles(user=user, f=f, now=now, counts=counts)
    return Dashboard(filter=f, tiles=tiles, charts=charts())


def key_tiles_for_user(*, user: Any, now: dt.datetime | None = None) -> list[Tile] | None:
    """The home board's few tiles, unfiltered; None for whoever may not see the dashboard."""
    if not is_staff_member(user) or not can(user, VIEW_REPORTS):
        return None
    now = now or timezone.now()
    f = parse_filter({})
    counts = open_counts(f)
    return [
        *_open_tiles(f, counts)[:1],
        *_promise_tiles(f, promise_counts(user, f, now)),
        _unassigned(f, counts),
    ]
