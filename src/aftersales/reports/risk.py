"""At risk, before it happens: the chance that each running promise will be missed.

The model (docs: /work/notes/decisions-risk.md, "## The at-risk model"):
1. History. Decided promises (missed: breached; met: completed in time) of the same subject
   kind, target and priority. A promise still open when only a share `r` of its promised
   service minutes was left is "alive at r": every missed one, and every met one that
   completed with less than that share left (read from the service time it banked, `used`).
   Shares left fall into BUCKETS; the base rate of a bucket is missed / alive there.
2. Smoothing. Thin groups lean on wider ones, bucket by bucket: all promises (Laplace,
   (missed + 1) / (alive + 2)) → the kind and target → the kind, target and priority, each
   level pulled towards the one above with the weight of PRIOR_WEIGHT promises.
3. Adjustment, on the log-odds: the assignee's open cases against the typical load of their
   team (median), no one assigned yet, not yet responded / diagnosed (case promises only).

`estimate()` and `HistoryTable` are pure (no database): the backtest (bench/risk_backtest.py)
replays them over a history it builds itself. `at_risk()` reads the database.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aftersales.accounts.access import NOT_ALLOWED, can, is_staff_member
from aftersales.cases.models import OPEN_STATUSES
from aftersales.cases.models import Case as SupportCase
from aftersales.core.errors import Forbidden, NotFound
from aftersales.core.memo import ConfigMemo
from aftersales.core.subjects import subject_label
from aftersales.registry.models import Engineer
from aftersales.reports.filters import VIEW_REPORTS, ReportFilter, filter_for_user, promises
from aftersales.sla.calendar import CompiledCalendar, service_minutes_between
from aftersales.sla.models import DueRule, Promise
from aftersales.sla.promises import PromiseState, promises_for_user, state_q
from aftersales.sla.selectors import compiled_calendar, minutes_text
from aftersales.sla.subjects import kind_of, kinds, subject_labels, subject_urls

# Upper edges of the buckets of "share of the promised service time left".
BUCKETS: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0)
# How many promises' worth a wider group's rate weighs against a narrower group's counts.
PRIOR_WEIGHT = 4.0
# Log-odds added per doubling of (open cases + 1) against (typical + 1), ratio clamped.
BETA_LOAD = 0.8
LOAD_RATIO_CLAMP = 8.0
BETA_UNASSIGNED = 1.0
BETA_NOT_RESPONDED = 0.5
BETA_NOT_DIAGNOSED = 0.3
# Case targets that follow the first response / the diagnosis.
AFTER_RESPONSE = frozenset({"diagnosis", "resolution", "onsite"})
AFTER_DIAGNOSIS = frozenset({"resolution"})
# Probabilities never reach 0 or 1: the history is finite.
FLOOR, CEILING = 0.005, 0.995

HISTORY_DAYS = 365
HISTORY_TTL_SECONDS = 120.0
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
FLAG_AT = 0.7  # "at risk" (the backtest's threshold, the page's red)
WATCH_AT = 0.4

CASE_KIND = "case"

NO_SUCH_PAGE = gettext_lazy("No such page.")


# --- pure model ------------------------------------------------------------------------------


def bucket_of(share_left: float) -> int:
    """The bucket of a share of promised time left (≤ 0 in the first, > 1 in the last)."""
    for index, edge in enumerate(BUCKETS):
        if share_left <= edge:
            return index
    return len(BUCKETS) - 1


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass
class GroupCounts:
    """Decided promises of one group: missed, and met per bucket of the share left at the end."""

    missed: int = 0
    met: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))

    def alive(self, bucket: int) -> int:
        """Promises still open when the share left fell to the bucket's upper edge."""
        return self.missed + sum(self.met[: bucket + 1])

    def add(self, other: GroupCounts) -> None:
        self.missed += other.missed
        for i, n in enumerate(other.met):
            self.met[i] += n


