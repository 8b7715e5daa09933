"""The SLA sweep at scale: its cost must not grow with closed cases.

Usage: .venv/bin/python bench/sla_sweep_bench.py [--database-url URL] [--closed 1000000]
       [--open 20000] [--due 5000] [--runs 5] [--reload] [--check]

Needs a PostgreSQL database whose name contains "bench" (default aftersales_bench, shared with
the other benches: this one only adds, and on --reload deletes, rows of its own customer
`SLB000001`, users `slbench_…` and cases `SB-…`). It migrates the database, loads --closed
closed cases with COPY (each with its kept response promise) and --open open cases with their
promises (reused while the sizes match), VACUUM ANALYZEs, then per run:
(a) times `sla_sweep()` with nothing due (target < 50 ms), after EXPLAINing its claim query;
(b) makes --due open cases due for their 30-minute response reminder and times one
    `sla_sweep()` that fires them all: per step an EscalationFiring, an activity, four outbox
    rows (engineer and seat, e-mail and SMS) and the case's next check (target < 10 s).
Outbox rows, firings and activities of the run are deleted before the next one. Huey enqueues
go to a SqliteHuey file in a temporary directory. Prints each run and the medians; exits 1 with
--check when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_URL = "postgres://aftersales:aftersales@127.0.0.1:5432/aftersales_bench"
CUSTOMER = "SLB000001"
PREFIX = "SB-"
ENGINEERS = 20
IDLE_TARGET_MS = 50
DUE_TARGET_S = 10


def setup(url: str) -> None:
    if "bench" not in (urlparse(url).path or ""):
        sys.exit("refusing to run on a database whose name does not contain 'bench'")
    os.environ["DATABASE_URL"] = url
    # Huey tasks enqueued after each commit land in a throw-away SqliteHuey file.
    os.environ["AFTERSALES_VAR"] = tempfile.mkdtemp(prefix="slabench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _defaults(model, values: dict) -> list:
    """Column values for COPY: given ones, else the field's default, '' or NULL."""
    from django.db import models

    row = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.attname in values:
            row.append(values[f.attname])
        elif f.has_default():
            row.append(f.get_default())
        elif f.null:
            row.append(None)
        elif isinstance(f, models.BooleanField):
            row.append(False)
        else:
            row.append("")
    return row


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if not f.primary_key]


def people():
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import User
    from aftersales.registry.models import Customer, Engineer

    customer, _ = Customer.objects.get_or_create(
        code=CUSTOMER, defaults={"name": "SLA压测客户有限公司", "region": "华东"}
    )
    seat, _ = User.objects.get_or_create(
        username="slbench_seat",
        defaults={"email": "seat@slabench.example", "phone": "13800000000"},
    )
    User.objects.filter(pk=seat.pk).update(phone="13800000000")
    seat.groups.add(Group.objects.get_or_create(name="dispatcher")[0])
    engineers = []
    for i in range(ENGINEERS):
        user, _ = User.objects.get_or_create(
            username=f"slbench_eng{i:02d}",
            defaults={"email": f"eng{i}@slabench.example", "phone": f"1390000{i:04d}"},
        )
        user.groups.add(Group.objects.get_or_create(name="engineer")[0])
        Engineer.objects.get_or_create(user=user, defaults={"name": f"工程师{i}", "region": "华东"})
        engineers.append(user)
    return customer, seat, engineers


def loaded(closed: int, open_: int) -> bool:
    from aftersales.cases.models import Case

    cases = Case.objects.filter(customer__code=CUSTOMER)
    return (
        cases.filter(status="closed").count() == closed
        and cases.exclude(status="closed").count() == open_
    )


