"""The dispatch board and an engineer's day on PostgreSQL: render time p50/p95.

Usage: .venv/bin/python bench/dispatch_bench.py [--engineers 300] [--appointments 2000]
       [--requests 50] [--runs 5] [--database-url postgres://…/aftersales_bench_apt] [--reload]

Loads (once, bulk) N engineers over the seven regions with two skills each, 200 customers with
a site each, 3,000 open cases assigned round-robin (the board's load column), and M
appointments on one day spread over the engineers (one to two hours each, back to back),
plus a week of earlier appointments (7×M) so the day is a slice of a larger table. Then renders
GET /appointments/board/?day=… as the seat and GET /appointments/my-day/?day=… as an
engineer through Django's test client (the whole view, template and queries; no network),
`--requests` times per run (`--gc-freeze`: freeze the warmed heap first, as a server's
post-fork hook would). Prints p50/p95/max per page per run and the median p95 over the runs.
Targets (issue 13): board < 200 ms p95, day < 100 ms p95; exits 1 when either misses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

DEFAULT_URL = "postgres://aftersales:aftersales@127.0.0.1:5432/aftersales_bench_apt"
TARGETS_MS = {"board": 200.0, "my-day": 100.0}
DAY = dt.date(2026, 12, 8)
REGIONS = ["华北", "东北", "华东", "华南", "华中", "西南", "西北"]
CUSTOMERS = 200
CASES = 3_000
PREFIX = "dbench"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--engineers", type=int, default=300)
    parser.add_argument("--appointments", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reload", action="store_true", help="delete and load the data again")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after the warm-up, as a server's post-fork hook would",
    )
    return parser.parse_args()


def _setup(url: str) -> None:
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("refusing: the database name must contain 'bench' (the loader deletes rows)")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def _loaded(engineers: int, appointments: int) -> bool:
    from aftersales.fieldservice.models import Appointment
    from aftersales.registry.models import Engineer

    day_start = dt.datetime.combine(DAY, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(hours=8)
    return (
        Engineer.objects.filter(name__startswith=PREFIX).count() == engineers
        and Appointment.objects.filter(
            starts_at__gte=day_start, starts_at__lt=day_start + dt.timedelta(days=1)
        ).count()
        == appointments
    )


def _load(engineers: int, appointments: int) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.accounts.models import User
    from aftersales.accounts.roles import Role
    from aftersales.cases.models import Case, CaseType
    from aftersales.fieldservice.models import Appointment, AppointmentStatus
    from aftersales.registry.models import Customer, Engineer, Site, Skill

    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM fieldservice_proposedslot")
            cur.execute("DELETE FROM fieldservice_appointment")
        Case.objects.filter(number__startswith="DB-").delete()
        Engineer.objects.filter(name__startswith=PREFIX).delete()
        Site.objects.filter(customer__code__startswith="DBK").delete()
        Customer.objects.filter(code__startswith="DBK").delete()
        User.objects.filter(username__startswith=PREFIX).delete()

        users = User.objects.bulk_create(
            User(username=f"{PREFIX}{n:04d}", display_name=f"工程师{n:04d}", password="!")
            for n in range(engineers)
        )
        group = Group.objects.get(name=Role.ENGINEER)
        group.user_set.add(*users)
        seat, _ = User.objects.get_or_create(username=f"{PREFIX}seat", defaults={"password": "!"})
        Group.objects.get(name=Role.DISPATCHER).user_set.add(seat)
        skills = [
            Skill.objects.get_or_create(code=f"{PREFIX}-{code}", defaults={"name": code})[0]
            for code in ("storage", "network", "server", "ups")
        ]
        profiles = Engineer.objects.bulk_create(
            Engineer(user=u, name=f"{PREFIX}{n:04d}", region=REGIONS[n % len(REGIONS)])
            for n, u in enumerate(users)
        )
        through = Engineer.skills.through
        through.objects.bulk_create(
            through(engineer_id=p.pk, skill_id=skills[(n + k) % len(skills)].pk)
            for n, p in enumerate(profiles)
            for k in range(2)
        )
        customers = Customer.objects.bulk_create(
            Customer(code=f"DBK{n:04d}", name=f"客户{n:04d}", region=REGIONS[n % len(REGIONS)])
            for n in range(CUSTOMERS)
        )
        sites = Site.objects.bulk_create(
            Site(customer=c, name="机房", region=c.region, address=f"某市某路{n}号")
            for n, c in enumerate(customers)
        )
        case_type = CaseType.objects.order_by("pk").first()
        Case.objects.bulk_create(
            Case(
                number=f"DB-{n:06d}",
                title="bench",
                customer=customers[n % CUSTOMERS],
                case_type=case_type,
                priority="P3",
                channel="phone",
                status="assigned",
                assignee=users[n % engineers],
                created_at=now,
                updated_at=now,
            )
            for n in range(CASES)
        )
        rows = []
        for day_offset in range(-7, 1):
            day = DAY + dt.timedelta(days=day_offset)
            start_of_day = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
            cursor = [start_of_day] * engineers
            for n in range(appointments):
                e = n % engineers
                length = dt.timedelta(minutes=60 + 30 * (n % 3))
                site = sites[(e + n) % CUSTOMERS]
                rows.append(
                    Appointment(
                        engineer=users[e],
                        starts_at=cursor[e],
                        ends_at=cursor[e] + length,
                        customer_id=site.customer_id,
                        site=site,
                        region=site.region,
                        address=site.address,
                        kind="case" if n % 2 else "other",
                        status=AppointmentStatus.DONE
                        if day_offset < 0
                        else AppointmentStatus.CONFIRMED,
                    )
                )
                cursor[e] = cursor[e] + length
        Appointment.objects.bulk_create(rows, batch_size=5_000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _time(client, url: str, n: int) -> list[float]:
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def main() -> int:
    args = _args()
    _setup(args.database_url)
    from django.test import Client
    from django.utils import translation

    from aftersales.accounts.models import User

    if args.reload or not _loaded(args.engineers, args.appointments):
        started = time.perf_counter()
        _load(args.engineers, args.appointments)
        print(f"loaded in {time.perf_counter() - started:.1f} s")
    translation.activate("zh-hans")
    seat = Client()
    seat.force_login(User.objects.get(username=f"{PREFIX}seat"))
    engineer = Client()
    engineer.force_login(User.objects.get(username=f"{PREFIX}0000"))
    pages = {
        "board": (seat, f"/appointments/board/?day={DAY:%Y-%m-%d}"),
        "my-day": (engineer, f"/appointments/my-day/?day={DAY:%Y-%m-%d}"),
    }
    for client, url in pages.values():
        _time(client, url, 3)  # warm the caches and the template loader
    if args.gc_freeze:
        # The startup heap (Django, templates, translations) out of the collector's reach: a
        # full collection otherwise walks it and is most of the p95 (see perf notes).
        gc.collect()
        gc.freeze()
    p95s: dict[str, list[float]] = {name: [] for name in pages}
    for run in range(args.runs):
        for name, (client, url) in pages.items():
            values = _time(client, url, args.requests)
            p95s[name].append(_p95(values))
            print(
                f"run {run + 1} {name:7s} p50 {statistics.median(values):6.1f} ms  "
                f"p95 {_p95(values):6.1f} ms  max {max(values):6.1f} ms"
            )
    failed = False
    print("median p95 over the runs:")
    for name, values in p95s.items():
        median = statistics.median(values)
        ok = median < TARGETS_MS[name]
        failed |= not ok
        verdict = "ok" if ok else "MISSED"
        print(f"  {name:7s} {median:6.1f} ms (target < {TARGETS_MS[name]:.0f} ms) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