Key = tuple[str, str, str]  # subject kind, target, priority


class HistoryTable:
    """Counts of decided promises per (kind, target, priority), rolled up for smoothing."""

    def __init__(self) -> None:
        self.groups: dict[Key, GroupCounts] = {}
        self._kind_target: dict[tuple[str, str], GroupCounts] = {}
        self._all = GroupCounts()

    def add(self, key: Key, *, missed: bool, bucket: int = 0, n: int = 1) -> None:
        """Count n decided promises: missed, or met with the share left in `bucket`.

        A met promise whose end share is unknown (fixed due rules) belongs in bucket 0: open
        until the end, so it counts at every share and its group keeps its overall rate.
        """
        one = GroupCounts()
        if missed:
            one.missed = n
        else:
            one.met[bucket] = n
        for counts in (
            self.groups.setdefault(key, GroupCounts()),
            self._kind_target.setdefault(key[:2], GroupCounts()),
            self._all,
        ):
            counts.add(one)

    def __len__(self) -> int:
        return self._all.missed + sum(self._all.met)

    def rate(self, key: Key, bucket: int) -> tuple[float, int, int]:
        """(smoothed miss rate, missed, alive) of the group at the bucket."""
        top = self._all
        p = (top.missed + 1) / (top.alive(bucket) + 2)
        for counts in (self._kind_target.get(key[:2]), self.groups.get(key)):
            if counts is not None:
                p = (counts.missed + PRIOR_WEIGHT * p) / (counts.alive(bucket) + PRIOR_WEIGHT)
        own = self.groups.get(key) or GroupCounts()
        return p, own.missed, own.alive(bucket)


@dataclass(frozen=True)
class Situation:
    """What is known about a running promise at the moment of the estimate."""

    kind: str
    target: str
    priority: str
    minutes_left: float  # service minutes to the due moment
    share_left: float  # of the promised service time
    # Case promises only (None: not a case, or not known).
    assigned: bool | None = None
    load: int | None = None  # the assignee's open cases
    typical_load: float | None = None  # their team's median
    responded: bool | None = None
    diagnosed: bool | None = None


@dataclass(frozen=True)
class Estimate:
    probability: float
    base: float  # the smoothed history rate before adjustments
    bucket: int
    missed: int  # of the same group, alive at the bucket
    alive: int
    load_term: float
    stage_term: float


def load_term(load: int, typical: float) -> float:
    """Log-odds for the load: BETA_LOAD per doubling of (load + 1) over (typical + 1)."""
    ratio = (load + 1) / (typical + 1)
    ratio = min(max(ratio, 1 / LOAD_RATIO_CLAMP), LOAD_RATIO_CLAMP)
    return BETA_LOAD * math.log2(ratio)


def estimate(table: HistoryTable, s: Situation) -> Estimate:
    """P(miss) of a running promise from the history table and its situation."""
    bucket = bucket_of(s.share_left)
    base, missed, alive = table.rate((s.kind, s.target, s.priority), bucket)
    loads = 0.0
    if s.assigned is False:
        loads = BETA_UNASSIGNED
    elif s.load is not None and s.typical_load is not None:
        loads = load_term(s.load, s.typical_load)
    stage = 0.0
    if s.kind == CASE_KIND and s.responded is False and s.target in AFTER_RESPONSE:
        stage += BETA_NOT_RESPONDED
    elif s.kind == CASE_KIND and s.diagnosed is False and s.target in AFTER_DIAGNOSIS:
        stage += BETA_NOT_DIAGNOSED
    p = logistic(logit(base) + loads + stage)
    p = min(max(p, FLOOR), CEILING)
    return Estimate(
        probability=p,
        base=base,
        bucket=bucket,
        missed=missed,
        alive=alive,
        load_term=loads,
        stage_term=stage,
    )