def load(closed: int, open_: int) -> None:
    from django.db import connection, transaction

    from aftersales.cases.models import Case, CaseType
    from aftersales.core.models import Activity
    from aftersales.sla.models import Promise

    customer, seat, engineers = people()
    fault = CaseType.objects.get(code="fault")
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cur:
            # Only this bench's rows; raw SQL because a million ORM deletes take minutes.
            mine = "(SELECT id FROM cases_case WHERE customer_id = %s)"
            promises = (
                f"(SELECT id FROM sla_promise WHERE subject_kind = 'case' AND subject_id IN {mine})"
            )
            cur.execute(
                f"DELETE FROM sla_escalationfiring WHERE promise_id IN {promises}", [customer.pk]
            )
            for table in ("sla_promise", Activity._meta.db_table):
                cur.execute(
                    f"DELETE FROM {table} WHERE subject_kind = 'case' AND subject_id IN {mine}",
                    [customer.pk],
                )
            cur.execute("DELETE FROM cases_case WHERE customer_id = %s", [customer.pk])
        long_ago = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        names = ", ".join(_columns(Case))
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f"COPY cases_case ({names}) FROM STDIN") as cp,
        ):
            for i in range(closed):
                at = long_ago + dt.timedelta(minutes=i)
                cp.write_row(
                    _defaults(
                        Case,
                        {
                            "number": f"{PREFIX}C{i:08d}",
                            "title": "已关闭的历史工单",
                            "customer_id": customer.pk,
                            "case_type_id": fault.pk,
                            "priority": "P3",
                            "channel": "phone",
                            "status": "closed",
                            "created_at": at,
                            "updated_at": at,
                            "closed_at": at + dt.timedelta(days=1),
                            "sla_calendar": "5x8",
                        },
                    )
                )
        print(f"  COPY {closed:,} closed cases: {time.perf_counter() - started:.0f}s")
        with connection.cursor() as cur:
            # Each closed case keeps its kept response promise: idle rows the sweep must not see.
            cur.execute(
                "INSERT INTO sla_promise (subject_kind, subject_id, customer_id, priority, target, "
                "rule, minutes, calendar, started_at, used, due_at, completed_at, met) "
                "SELECT 'case', id, customer_id, 'P3', 'response', 'service_minutes', 30, '5x8', "
                "created_at, interval '10 minutes', created_at + interval '30 minutes', "
                "created_at + interval '10 minutes', true FROM cases_case "
                "WHERE customer_id = %s AND status = 'closed'",
                [customer.pk],
            )
        now = dt.datetime.now(dt.UTC)
        batch = []
        for i in range(open_):
            at = now - dt.timedelta(minutes=5)
            batch.append(
                Case(
                    number=f"{PREFIX}O{i:08d}",
                    title="打开的工单",
                    customer=customer,
                    case_type=fault,
                    priority="P2",
                    channel="phone",
                    status="assigned",
                    assignee=engineers[i % ENGINEERS],
                    assigned_at=at,
                    created_by=seat,
                    created_at=at,
                    updated_at=at,
                    sla_calendar="7x24",
                )
            )
        Case.objects.bulk_create(batch, batch_size=2000)
        opened = list(Case.objects.filter(customer=customer).exclude(status="closed"))
        Promise.objects.bulk_create(
            (
                Promise(
                    subject_kind="case",
                    subject_id=case.pk,
                    customer_id=customer.pk,
                    priority=case.priority,
                    calendar="7x24",
                    target=target,
                    minutes=minutes,
                    started_at=case.created_at,
                    running_since=case.created_at,
                    due_at=case.created_at + dt.timedelta(minutes=minutes),
                )
                for case in opened
                for target, minutes in (("response", 60), ("diagnosis", 240), ("resolution", 1440))
            ),
            batch_size=5000,
        )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE cases_case")
        cur.execute("VACUUM ANALYZE sla_promise")
    print(f"  loaded in {time.perf_counter() - started:.0f}s")


