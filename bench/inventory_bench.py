"""Spare-parts stock at scale: the stock query and concurrent reservations (issue 12).

Usage: .venv/bin/python bench/inventory_bench.py [--database-url URL] [--parts 20000]
       [--moves 1000000] [--warehouses 40] [--queries 300] [--clients 4] [--seconds 10]
       [--reload]

Needs a PostgreSQL database whose name contains "bench" (default aftersales_bench_inventory:
the loader deletes every inventory row). It migrates the database, loads a deterministic data
set with COPY (parts `BP…`, warehouses `BW…`, ledger rows whose sums are the levels; reused
while the sizes match), ANALYZEs, then measures in-process:
(a) the stock query for one part across warehouses (inventory.selectors.stock_levels, what
GET /api/v1/stock?part_number= runs): p50/p95, target p95 < 20 ms;
(b) --clients processes reserving and releasing through the services for --seconds: moves/s,
target ≥ 200, then a recount: every level equals its ledger's sums, none below zero.
Exits 1 when a target is missed or the recount finds a difference.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_URL = "postgres://aftersales:aftersales@127.0.0.1:5432/aftersales_bench_inventory"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--parts", type=int, default=20_000)
    parser.add_argument("--moves", type=int, default=1_000_000)
    parser.add_argument("--warehouses", type=int, default=40)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--reload", action="store_true")
    return parser.parse_args()


def _setup(url: str) -> None:
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("refusing: the database name must contain 'bench' (the loader deletes rows)")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _loaded(parts: int, moves: int, warehouses: int) -> bool:
    from aftersales.inventory.models import Part, StockMove, Warehouse

    return (
        Part.objects.filter(part_number__startswith="BP").count() == parts
        and Warehouse.objects.filter(code__startswith="BW").count() == warehouses
        and StockMove.objects.count() == moves
    )


def _load(parts: int, moves: int, warehouses: int) -> None:
    """Parts, warehouses and receipts (COPY): each (part, warehouse) level gets its moves."""
    from django.db import connection, transaction
    from django.utils import timezone

    rng = random.Random(12)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        for table in (
            "inventory_stocktakeline",
            "inventory_stocktake",
            "inventory_stockmove",
            "inventory_reservation",
            "inventory_serialunit",
            "inventory_reorderpoint",
            "inventory_stocklevel",
            "inventory_bin",
            "inventory_part_product_models",
            "inventory_part",
            "inventory_warehouse_keepers",
            "inventory_warehouse",
        ):
            cur.execute(f"DELETE FROM {table}")
        raw = cur.cursor
        with raw.copy(
            "COPY inventory_warehouse (id, code, name, kind, region, is_active, created_at) "
            "FROM STDIN"
        ) as copy:
            for w in range(1, warehouses + 1):
                kind = "central" if w <= 2 else "regional"
                copy.write_row((w, f"BW{w:04d}", f"仓库{w}", kind, f"R{w % 7}", True, now))
        with raw.copy(
            "COPY inventory_part (id, part_number, name, unit_cost, sale_price, serialised, "
            "warranty_months, is_active, created_at) FROM STDIN"
        ) as copy:
            for p in range(1, parts + 1):
                copy.write_row((p, f"BP{p:06d}", f"备件{p}", 10, 20, False, 12, True, now))
        # Each part is stocked in a few warehouses; the moves are spread over those levels.
        levels = []
        for p in range(1, parts + 1):
            for w in rng.sample(range(1, warehouses + 1), k=min(3, warehouses)):
                levels.append((p, w))
        on_hand = {lv: 0 for lv in levels}
        with raw.copy(
            "COPY inventory_stockmove (kind, part_id, warehouse_id, on_hand_delta, "
            "reserved_delta, faulty_delta, serial, reason, ref_kind, at) FROM STDIN"
        ) as copy:
            for n in range(moves):
                level = levels[n % len(levels)]
                quantity = rng.randint(1, 5)
                on_hand[level] += quantity
                copy.write_row((*("receipt",), *level, quantity, 0, 0, "", "", "", now))
        with raw.copy(
            "COPY inventory_stocklevel (part_id, warehouse_id, on_hand, reserved, faulty, "
            "reorder_alerted) FROM STDIN"
        ) as copy:
            for (p, w), quantity in on_hand.items():
                copy.write_row((p, w, quantity, 0, 0, False))
        for table in ("inventory_part", "inventory_warehouse", "inventory_stockmove"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _bench_query(parts: int, queries: int, user) -> float:
    from aftersales.inventory.selectors import stock_levels

    rng = random.Random(7)
    timings = []
    for _ in range(queries):
        number = f"BP{rng.randint(1, parts):06d}"
        start = time.perf_counter()
        rows = list(stock_levels(user=user, part_number=number))
        timings.append((time.perf_counter() - start) * 1000)
        assert rows, number
    p50, p95 = statistics.median(timings), statistics.quantiles(timings, n=20)[18]
    print(f"stock query: {queries} calls, p50 {p50:.2f} ms, p95 {p95:.2f} ms (target < 20)")
    return p95


def _client(i: int, pool_ids: list[int], user_id: int, stop: float, results) -> None:
    """One client process: reserve and release until `stop`; report (moves, conflicts)."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from aftersales.core.errors import Conflict
    from aftersales.inventory import services
    from aftersales.inventory.models import Part

    rng = random.Random(i)
    moves = conflicts = 0
    try:
        user = get_user_model().objects.get(pk=user_id)
        pool = list(Part.objects.filter(pk__in=pool_ids))
        while time.monotonic() < stop:
            part = rng.choice(pool)
            try:
                reservation = services.stock_reserve(
                    part=part, by=user, ref_kind="bench", ref_id=i, region="R1"
                )
            except Conflict:
                conflicts += 1
                continue
            services.reservation_release(reservation=reservation, by=user)
            moves += 2
    finally:
        connections.close_all()
        results.put((moves, conflicts))


