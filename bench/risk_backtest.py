"""Backtest of the at-risk model (reports.risk): how well did it warn one hour before due?

Usage:
  DATABASE_URL=sqlite:////tmp/risk-demo.sqlite3 .venv/bin/python bench/risk_backtest.py
  DATABASE_URL=postgres://aftersales:aftersales@127.0.0.1:5432/aftersales_risk \\
      .venv/bin/python bench/risk_backtest.py --generate 50000 [--seed 16]

Replays every decided promise (missed: breached; met: completed in time) that was still open
one hour (wall) before its due moment: at that moment the model sees only the promises decided
strictly before it (no leakage), the assignee's load from the cases open at that moment
(created_at ≤ t < resolved_at, or closed_at; the case's assignee now stands for its assignee
then) and whether the case had been responded to / diagnosed by then. Flagged: probability
≥ --threshold (0.7). Reports precision (flagged that were missed), recall (misses flagged),
the Brier score, and the same figures of the history rate alone (no load or stage terms).

`--generate N` first writes a synthetic history of about N case promises (response, diagnosis,
resolution) under customer RBK00001 with cases `RB-…` and engineers `rbench_…` (earlier rows
of its own are deleted): about 28 cases a day for 40 engineers in four teams, busy weeks,
engineers of uneven pull, service time that grows with the engineer's open cases at arrival
(about 16 % of promises missed); see _simulate(). The replay itself (`replay()`) is pure
and importable (tests/reports).
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import math
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aftersales.sla.calendar import CompiledCalendar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LEAD = dt.timedelta(hours=1)
THRESHOLD = 0.7
PREFIX = "RB-"
CUSTOMER = "RBK00001"
USER_PREFIX = "rbench_"


@dataclass(frozen=True)
class PromiseRecord:
    """A decided promise as the replay needs it (used_minutes: service time banked)."""

    id: int
    kind: str
    target: str
    priority: str
    rule: str
    minutes: int
    calendar: str
    subject_id: int
    started_at: dt.datetime
    due_at: dt.datetime
    completed_at: dt.datetime | None
    breached_at: dt.datetime | None
    used_minutes: float

    @property
    def missed(self) -> bool:
        return self.breached_at is not None

    @property
    def decided_at(self) -> dt.datetime:
        return self.breached_at if self.breached_at is not None else self.completed_at  # type: ignore[return-value]

    @property
    def end_bucket(self) -> int:
        """The bucket of the share left when met (0 when unknown: fixed due rules)."""
        from aftersales.reports.risk import bucket_of
        from aftersales.sla.models import DueRule

        if self.rule != DueRule.SERVICE_MINUTES or not self.minutes:
            return 0
        return bucket_of(1 - self.used_minutes / self.minutes)


@dataclass(frozen=True)
class CaseRecord:
    id: int
    assignee_id: int | None
    created_at: dt.datetime
    ended_at: dt.datetime | None  # resolved, else closed; None while open
    responded_at: dt.datetime | None
    diagnosed_at: dt.datetime | None


@dataclass
class Flag:
    promise_id: int
    moment: dt.datetime
    probability: float
    base: float
    missed: bool
    history_size: int  # decided promises the model could see


@dataclass
class Result:
    flags: list[Flag] = field(default_factory=list)
    threshold: float = THRESHOLD

    def figures(self, *, base_only: bool = False) -> dict:
        value = (lambda f: f.base) if base_only else (lambda f: f.probability)
        flagged = [f for f in self.flags if value(f) >= self.threshold]
        misses = [f for f in self.flags if f.missed]
        hits = [f for f in flagged if f.missed]
        brier = sum((value(f) - f.missed) ** 2 for f in self.flags) / max(len(self.flags), 1)
        return {
            "replayed": len(self.flags),
            "missed": len(misses),
            "flagged": len(flagged),
            "flagged_and_missed": len(hits),
            "precision": len(hits) / len(flagged) if flagged else None,
            "recall": len(hits) / len(misses) if misses else None,
            "brier": brier,
        }


def replay(
    promises: Sequence[PromiseRecord],
    cases: dict[int, CaseRecord],
    teams: dict[int, str],
    *,
    lead: dt.timedelta = LEAD,
    threshold: float = THRESHOLD,
    calendar: Callable[[str], CompiledCalendar] | None = None,
) -> Result:
    """Estimate each decided promise at due − lead from what was known then (pure, given
    `calendar`: code → compiled calendar; default the engine's compiled_calendar)."""
    from aftersales.reports import risk
    from aftersales.sla.calendar import service_minutes_between
    from aftersales.sla.selectors import compiled_calendar

    calendar = calendar or compiled_calendar

    decided = sorted(promises, key=lambda p: p.decided_at)
    # Replayed: promises already running and not yet decided at their moment (due − lead).
    moments = sorted(
        (
            (p.due_at - lead, p)
            for p in promises
            if p.started_at < p.due_at - lead and p.decided_at >= p.due_at - lead
        ),
        key=lambda pair: (pair[0], pair[1].id),
    )
    # Case open/close events for the loads at each moment: (time, +1/−1, assignee).
    events: list[tuple[dt.datetime, int, int]] = []
    for c in cases.values():
        if c.assignee_id is None:
            continue
        events.append((c.created_at, 1, c.assignee_id))
        if c.ended_at is not None:
            events.append((c.ended_at, -1, c.assignee_id))
    events.sort(key=lambda e: (e[0], e[1]))
    loads: dict[int, int] = {}
    table = risk.HistoryTable()
    calendars: dict = {}
    next_decided = next_event = 0
    result = Result(threshold=threshold)
    for moment, p in moments:
        while next_decided < len(decided) and decided[next_decided].decided_at < moment:
            d = decided[next_decided]
            table.add((d.kind, d.target, d.priority), missed=d.missed, bucket=d.end_bucket)
            next_decided += 1
        while next_event < len(events) and events[next_event][0] <= moment:
            _at, step, user = events[next_event]
            loads[user] = loads.get(user, 0) + step
            next_event += 1
        cal = calendars.get(p.calendar) or calendars.setdefault(p.calendar, calendar(p.calendar))
        left = service_minutes_between(cal, moment, p.due_at)
        if p.rule == "service_minutes":
            total = float(p.minutes)
        else:
            total = service_minutes_between(cal, p.started_at, p.due_at)
        extra: dict = {}
        case = cases.get(p.subject_id) if p.kind == risk.CASE_KIND else None
        if case is not None:
            a = case.assignee_id
            assigned = a is not None and case.created_at <= moment
            medians, overall = risk.typical_loads(loads, teams)
            extra = {
                "assigned": assigned,
                "load": loads.get(a, 0) if assigned else None,
                "typical_load": risk.typical_for(a, teams, medians, overall) if assigned else None,
                "responded": case.responded_at is not None and case.responded_at < moment,
                "diagnosed": case.diagnosed_at is not None and case.diagnosed_at < moment,
            }
        situation = risk.Situation(
            kind=p.kind,
            target=p.target,
            priority=p.priority,
            minutes_left=left,
            share_left=left / total if total > 0 else 0.0,
            **extra,
        )
        e = risk.estimate(table, situation)
        result.flags.append(
            Flag(
                promise_id=p.id,
                moment=moment,
                probability=e.probability,
                base=e.base,
                missed=p.missed,
                history_size=len(table),
            )
        )
    return result


# --- reading the database --------------------------------------------------------------------


def load_records() -> tuple[list[PromiseRecord], dict[int, CaseRecord], dict[int, str]]:
    """Decided promises with a due moment, the cases they belong to, and engineers' teams."""
    from aftersales.cases.models import Case
    from aftersales.registry.models import Engineer
    from aftersales.reports.risk import decided_q
    from aftersales.sla.models import Promise

    promises = []
    fields = (
        "pk",
        "subject_kind",
        "target",
        "priority",
        "rule",
        "minutes",
        "calendar",
        "subject_id",
        "started_at",
        "due_at",
        "completed_at",
        "breached_at",
        "used",
    )
    rows = Promise.objects.filter(decided_q()).values_list(*fields).order_by().iterator(5000)
    for row in rows:
        (pk, kind, target, prio, rule, minutes, cal, sid, started, due, done, breached, used) = row
        due = due or breached
        if due is None:
            continue
        promises.append(
            PromiseRecord(
                id=pk,
                kind=kind,
                target=target,
                priority=prio,
                rule=rule,
                minutes=minutes,
                calendar=cal or "5x8",
                subject_id=sid,
                started_at=started,
                due_at=due,
                completed_at=done,
                breached_at=breached,
                used_minutes=used.total_seconds() / 60,
            )
        )
    case_ids = {p.subject_id for p in promises if p.kind == "case"}
    cases = {}
    qs = Case.objects.order_by().values_list(
        "pk", "assignee_id", "created_at", "resolved_at", "closed_at", "responded_at",
        "diagnosed_at",
    )  # fmt: skip
    for pk, assignee, created, resolved, closed, responded, diagnosed in qs.iterator(5000):
        if pk in case_ids or assignee is not None:
            cases[pk] = CaseRecord(pk, assignee, created, resolved or closed, responded, diagnosed)
    teams = dict(Engineer.objects.values_list("user_id", "team"))
    return promises, cases, teams


# --- the generated history -------------------------------------------------------------------

# Service minutes per priority and target, and the calendar each priority runs on.
TARGETS = {
    "P1": {"response": 30, "diagnosis": 120, "resolution": 480},
    "P2": {"response": 60, "diagnosis": 240, "resolution": 960},
    "P3": {"response": 120, "diagnosis": 480, "resolution": 1440},
    "P4": {"response": 240, "diagnosis": 960, "resolution": 2400},
}
CALENDAR = {"P1": "7x24", "P2": "7x24", "P3": "5x8", "P4": "5x8"}
PRIORITY_WEIGHTS = (("P1", 0.08), ("P2", 0.22), ("P3", 0.45), ("P4", 0.25))
# How tightly each priority is worked: the median share of the target used at low load.
PRIORITY_PACE = {"P1": 0.45, "P2": 0.5, "P3": 0.45, "P4": 0.4}
TEAMS = ("华东一组", "华东二组", "华南一组", "华北一组")
ENGINEERS = 40
CASES_PER_DAY = 28  # for 40 engineers: the history grows longer, not busier, with N


def _simulate(
    n_promises: int,
    seed: int,
    start: dt.datetime,
    calendar: Callable[[str], CompiledCalendar] | None = None,
) -> tuple[list[dict], list[dict]]:
    """Cases and their promises as dicts (no database but `calendar`): the miss pattern is
    driven by the engineer's open cases at arrival and by the priority, with noise."""
    from aftersales.sla.calendar import add_service_minutes
    from aftersales.sla.selectors import compiled_calendar

    calendar = calendar or compiled_calendar

    rnd = random.Random(seed)
    n_cases = n_promises // 3
    pulls = [rnd.lognormvariate(0, 0.5) for _ in range(ENGINEERS)]
    days = max(30, n_cases // CASES_PER_DAY)
    span = days * 24 * 3600
    # Busy weeks: arrivals thicker in some weeks than others.
    week_weight = [rnd.uniform(0.5, 1.8) for _ in range(days // 7 + 1)]
    arrivals = []
    while len(arrivals) < n_cases:
        t = rnd.random() * span
        if rnd.random() < week_weight[int(t // (7 * 86400))] / 1.8:
            arrivals.append(t)
    arrivals.sort()
    open_by: list[list[float]] = [[] for _ in range(ENGINEERS)]  # heaps of end times
    cases, promises = [], []
    for n, offset in enumerate(arrivals):
        created = start + dt.timedelta(seconds=offset)
        priority = rnd.choices(
            [p for p, _w in PRIORITY_WEIGHTS], [w for _p, w in PRIORITY_WEIGHTS]
        )[0]
        engineer = rnd.choices(range(ENGINEERS), pulls)[0]
        heap = open_by[engineer]
        while heap and heap[0] <= offset:
            heapq.heappop(heap)
        load = len(heap)
        cal = calendar(CALENDAR[priority])
        pace = PRIORITY_PACE[priority] * (1 + load / 6) ** 0.9
        ends: dict[str, dt.datetime] = {}
        used_before = 0.0
        case_promises = []
        for target, minutes in TARGETS[priority].items():
            share = max(rnd.lognormvariate(math.log(pace), 0.45), 0.02)
            used = max(share * minutes, used_before * 1.05)
            used_before = used
            done = add_service_minutes(cal, created, used)
            due = add_service_minutes(cal, created, minutes)
            ends[target] = done
            late = done > due
            case_promises.append(
                {
                    "target": target,
                    "priority": priority,
                    "minutes": minutes,
                    "calendar": cal.code,
                    "started_at": created,
                    "due_at": due,
                    "completed_at": done,
                    "breached_at": due if late else None,
                    "met": not late,
                    "used": dt.timedelta(minutes=used),
                }
            )
        heapq.heappush(heap, (ends["resolution"] - start).total_seconds())
        cases.append(
            {
                "n": n,
                "engineer": engineer,
                "priority": priority,
                "created_at": created,
                "responded_at": ends["response"],
                "diagnosed_at": ends["diagnosis"],
                "resolved_at": ends["resolution"],
            }
        )
        promises.append(case_promises)
    return cases, promises


def generate(n_promises: int, seed: int = 16) -> int:
    """Write the synthetic history (replacing an earlier one of its own); returns promises."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from aftersales.cases.models import Case, CaseType, Status
    from aftersales.registry.models import Customer, Engineer
    from aftersales.sla.models import Promise

    start = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
    cases, promises = _simulate(n_promises, seed, start)
    User = get_user_model()
    with transaction.atomic():
        old = Case.objects.filter(number__startswith=PREFIX)
        Promise.objects.filter(subject_kind="case", subject_id__in=old.values("pk")).delete()
        old.delete()
        customer, _new = Customer.objects.get_or_create(
            code=CUSTOMER, defaults={"name": "风险回测客户"}
        )
        case_type = CaseType.objects.order_by("pk").first()
        users = []
        for i in range(ENGINEERS):
            user, _new = User.objects.get_or_create(username=f"{USER_PREFIX}{i:02d}")
            Engineer.objects.update_or_create(
                user=user, defaults={"name": f"回测工程师{i}", "team": TEAMS[i % len(TEAMS)]}
            )
            users.append(user)
        rows = [
            Case(
                number=f"{PREFIX}{c['n']:07d}",
                title="回测工单",
                customer=customer,
                case_type=case_type,
                priority=c["priority"],
                channel="phone",
                status=Status.CLOSED,
                assignee=users[c["engineer"]],
                created_at=c["created_at"],
                updated_at=c["resolved_at"],
                assigned_at=c["created_at"],
                responded_at=c["responded_at"],
                diagnosed_at=c["diagnosed_at"],
                resolved_at=c["resolved_at"],
                closed_at=c["resolved_at"],
            )
            for c in cases
        ]
        Case.objects.bulk_create(rows, batch_size=2000)
        ids = dict(Case.objects.filter(number__startswith=PREFIX).values_list("number", "pk"))
        promise_rows = []
        for c, case_promises in zip(cases, promises, strict=True):
            pk = ids[f"{PREFIX}{c['n']:07d}"]
            for p in case_promises:
                promise_rows.append(
                    Promise(
                        subject_kind="case",
                        subject_id=pk,
                        customer_id=customer.pk,
                        target=p["target"],
                        priority=p["priority"],
                        minutes=p["minutes"],
                        calendar=p["calendar"],
                        started_at=p["started_at"],
                        due_at=p["due_at"],
                        completed_at=p["completed_at"],
                        breached_at=p["breached_at"],
                        met=p["met"],
                        used=p["used"],
                    )
                )
        Promise.objects.bulk_create(promise_rows, batch_size=2000)
    return len(promise_rows)


# --- main ------------------------------------------------------------------------------------


def only_generated(
    promises: Iterable[PromiseRecord], cases: dict[int, CaseRecord]
) -> list[PromiseRecord]:
    generated = set(cases)
    return [p for p in promises if p.kind == "case" and p.subject_id in generated]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f} %"


def report(name: str, result: Result) -> None:
    for label, base_only in (("model", False), ("history rate only", True)):
        f = result.figures(base_only=base_only)
        print(
            f"{name} [{label}]: replayed {f['replayed']}, missed {f['missed']}, "
            f"flagged ≥{result.threshold:.0%} {f['flagged']} ({f['flagged_and_missed']} missed): "
            f"precision {_pct(f['precision'])}, recall {_pct(f['recall'])}, "
            f"Brier {f['brier']:.3f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", type=int, default=0, help="write ~N case promises first")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--lead-minutes", type=int, default=60)
    parser.add_argument("--migrate", action="store_true", help="migrate the database first")
    parser.add_argument(
        "--generated-only", action="store_true", help="replay only the generated history"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    import django

    django.setup()
    from django.conf import settings

    if args.migrate or args.generate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    db = settings.DATABASES["default"]
    print(f"database: {db['ENGINE']} {db['NAME']}")
    print(f"machine: {machine()}")
    if args.generate:
        began = time.perf_counter()
        written = generate(args.generate, seed=args.seed)
        print(f"generated {written} promises in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    promises, cases, teams = load_records()
    loaded = time.perf_counter() - began
    if args.generate or args.generated_only:
        from aftersales.cases.models import Case

        mine = set(Case.objects.filter(number__startswith=PREFIX).values_list("pk", flat=True))
        cases = {pk: c for pk, c in cases.items() if pk in mine}
        promises = only_generated(promises, cases)
    began = time.perf_counter()
    result = replay(
        promises,
        cases,
        teams,
        lead=dt.timedelta(minutes=args.lead_minutes),
        threshold=args.threshold,
    )
    took = time.perf_counter() - began
    print(
        f"decided promises {len(promises)}, cases {len(cases)}: loaded in {loaded:.1f} s, "
        f"replayed in {took:.1f} s"
    )
    report("backtest", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