def arrange(now: dt.datetime, due: int) -> None:
    """Every open case idle (next check in the future) except `due` whose reminder is due."""
    from django.db import connection, transaction

    from aftersales.cases.models import Case
    from aftersales.core.models import Activity
    from aftersales.notify.models import OutboxMessage
    from aftersales.sla.models import EscalationFiring, Promise

    mine = Case.objects.filter(customer__code=CUSTOMER).exclude(status="closed")
    with transaction.atomic():
        EscalationFiring.objects.filter(
            promise__subject_kind="case", promise__subject_id__in=mine.values("pk")
        ).delete()
        Activity.objects.filter(subject_kind="case", subject_id__in=mine.values("pk")).delete()
        OutboxMessage.objects.filter(ref_type="case", ref_id__startswith=PREFIX).delete()
        ids = list(mine.order_by("pk").values_list("pk", flat=True))
        hot, idle = ids[:due], ids[due:]
        created = now - dt.timedelta(minutes=31)
        # Hot: opened 31 minutes ago on 7×24, so the 30-minute reminder is due (and only it).
        Case.objects.filter(pk__in=hot).update(
            created_at=created,
            assigned_at=created,
            response_due_at=created + dt.timedelta(minutes=60),
            next_sla_check_at=created + dt.timedelta(minutes=30),
            sla_due_at=created + dt.timedelta(minutes=60),
        )
        mine_promises = Promise.objects.filter(subject_kind="case")
        mine_promises.filter(subject_id__in=hot).update(started_at=created, running_since=created)
        with connection.cursor() as cur:
            # Hot: the response promise's next check is its 30-minute reminder, the others'
            # their due moment (the P2 ladder has no earlier step on them).
            cur.execute(
                "UPDATE sla_promise SET due_at = started_at + make_interval(mins => minutes), "
                "next_check_at = CASE WHEN target = 'response' "
                "THEN started_at + interval '30 minutes' "
                "ELSE started_at + make_interval(mins => minutes) END, breached_at = NULL "
                "WHERE subject_kind = 'case' AND subject_id = ANY(%s)",
                [hot],
            )
            # Idle: next checks spread over the coming ten hours.
            cur.execute(
                "UPDATE sla_promise SET next_check_at = %s + make_interval(secs => id %% 36000)"
                " + interval '1 minute' WHERE subject_kind = 'case' AND subject_id = ANY(%s)",
                [now, idle],
            )
        cur_count = Promise.objects.filter(next_check_at__lte=now).count()
        assert cur_count == due, cur_count
    with connection.cursor() as cur:
        cur.execute("ANALYZE cases_case")
        cur.execute("ANALYZE sla_promise")


def explain(now: dt.datetime) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN (ANALYZE, FORMAT TEXT) SELECT id FROM sla_promise "
            "WHERE next_check_at <= %s ORDER BY next_check_at, id LIMIT 100 "
            "FOR UPDATE SKIP LOCKED",
            [now],
        )
        return "\n".join(r[0] for r in cur.fetchall())


def run(due: int) -> tuple[float, float, float, int]:
    from aftersales.sla.services import sla_sweep

    now = dt.datetime.now(dt.UTC)
    arrange(now, due)
    idle = []
    for _ in range(5):
        start = time.perf_counter()
        report = sla_sweep(now=now - dt.timedelta(minutes=2))  # before the hot ones: nothing due
        idle.append((time.perf_counter() - start) * 1000)
        assert report.cases == 0
    start, cpu = time.perf_counter(), time.process_time()
    report = sla_sweep(now=now)
    busy, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert report.fired == due, report
    return statistics.median(idle), busy, cpu, report.messages


def machine() -> str:
    cpu = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in out.splitlines() if "Model name" in ln), ""
        )
    except OSError:
        pass
    load1 = os.getloadavg()[0]
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, load {load1:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.due > args.open:
        sys.exit("--due cannot exceed --open")
    setup(args.database_url)
    people()
    if args.reload or not loaded(args.closed, args.open):
        print(f"loading {args.closed:,} closed and {args.open:,} open cases …")
        load(args.closed, args.open)
    print(explain(dt.datetime.now(dt.UTC)))
    idles, busies, cpus = [], [], []
    for i in range(max(1, min(args.runs, 50))):
        idle, busy, cpu, messages = run(args.due)
        idles.append(idle)
        busies.append(busy)
        cpus.append(cpu)
        print(
            f"run {i + 1}: nothing due {idle:.1f} ms; {args.due:,} steps {busy:.2f} s "
            f"(Django process CPU {cpu:.2f} s; {messages:,} outbox rows, "
            f"{args.due / busy:,.0f} steps/s), load {os.getloadavg()[0]:.1f}"
        )
    idle, busy = statistics.median(idles), statistics.median(busies)
    print(
        f"median: nothing due {idle:.1f} ms (target < {IDLE_TARGET_MS}), "
        f"{args.due:,} steps {busy:.2f} s (target < {DUE_TARGET_S}), "
        f"process CPU {statistics.median(cpus):.2f} s — {machine()}"
    )
    if args.check and (idle >= IDLE_TARGET_MS or busy >= DUE_TARGET_S):
        sys.exit(1)


if __name__ == "__main__":
    main()