def _bench_reserve(parts: int, clients: int, seconds: float, user) -> tuple[float, list[int]]:
    """--clients processes (as gunicorn's workers would be: one interpreter lock each)
    reserving and releasing a small pool of parts, so they contend for the same rows."""
    import multiprocessing

    from django.db import connections

    from aftersales.inventory.models import Part

    pool = list(Part.objects.filter(part_number__startswith="BP").order_by("id")[: min(20, parts)])
    connections.close_all()  # a forked child must open its own connection
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    start = time.monotonic()
    stop = start + seconds
    procs = [
        ctx.Process(target=_client, args=(i, [p.pk for p in pool], user.pk, stop, results))
        for i in range(clients)
    ]
    for proc in procs:
        proc.start()
    reports = [results.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    elapsed = time.monotonic() - start
    moves = sum(m for m, _ in reports)
    conflicts = sum(c for _, c in reports)
    rate = moves / elapsed
    print(
        f"reserve/release: {clients} client processes, {moves} moves in {elapsed:.1f} s, "
        f"{rate:.0f} moves/s (target ≥ 200), {conflicts} conflicts"
    )
    return rate, [p.pk for p in pool]


def _recount(part_ids: list[int]) -> int:
    """Levels whose sums differ from their ledger, or whose stock is below zero."""
    from django.db.models import Sum

    from aftersales.inventory.models import StockLevel, StockMove

    wrong = 0
    sums = {
        (r["part_id"], r["warehouse_id"]): r
        for r in StockMove.objects.filter(part_id__in=part_ids)
        .values("part_id", "warehouse_id")
        .annotate(o=Sum("on_hand_delta"), r=Sum("reserved_delta"), f=Sum("faulty_delta"))
    }
    for level in StockLevel.objects.filter(part_id__in=part_ids):
        row = sums.get((level.part_id, level.warehouse_id), {"o": 0, "r": 0, "f": 0})
        sums_differ = (level.on_hand, level.reserved, level.faulty) != (
            row["o"],
            row["r"],
            row["f"],
        )
        wrong += sums_differ or level.available < 0 or level.reserved < 0
    print(f"recount: {len(part_ids)} parts, {wrong} inconsistent levels")
    return wrong


def main() -> int:
    args = _args()
    _setup(args.database_url)
    from aftersales.accounts.models import User
    from aftersales.accounts.roles import Role

    if args.reload or not _loaded(args.parts, args.moves, args.warehouses):
        started = time.monotonic()
        _load(args.parts, args.moves, args.warehouses)
        print(
            f"loaded {args.parts} parts, {args.moves} moves in {time.monotonic() - started:.0f} s"
        )
    from django.contrib.auth.models import Group

    user, _created = User.objects.get_or_create(username="ibench_keeper")
    user.groups.add(Group.objects.get(name=Role.WAREHOUSE))
    user = User.objects.get(pk=user.pk)  # fresh permission caches
    p95 = _bench_query(args.parts, args.queries, user)
    rate, part_ids = _bench_reserve(args.parts, args.clients, args.seconds, user)
    wrong = _recount(part_ids)
    return 0 if p95 < 20 and rate >= 200 and wrong == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