def typical_loads(
    loads: Mapping[int, int], teams: Mapping[int, str]
) -> tuple[dict[str, float], float]:
    """({team: median open cases of its engineers who have any}, the same over everyone).

    Only engineers carrying open cases count: a team's idle members (on leave, part-time)
    would pull the median to 0 and make any load look heavy. A user with cases but no
    engineer row counts in the overall median only.
    """
    by_team: dict[str, list[int]] = {}
    for user_id, n in loads.items():
        team = teams.get(user_id, "")
        if n > 0 and team:
            by_team.setdefault(team, []).append(n)
    everyone = [n for n in loads.values() if n > 0]
    overall = float(statistics.median(everyone)) if everyone else 0.0
    return {t: float(statistics.median(v)) for t, v in by_team.items()}, overall


def typical_for(user_id: int, teams: Mapping[int, str], medians: dict, overall: float) -> float:
    team = teams.get(user_id, "")
    return medians.get(team, overall) if team else overall


# --- words -----------------------------------------------------------------------------------


def reasons(s: Situation, e: Estimate, *, target_label: str) -> list[str]:
    """The estimate in sentences, most telling first."""
    what = f"{s.priority} {target_label}".strip()
    out = [
        _("%(what)s with %(left)s of service time left (%(share)d%% of the promised time)")
        % {
            "what": what,
            "left": minutes_text(max(s.minutes_left, 0)),
            "share": round(max(s.share_left, 0) * 100),
        }
    ]
    if e.alive:
        out.append(
            ngettext(
                "%(missed)d of %(alive)d similar promise with this little time left was missed",
                "%(missed)d of %(alive)d similar promises with this little time left were missed",
                e.alive,
            )
            % {"missed": e.missed, "alive": e.alive}
        )
    else:
        out.append(
            _("No similar promise decided yet: the rate of wider groups (%(rate)d%%) is used")
            % {"rate": round(e.base * 100)}
        )
    if s.assigned is False:
        out.append(_("No one is assigned yet"))
    elif s.load is not None and s.typical_load is not None:
        out.append(
            ngettext(
                "Assignee has %(load)d open case (team median %(typical)s)",
                "Assignee has %(load)d open cases (team median %(typical)s)",
                s.load,
            )
            % {"load": s.load, "typical": f"{s.typical_load:g}"}
        )
    if s.kind == CASE_KIND and s.responded is False and s.target in AFTER_RESPONSE:
        out.append(_("Not responded to yet"))
    elif s.kind == CASE_KIND and s.diagnosed is False and s.target in AFTER_DIAGNOSIS:
        out.append(_("Not diagnosed yet"))
    return out


# --- history from the database ---------------------------------------------------------------


def decided_q() -> Q:
    """Decided promises: missed (breached) or met (completed in time)."""
    return Q(breached_at__isnull=False) | Q(completed_at__isnull=False, met=True)


def _used_at_least(share: float) -> Q:
    """`used` ≥ share × promised minutes (durations are microseconds on SQLite, intervals on
    PostgreSQL, so the product is written per backend)."""
    if connection.features.has_native_duration_field:
        amount: Any = F("minutes") * Value(dt.timedelta(minutes=share))
    else:
        amount = F("minutes") * Value(round(share * 60_000_000))
    return Q(used__gte=ExpressionWrapper(amount, output_field=DurationField()))


def _bucket_expression() -> Case:
    """-1 for a miss; else the bucket of the share left when the promise was met."""
    whens = [
        When(breached_at__isnull=False, then=Value(-1)),
        When(~Q(rule=DueRule.SERVICE_MINUTES), then=Value(0)),
    ]
    for index, edge in enumerate(BUCKETS[:-1]):
        whens.append(When(_used_at_least(1 - edge), then=Value(index)))
    return Case(*whens, default=Value(len(BUCKETS) - 1), output_field=IntegerField())


