"""How many SLA deadlines per second one process computes on the 5x8 calendar.

Usage: .venv/bin/python bench/calendar_bench.py [--n 300000] [--runs 5] [--check 100000]

Starts are random moments of 2026 in UTC (as Django hands them over), minutes random in
0..4320 (up to 72 business hours). Prints the medians of the runs, by wall clock and by CPU
time; with --check, exits 1 when the median wall-clock add rate is below that many per second.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from aftersales.sla.calendar import (  # noqa: E402
    add_service_minutes,
    builtin_calendar,
    service_minutes_between,
)


def inputs(n: int, seed: int = 2026) -> tuple[list[datetime], list[int], list[datetime]]:
    rnd = random.Random(seed)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    year = 365 * 86_400
    starts = [base + timedelta(seconds=rnd.randrange(year)) for _ in range(n)]
    minutes = [rnd.randrange(4321) for _ in range(n)]
    ends = [s + timedelta(seconds=rnd.randrange(14 * 86_400)) for s in starts]
    return starts, minutes, ends


def rate(fn, n: int) -> tuple[float, float]:
    """Operations per second by the wall clock and by this process's CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return n / (time.perf_counter() - wall), n / (time.process_time() - cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check", type=float, default=0, help="minimum add ops/s, else exit 1")
    args = parser.parse_args()

    cal = builtin_calendar("5x8")
    starts, minutes, ends = inputs(args.n)
    pairs = list(zip(starts, minutes, strict=True))
    spans = list(zip(starts, ends, strict=True))

    def adds() -> None:
        for start, n in pairs:
            add_service_minutes(cal, start, n)

    def betweens() -> None:
        for a, b in spans:
            service_minutes_between(cal, a, b)

    add_rates = [rate(adds, args.n) for _ in range(args.runs)]
    between_rates = [rate(betweens, args.n) for _ in range(args.runs)]
    add_median = statistics.median(wall for wall, _cpu in add_rates)
    # CPU time shows what the code does when other processes share the cores.
    for name, rates in (
        ("add_service_minutes", add_rates),
        ("service_minutes_between", between_rates),
    ):
        wall = statistics.median(w for w, _c in rates)
        cpu = statistics.median(c for _w, c in rates)
        print(
            f"{name:<24} 5x8: {wall:>10,.0f} ops/s wall, {cpu:>10,.0f} ops/s CPU "
            f"(median of {args.runs} × {args.n:,})"
        )
    if args.check and add_median < args.check:
        print(f"below the target of {args.check:,.0f} ops/s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
