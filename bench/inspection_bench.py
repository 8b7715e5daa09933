"""Generate a contract year of inspection visits for N contracts on PostgreSQL: time it.

Usage: .venv/bin/python bench/inspection_bench.py [--contracts 10000] [--runs 3]
       [--database-url postgres://…/aftersales_bench_insp]

Loads (once) 1,000 customers and N active contracts started over the last year (80 % four
visits a year, 10 % twice, 10 % monthly), then per run deletes every plan, visit, visit promise
and visit timeline row and runs fieldservice.inspection_plans.generate_plans over all contracts
in chunks of 1,000 (one transaction each: plans, visits, promises and timeline rows are one
INSERT each per chunk), then once more to check it adds nothing. Prints each run's wall time and
rows; target (issue 13): < 30 s for 10,000 contracts; exits 1 when the median misses it or the
second pass creates anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

DEFAULT_URL = "postgres://aftersales:aftersales@127.0.0.1:5432/aftersales_bench_insp"
TARGET_SECONDS = 30
CUSTOMERS = 1_000
CHUNK = 1_000


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def _setup(url: str) -> None:
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("refusing: the database name must contain 'bench' (the loader deletes rows)")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(count: int) -> None:
    from aftersales.contracts.models import ServiceContract
    from aftersales.registry.models import Customer
    from aftersales.sla.models import SlaPolicy

    have = ServiceContract.objects.filter(number__startswith="HT-BENCH-").count()
    if have >= count:
        return
    customers = list(Customer.objects.filter(code__startswith="KH-BENCH-"))
    if len(customers) < CUSTOMERS:
        Customer.objects.bulk_create(
            Customer(code=f"KH-BENCH-{i:05d}", name=f"巡检客户{i:05d}", region="east")
            for i in range(len(customers), CUSTOMERS)
        )
        customers = list(Customer.objects.filter(code__startswith="KH-BENCH-"))
    policy = SlaPolicy.objects.get(code="5x8")
    today = dt.date.today()
    rows = []
    for i in range(have, count):
        starts = today - dt.timedelta(days=i % 360)
        per_year = 2 if i % 10 == 1 else 12 if i % 10 == 2 else 4
        rows.append(
            ServiceContract(
                number=f"HT-BENCH-{i:06d}",
                customer=customers[i % len(customers)],
                sla_policy=policy,
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=3 * 365),
                value=Decimal("100000.00"),
                inspections_per_year=per_year,
            )
        )
    ServiceContract.objects.bulk_create(rows, batch_size=2_000)


def _reset() -> None:
    from aftersales.core.models import Activity
    from aftersales.fieldservice.models import InspectionPlan, InspectionVisit
    from aftersales.sla.models import Promise

    Activity.objects.filter(subject_kind="inspection_visit").delete()
    Promise.objects.filter(subject_kind="inspection_visit").delete()
    InspectionVisit.objects.all().delete()
    InspectionPlan.objects.all().delete()


def _generate(contracts: list) -> int:
    from django.db import transaction

    from aftersales.fieldservice.inspection_plans import generate_plans

    created = 0
    for start in range(0, len(contracts), CHUNK):
        with transaction.atomic():
            done = generate_plans(contracts[start : start + CHUNK])
        created += sum(1 for g in done if g.created)
    return created


def main() -> int:
    args = _args()
    _setup(args.database_url)
    from aftersales.contracts.models import ServiceContract
    from aftersales.fieldservice.models import InspectionVisit
    from aftersales.sla.models import Promise

    _load(args.contracts)
    contracts = list(
        ServiceContract.objects.filter(number__startswith="HT-BENCH-")
        .select_related("customer")
        .order_by("pk")[: args.contracts]
    )
    times = []
    ok = True
    for run in range(args.runs):
        _reset()
        began = time.perf_counter()
        plans = _generate(contracts)
        took = time.perf_counter() - began
        times.append(took)
        visits = InspectionVisit.objects.count()
        promises = Promise.objects.filter(subject_kind="inspection_visit").count()
        again = _generate(contracts)
        ok = ok and again == 0 and visits == promises
        print(
            f"run {run + 1}: {took:.2f} s, {plans} plans, {visits} visits, {promises} promises; "
            f"second pass created {again}"
        )
    median = statistics.median(times)
    print(f"median {median:.2f} s for {len(contracts)} contracts (target < {TARGET_SECONDS} s)")
    return 0 if ok and median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