def history_rows(qs: QuerySet[Promise]) -> list[tuple[Key, int, int]]:
    """((kind, target, priority), bucket or -1 for missed, count): one aggregate query."""
    rows = (
        qs.filter(decided_q())
        .annotate(bucket=_bucket_expression())
        .order_by()
        .values("subject_kind", "target", "priority", "bucket")
        .annotate(n=Count("pk"))
    )
    return [((r["subject_kind"], r["target"], r["priority"]), r["bucket"], r["n"]) for r in rows]


def table_of(rows: Iterable[tuple[Key, int, int]]) -> HistoryTable:
    table = HistoryTable()
    for key, bucket, n in rows:
        table.add(key, missed=bucket < 0, bucket=max(bucket, 0), n=n)
    return table


_history = ConfigMemo("risk_history", ttl=HISTORY_TTL_SECONDS, max_entries=8)


def history_table(now: dt.datetime) -> HistoryTable:
    """The table of the last HISTORY_DAYS, kept HISTORY_TTL_SECONDS per process and
    rebuilt at once when a promise is added (the key holds the newest promise id)."""
    newest = Promise.objects.aggregate(m=Max("pk"))["m"]
    since = (now - dt.timedelta(days=HISTORY_DAYS)).replace(minute=0, second=0, microsecond=0)
    qs = Promise.objects.filter(started_at__gte=since)
    return _history.get((newest, since), lambda: table_of(history_rows(qs)))


def forget_history() -> None:
    _history.clear()


# --- running promises ------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRow:
    promise: Promise
    kind_label: str
    subject: str
    url: str
    target_label: str
    probability: float
    reasons: list[str]

    @property
    def percent(self) -> int:
        return round(self.probability * 100)

    @property
    def level(self) -> str:
        """danger ≥ FLAG_AT, warning ≥ WATCH_AT, else secondary (Bootstrap colours)."""
        if self.probability >= FLAG_AT:
            return "danger"
        return "warning" if self.probability >= WATCH_AT else "secondary"


def time_left(cal: CompiledCalendar, p: Promise, now: dt.datetime) -> tuple[float, float]:
    """(service minutes to the due moment, share of the promised service time left)."""
    left = service_minutes_between(cal, now, p.due_at) if p.due_at > now else 0.0
    if p.rule == DueRule.SERVICE_MINUTES:
        total = float(p.minutes)
    else:
        total = (
            service_minutes_between(cal, p.started_at, p.due_at) if p.due_at > p.started_at else 0.0
        )
    return left, (left / total if total > 0 else 0.0)


def _assigned(user_ids: Sequence[int]) -> Q:
    """Promises on subjects assigned to any of the users, across the kinds that assign."""
    found = Q(pk__in=[])
    for code in kinds():
        kind = kind_of(code)
        if kind.assigned_to is not None:
            found |= Q(subject_kind=code, subject_id__in=kind.assigned_to(user_ids))
    return found


def running_for_user(user: Any, f: ReportFilter, now: dt.datetime) -> QuerySet[Promise]:
    """Running promises the user may see, narrowed by the filter's dimensions.

    Staff with reports.view_reports see every promise their kind permissions show; other
    staff only those on subjects assigned to them. Contacts: NotFound (the console's pages).
    """
    if not is_staff_member(user):
        raise NotFound(NO_SUCH_PAGE)
    own = not can(user, VIEW_REPORTS)
    if own:
        if f.engineer and f.engineer != user.get_username():
            raise Forbidden(NOT_ALLOWED)
        f = replace(f, engineer=user.get_username())
    f = filter_for_user(user, f)
    qs = promises_for_user(user).filter(pk__in=promises(f).values("pk"))
    qs = qs.filter(state_q(PromiseState.RUNNING, now))
    if own:
        qs = qs.filter(_assigned([user.pk]))
    return qs


@dataclass(frozen=True)
class Loads:
    """Open cases per assignee, engineers' teams and the typical loads."""

    open_cases: dict[int, int]
    teams: dict[int, str]
    medians: dict[str, float]
    overall: float

    def typical(self, user_id: int) -> float:
        return typical_for(user_id, self.teams, self.medians, self.overall)


