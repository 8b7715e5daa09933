"""Build a quarter's warranty call list for N accepted assets on PostgreSQL: time and memory.

Usage: .venv/bin/python bench/callback_bench.py [--assets 1000000] [--quarter 2026-Q4]
       [--database-url postgres://…/aftersales_bench_callbacks] [--reload]

Loads (once, set-based: INSERT … SELECT generate_series) 1,000 customers, 50 product models
and N top-level assets accepted over the last six years (a fifth of them with their own
warranty months, 40 whole-customer contracts so some out-of-warranty assets are still covered),
then runs feedback.callback_generation.callbacks_generate for the quarter twice: the first run
builds the list, the second must add 0. Prints each run's wall time, rows created and the
process's peak RSS (resource.getrusage). Targets (issue 14): < 60 s and < 200 MiB; exits 1
when the first run misses either or the second adds anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

DEFAULT_URL = "postgres://aftersales:aftersales@127.0.0.1:5432/aftersales_bench_callbacks"
TARGET_SECONDS = 60
TARGET_MIB = 200
CUSTOMERS = 1_000
MODELS = 50
CONTRACTS = 40


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--quarter", default="2026-Q4")
    parser.add_argument("--reload", action="store_true", help="delete and load the assets again")
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


def _peak_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _loaded(assets: int) -> bool:
    from aftersales.registry.models import Asset

    return Asset.objects.filter(serial_number__startswith="CBB").count() == assets


def _load(assets: int) -> None:
    """Customers, models, contracts and assets, each one INSERT … SELECT generate_series."""
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.contracts.models import ServiceContract
    from aftersales.registry.models import Customer, ProductModel, Vendor
    from aftersales.sla.models import SlaPolicy

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM feedback_callbackattempt")
        cur.execute("DELETE FROM feedback_callbackitem")
        cur.execute("DELETE FROM feedback_callback")
        cur.execute(
            "DELETE FROM contracts_servicecontract_assets WHERE servicecontract_id IN "
            "(SELECT id FROM contracts_servicecontract WHERE number LIKE 'CBB-%%')"
        )
        cur.execute("DELETE FROM contracts_servicecontract WHERE number LIKE 'CBB-%%'")
        cur.execute("DELETE FROM registry_asset WHERE serial_number LIKE 'CBB%%'")
    # The few configuration rows through the ORM (their defaults), the million assets in SQL.
    vendor, _ = Vendor.objects.get_or_create(code="CBBV", defaults={"name": "Bench vendor"})
    for g in range(1, MODELS + 1):
        ProductModel.objects.get_or_create(
            vendor=vendor, name=f"CBB-M{g}", defaults={"warranty_months": 12 + 12 * (g % 4)}
        )
    Customer.objects.bulk_create(
        [Customer(code=f"CBB{g}", name=f"基准客户{g}") for g in range(1, CUSTOMERS + 1)],
        ignore_conflicts=True,
    )
    policy = SlaPolicy.objects.order_by("pk").first()
    for customer in Customer.objects.filter(code__startswith="CBB").order_by("pk")[:CONTRACTS]:
        ServiceContract.objects.create(
            number=f"CBB-{customer.code}",
            customer=customer,
            sla_policy=policy,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2027, 12, 31),
            value=10000,
        )
    with transaction.atomic(), connection.cursor() as cur:
        # Accepted between 2020-10 and 2026-09 (~2,190 days); one asset in five has its own
        # warranty months (0–60); the rest follow the warranty terms or the model's default.
        cur.execute(
            "INSERT INTO registry_asset (customer_id, serial_number, product_model_id, "
            "installed_on, accepted_on, warranty_months, software_version, notes, "
            "created_at, updated_at, is_active) "
            "SELECT c.first + (g %% %s), 'CBB' || lpad(g::text, 8, '0'), "
            "m.first + (g %% %s), "
            "DATE '2020-10-01' + (g * 7919 %% 2190)::int - 20, "
            "DATE '2020-10-01' + (g * 7919 %% 2190)::int, "
            "CASE WHEN g %% 5 = 0 THEN (g %% 61)::int END, '', '', %s, %s, true "
            "FROM generate_series(1::bigint, %s) g, "
            "(SELECT min(id) AS first FROM registry_customer WHERE code LIKE 'CBB%%') c, "
            "(SELECT min(id) AS first FROM registry_productmodel WHERE name LIKE 'CBB-M%%') m",
            [CUSTOMERS, MODELS, now, now, assets],
        )
        cur.execute("ANALYZE registry_asset")
        cur.execute("ANALYZE feedback_callback")


def main() -> int:
    args = _args()
    _setup(args.database_url)
    from aftersales.feedback.callback_generation import callbacks_generate, parse_period

    if args.reload or not _loaded(args.assets):
        started = time.perf_counter()
        _load(args.assets)
        print(f"loaded {args.assets:,} assets in {time.perf_counter() - started:.1f} s")
    else:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("DELETE FROM feedback_callbackattempt")
            cur.execute("DELETE FROM feedback_callbackitem")
            cur.execute("DELETE FROM feedback_callback")
    period = parse_period(args.quarter)
    base = _peak_mib()
    results = []
    for run in ("first", "again"):
        started = time.perf_counter()
        result = callbacks_generate(period=period)
        seconds = time.perf_counter() - started
        results.append((seconds, result))
        print(
            f"{run:<6} {args.quarter}: {seconds:6.1f} s, created {result['created']:>9,}, "
            f"existing {result['existing']:>9,}, peak RSS {_peak_mib():6.1f} MiB "
            f"(after Django's start: {base:.1f} MiB)"
        )
    (first_s, first), (_again_s, again) = results
    ok = first_s < TARGET_SECONDS and _peak_mib() < TARGET_MIB and again["created"] == 0
    print("targets met" if ok else f"targets missed: < {TARGET_SECONDS} s, < {TARGET_MIB} MiB, 0")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