def current_loads() -> Loads:
    """Two queries: open cases per assignee, and every engineer's team."""
    open_cases = dict(
        SupportCase.objects.filter(
            status__in=OPEN_STATUSES, merged_into__isnull=True, assignee__isnull=False
        )
        .order_by()
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .values_list("assignee_id", "n")
    )
    teams = dict(Engineer.objects.values_list("user_id", "team"))
    medians, overall = typical_loads(open_cases, teams)
    return Loads(open_cases=open_cases, teams=teams, medians=medians, overall=overall)


def situation_of(
    p: Promise, now: dt.datetime, cal: CompiledCalendar, case: dict | None, loads: Loads | None
) -> Situation:
    left, share = time_left(cal, p, now)
    extra: dict[str, Any] = {}
    if p.subject_kind == CASE_KIND and case is not None and loads is not None:
        assignee = case["assignee_id"]
        extra = {
            "assigned": assignee is not None,
            "load": loads.open_cases.get(assignee, 0) if assignee else None,
            "typical_load": loads.typical(assignee) if assignee else None,
            "responded": case["responded_at"] is not None,
            "diagnosed": case["diagnosed_at"] is not None,
        }
    return Situation(
        kind=p.subject_kind,
        target=p.target,
        priority=p.priority,
        minutes_left=left,
        share_left=share,
        **extra,
    )


def at_risk(
    user: Any,
    f: ReportFilter | None = None,
    *,
    now: dt.datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    min_probability: float = 0.0,
) -> list[RiskRow]:
    """The user's running promises with their chance of being missed, highest first.

    Ties: the earlier due first. Queries: the running promises, their cases, two for loads,
    the history (cached), then labels and links of the rows shown (one per kind).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    f = f or ReportFilter(start=today, end=today)
    limit = max(1, min(limit, MAX_LIMIT))
    running_qs = running_for_user(user, f, now)
    running = list(running_qs)
    if not running:
        return []
    table = history_table(now)
    case_ids = [p.subject_id for p in running if p.subject_kind == CASE_KIND]
    cases: dict[int, dict] = {}
    loads: Loads | None = None
    if case_ids:
        cases = {
            c["pk"]: c
            for c in SupportCase.objects.filter(
                pk__in=running_qs.filter(subject_kind=CASE_KIND).values("subject_id")
            ).values("pk", "assignee_id", "responded_at", "diagnosed_at")
        }
        loads = current_loads()
    calendars: dict[str, CompiledCalendar] = {}
    scored: list[tuple[Promise, Situation, Estimate]] = []
    for p in running:
        code = p.calendar or "5x8"
        cal = calendars.get(code) or calendars.setdefault(code, compiled_calendar(code))
        s = situation_of(
            p, now, cal, cases.get(p.subject_id) if p.subject_kind == CASE_KIND else None, loads
        )
        e = estimate(table, s)
        if e.probability >= min_probability:
            scored.append((p, s, e))
    scored.sort(key=lambda row: (-row[2].probability, row[0].due_at, row[0].pk))
    scored = scored[:limit]
    pairs = [(p.subject_kind, p.subject_id) for p, _s, _e in scored]
    names, links = subject_labels(pairs), subject_urls(pairs)
    out = []
    for p, s, e in scored:
        target_label = str(kind_of(p.subject_kind).target_label(p.target))
        out.append(
            RiskRow(
                promise=p,
                kind_label=str(subject_label(p.subject_kind)),
                subject=names.get((p.subject_kind, p.subject_id), str(p.subject_id)),
                url=links.get((p.subject_kind, p.subject_id), ""),
                target_label=target_label,
                probability=e.probability,
                reasons=reasons(s, e, target_label=target_label),
            )
        )
    return out
