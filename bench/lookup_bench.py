"""How fast the call-centre lookup (GET /api/v1/lookup) answers on a large registry.

Usage: .venv/bin/python bench/lookup_bench.py [--database-url URL] [--customers 100000]
       [--contacts 300000] [--assets 1000000] [--queries 300] [--runs 3] [--reload]
       [--check-ms 30]

Needs a PostgreSQL database of its own whose name contains "bench" (the loader truncates the
registry tables): `su postgres -c "createdb -O aftersales aftersales_bench"`. The script
migrates it, loads a deterministic data set with COPY (kept and reused while the sizes match),
VACUUM ANALYZEs, checks with EXPLAIN ANALYZE that every read of a large table goes through an
index, warms up, then times --queries API calls per run through Django's test Client with a
bearer token (the whole stack: middleware, token auth, permission check, selector, JSON).
Queries mix customer codes, phones in varied formats and serial numbers in varied case; every
answer is checked against the expected customer. Then --fallbacks partial names and misses,
which fall through to the partial-name search, are timed apart (not part of the target).
Exits 1 on a wrong answer, on an unindexed scan, or when --check-ms is given and the overall
median is above it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_URL = "postgres://aftersales:aftersales@127.0.0.1:5432/aftersales_bench"
LARGE_TABLES = ("registry_customer", "registry_contact", "registry_asset", "registry_project")

CITIES = ["北京", "上海", "广州", "深圳", "成都", "武汉", "西安", "南京", "杭州", "沈阳", "重庆"]
TRADES = ["电力", "银行", "证券", "医院", "制造", "物流", "电信", "燃气", "水务", "保险", "学院"]
SUFFIXES = ["有限公司", "集团", "股份有限公司", "分公司", "中心"]
REGIONS = ["华北", "东北", "华东", "华南", "华中", "西南", "西北"]
LEVELS = ["vip", "a", "b", "b", "c"]
AREA_CODES = ["010", "021", "022", "023", "024", "025", "027", "028", "029", "020"]
SERIAL_PREFIXES = ["2102", "FOC", "SGH", "CN7", "J3K"]
BIG_CUSTOMERS = 20  # the first customers own BIG_SHARE of all assets: skew, as in real life
BIG_SHARE = 0.1
ENGINEERS = 200
VENDORS = 40
MODELS_PER_VENDOR = 10


# --- the deterministic data set -------------------------------------------------------------


class Dataset:
    """Every row is a pure function of its index, so queries can name expected answers."""

    def __init__(self, customers: int, contacts: int, assets: int) -> None:
        self.customers, self.contacts, self.assets = customers, contacts, assets
        self.big_assets = int(assets * BIG_SHARE) // BIG_CUSTOMERS * BIG_CUSTOMERS
        self.projects = customers // 5

    def params(self) -> dict:
        return {"customers": self.customers, "contacts": self.contacts, "assets": self.assets}

    # customers: ids 1..C
    @staticmethod
    def code(cid: int) -> str:
        return f"BK{cid:06d}"

    @staticmethod
    def name(cid: int) -> str:
        city, trade = CITIES[cid % len(CITIES)], TRADES[(cid // 11) % len(TRADES)]
        return f"{city}{trade}{SUFFIXES[cid % len(SUFFIXES)]}{cid}"

    # contacts: j in 0..K-1, id j+1, customer j % C + 1
    def contact_customer(self, j: int) -> int:
        return j % self.customers + 1

    def contact_digits(self, j: int) -> str:
        """The normalised phone; every 1000th contact shares the previous one's switchboard."""
        if j % 1000 == 999:
            j -= 1
        tail = (j * 7919 + 12345) % 10**9
        if j % 10 == 3:
            return f"{AREA_CODES[j % len(AREA_CODES)]}{tail % 10**8:08d}"
        return f"1{3 + j % 7}{tail:09d}"

    @staticmethod
    def formatted(digits: str, style: int) -> str:
        """A phone as people type it: +86, 0086, spaces, dashes and brackets."""
        if digits.startswith("0"):
            area, num = digits[:3], digits[3:]
            return [
                f"{area}-{num}",
                f"({area}) {num[:4]} {num[4:]}",
                f"+86 {area[1:]} {num}",
                f"0086 {area[1:]}-{num}",
            ][style % 4]
        return [
            digits,
            f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}",
            f"0086-{digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"({digits[:3]}) {digits[3:7]}-{digits[7:]}",
        ][style % 4]

    # assets: k in 0..A-1, id k+1
    def asset_customer(self, k: int) -> int:
        if k < self.big_assets:
            return k // (self.big_assets // BIG_CUSTOMERS) + 1
        return BIG_CUSTOMERS + 1 + (k - self.big_assets) % (self.customers - BIG_CUSTOMERS)

    @staticmethod
    def serial(k: int) -> str:
        return f"{SERIAL_PREFIXES[k % len(SERIAL_PREFIXES)]}{k:08X}"


def rows_customers(ds: Dataset, now, managers: list[int]) -> Iterator[tuple]:
    for cid in range(1, ds.customers + 1):
        yield (
            cid,
            now,
            now,
            True,
            ds.code(cid),
            ds.name(cid),
            REGIONS[cid % len(REGIONS)],
            f"{CITIES[cid % len(CITIES)]}市{cid % 97 + 1}号路{cid % 300 + 1}号",
            LEVELS[cid % len(LEVELS)],
            managers[cid % len(managers)],
            "",
        )


def rows_sites(ds: Dataset, now) -> Iterator[tuple]:
    for cid in range(1, ds.customers + 1):
        yield (cid, now, now, True, cid, f"{CITIES[cid % len(CITIES)]}数据中心", "", "")


def rows_contacts(ds: Dataset, now) -> Iterator[tuple]:
    from aftersales.lib.phones import normalize_phone

    for j in range(ds.contacts):
        digits = ds.contact_digits(j)
        phone = ds.formatted(digits, j // 7)
        assert normalize_phone(phone) == digits, (phone, digits)
        yield (
            j + 1,
            now,
            now,
            True,
            ds.contact_customer(j),
            f"联系人{j}",
            phone,
            digits,
            f"c{j}@example.cn",
            ["信息中心主任", "系统管理员", "运维工程师"][j % 3],
            None,
        )


def rows_projects(ds: Dataset, now) -> Iterator[tuple]:
    for p in range(1, ds.projects + 1):
        started = dt.date(2018, 1, 1) + dt.timedelta(days=p % 2000)
        yield (p, now, now, True, p * 5, f"XM{p:06d}", f"项目{p}", "", started, None)


def rows_members(ds: Dataset, engineer_users: list[int]) -> Iterator[tuple]:
    for p in range(1, ds.projects + 1):
        cid = p * 5
        yield (
            2 * p - 1,
            p,
            "ours",
            engineer_users[p % len(engineer_users)],
            None,
            "项目经理",
            True,
        )
        # contact j = cid - 1 belongs to customer cid (j % C + 1)
        yield (2 * p, p, "customer", None, cid, "甲方负责人", True)


def rows_assets(ds: Dataset, now) -> Iterator[tuple]:
    models = VENDORS * MODELS_PER_VENDOR
    start = dt.date(2019, 1, 1)
    for k in range(ds.assets):
        cid = ds.asset_customer(k)
        parent = k if k % 10 == 9 and ds.asset_customer(k - 1) == cid else None
        yield (
            k + 1,
            now,
            now,
            True,
            cid,
            ds.serial(k),
            1 + (k * 31) % models,
            cid,
            cid // 5 if cid % 5 == 0 else None,
            parent,
            None,
            start + dt.timedelta(days=k % 2000),
            [12, 36, 60][k % 3],
            f"V{k % 5 + 1}.{k % 10}.{k % 7}",
            "",
        )


# --- loading ------------------------------------------------------------------------------


def copy_rows(cursor, model, columns: list[str], rows) -> int:
    """COPY rows into the model's table; other columns take the field default."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    extra = [c for c in fields if c not in columns]
    defaults = tuple(fields[c].get_default() for c in extra)
    table = model._meta.db_table
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns + extra)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row + defaults)
            n += 1
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )
    return n


def load(ds: Dataset) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.accounts.models import ApiToken, User
    from aftersales.registry.models import (
        Asset,
        Contact,
        Customer,
        Engineer,
        ProductModel,
        Project,
        ProjectMember,
        Site,
        Vendor,
    )

    now = timezone.now()
    tables = ", ".join(
        m._meta.db_table
        for m in (Asset, ProjectMember, Project, Contact, Site, Customer, ProductModel, Vendor)
    )
    with transaction.atomic():
        with connection.cursor() as c:
            c.execute(
                f"TRUNCATE {tables}, registry_engineer_customers, registry_engineer_skills, "
                "registry_engineer RESTART IDENTITY CASCADE"
            )
        bench_users = User.objects.filter(username__startswith="bench_")
        ApiToken.objects.filter(user__in=bench_users).delete()
        bench_users.delete()

        users = [
            User(username=f"bench_eng{n}", display_name=f"工程师{n}") for n in range(ENGINEERS)
        ]
        users.append(User(username="bench_seat", display_name="座席"))
        for u in users:
            u.set_unusable_password()
        users = User.objects.bulk_create(users)
        *engineer_users, seat = users
        Group.objects.get(name="engineer").user_set.add(*engineer_users)
        Group.objects.get(name="dispatcher").user_set.add(seat)
        engineers = Engineer.objects.bulk_create(
            Engineer(
                user=u,
                name=u.display_name,
                phone=f"1370000{n:04d}",
                region=REGIONS[n % 7],
                on_call=n % 10 == 0,
            )
            for n, u in enumerate(engineer_users)
        )
        vendors = Vendor.objects.bulk_create(
            Vendor(code=f"V{v:02d}", name=f"厂商{v}") for v in range(VENDORS)
        )
        ProductModel.objects.bulk_create(
            ProductModel(
                vendor=v, name=f"M{v.code}-{m}", product_line=["存储", "服务器", "网络"][m % 3]
            )
            for v in vendors
            for m in range(MODELS_PER_VENDOR)
        )

        raw = connection.connection  # psycopg 3: COPY goes straight through
        with raw.cursor() as cur:
            steps = [
                (Customer, ["id", "created_at", "updated_at", "is_active", "code", "name",
                            "region", "address", "level", "service_manager_id", "notes"],
                 rows_customers(ds, now, [u.pk for u in engineer_users[:20]])),
                (Site, ["id", "created_at", "updated_at", "is_active", "customer_id", "name",
                        "address", "region"], rows_sites(ds, now)),
                (Contact, ["id", "created_at", "updated_at", "is_active", "customer_id", "name",
                           "phone", "phone_normalized", "email", "role", "user_id"],
                 rows_contacts(ds, now)),
                (Project, ["id", "created_at", "updated_at", "is_active", "customer_id", "code",
                           "name", "description", "started_on", "accepted_on"],
                 rows_projects(ds, now)),
                (ProjectMember, ["id", "project_id", "side", "user_id", "contact_id", "role",
                                 "is_active"], rows_members(ds, [u.pk for u in engineer_users])),
                (Asset, ["id", "created_at", "updated_at", "is_active", "customer_id",
                         "serial_number", "product_model_id", "site_id", "project_id",
                         "parent_id", "installed_on", "accepted_on", "warranty_months",
                         "software_version", "notes"], rows_assets(ds, now)),
            ]  # fmt: skip
            for model, columns, rows in steps:
                started = time.perf_counter()
                n = copy_rows(cur, model, columns, rows)
                print(f"  {model._meta.db_table}: {n} rows in {time.perf_counter() - started:.1f}s")
            through = Engineer.customers.through
            pairs = (
                (e.pk, cid)
                for cid in range(1, ds.customers + 1)
                for e in {engineers[cid % ENGINEERS], engineers[(cid * 7) % ENGINEERS]}
            )
            n = copy_rows(
                cur,
                through,
                ["id", "engineer_id", "customer_id"],
                ((i, e, c) for i, (e, c) in enumerate(pairs, 1)),
            )
            print(f"  {through._meta.db_table}: {n} rows")
            cur.execute("CREATE TABLE IF NOT EXISTS bench_lookup_meta (params text NOT NULL)")
            cur.execute("DELETE FROM bench_lookup_meta")
            cur.execute("INSERT INTO bench_lookup_meta VALUES (%s)", [json.dumps(ds.params())])
    with connection.cursor() as c:
        started = time.perf_counter()
        c.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f}s")


def loaded_params() -> dict | None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT to_regclass('bench_lookup_meta') IS NOT NULL")
        if not c.fetchone()[0]:
            return None
        c.execute("SELECT params FROM bench_lookup_meta")
        row = c.fetchone()
    return json.loads(row[0]) if row else None


# --- queries ------------------------------------------------------------------------------


def make_queries(ds: Dataset, n: int, rnd: random.Random) -> list[tuple[str, str, str]]:
    """(kind, q, expected customer code); a third each of codes, phones and serials."""
    queries = []
    for i in range(n):
        kind = ("code", "phone", "serial")[i % 3]
        if kind == "code":
            cid = rnd.randint(1, ds.customers) if i % 30 else rnd.randint(1, BIG_CUSTOMERS)
            q = ds.code(cid) if i % 2 else ds.code(cid).lower()
        elif kind == "phone":
            j = rnd.randrange(ds.contacts)
            while j % 1000 in (998, 999):  # the shared switchboards are ambiguous on purpose
                j = rnd.randrange(ds.contacts)
            cid, q = ds.contact_customer(j), ds.formatted(ds.contact_digits(j), rnd.randrange(4))
        else:
            k = rnd.randrange(ds.assets)
            cid, q = ds.asset_customer(k), ds.serial(k)
            q = q.lower() if i % 2 else q
        queries.append((kind, q, ds.code(cid)))
    return queries


def fallback_queries(ds: Dataset, n: int, rnd: random.Random) -> list[tuple[str, str]]:
    """Queries that fall through to the partial-name search: names (many match) and misses."""
    out = []
    for i in range(n):
        if i % 2:
            out.append(("name", f"{rnd.choice(CITIES)}{rnd.choice(TRADES)}"))
        else:
            out.append(("miss", f"NOPE-{rnd.randrange(10**6):06d}-X"))
    return out


def timed_fallbacks(client, queries) -> tuple[dict[str, list[float]], int]:
    times: dict[str, list[float]] = {"name": [], "miss": []}
    wrong = 0
    for kind, q in queries:
        started = time.perf_counter()
        body = client.get("/api/v1/lookup", {"q": q}).json()
        times[kind].append((time.perf_counter() - started) * 1000)
        if body["customer"] is not None or bool(body["candidates"]) != (kind == "name"):
            wrong += 1
            print(f"  WRONG {kind} {q!r}", file=sys.stderr)
    return times, wrong


def explain_checks(ds: Dataset, seat) -> bool:
    """EXPLAIN ANALYZE every registry statement of typical lookups; True when all are indexed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.registry.lookup import lookup_for_user

    samples = {
        "code": ds.code(ds.customers // 2),
        "code of a big customer": ds.code(1),
        "phone": ds.formatted(ds.contact_digits(4242), 1),
        "serial": ds.serial(ds.assets - 7).lower(),
        "ambiguous phone": ds.formatted(ds.contact_digits(998), 0),
    }
    ok = True
    for label, q in samples.items():
        with CaptureQueriesContext(connection) as ctx:
            lookup_for_user(user=seat, q=q)
        statements = [s["sql"] for s in ctx.captured_queries if "registry_" in s["sql"]]
        print(f"  {label} ({q!r}): {len(ctx.captured_queries)} queries")
        with connection.cursor() as c:
            for sql in statements:
                c.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                (plan,) = c.fetchone()[0]
                bad = unindexed_scans(plan["Plan"])
                ok = ok and not bad
                table = sql.split(" FROM ", 1)[1].split()[0].strip('"')
                print(
                    f"    {'UNINDEXED ' + ','.join(sorted(bad)) if bad else 'ok':<10} "
                    f"{plan['Execution Time']:7.3f} ms  {table:<30} "
                    f"{', '.join(scans(plan['Plan']))}"
                )
    return ok


def unindexed_scans(node: dict) -> set[str]:
    """Large tables read by a sequential scan or by walking a whole index with a filter."""
    found = set()
    if node.get("Relation Name") in LARGE_TABLES:
        kind = node["Node Type"]
        if kind == "Seq Scan" or (kind.startswith("Index") and "Index Cond" not in node):
            found.add(node["Relation Name"])
    for child in node.get("Plans", []):
        found |= unindexed_scans(child)
    return found


def scans(node: dict) -> list[str]:
    out = []
    if "Relation Name" in node:
        how = node.get("Index Name") or ""
        out.append(f"{node['Node Type']} {node['Relation Name']} {how}".strip())
    for child in node.get("Plans", []):
        out.extend(scans(child))
    return out


def timed_run(client, queries) -> tuple[dict[str, list[float]], list[float], int]:
    """Wall-clock ms per kind, this process's CPU ms per call, and the count of wrong answers."""
    times: dict[str, list[float]] = {"code": [], "phone": [], "serial": []}
    cpu: list[float] = []
    wrong = 0
    for kind, q, expected in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/lookup", {"q": q})
        elapsed = (time.perf_counter() - started) * 1000
        cpu.append((time.process_time() - started_cpu) * 1000)
        body = response.json()
        if response.status_code != 200 or (body["customer"] or {}).get("code") != expected:
            wrong += 1
            print(f"  WRONG {kind} {q!r}: {response.status_code}, want {expected}", file=sys.stderr)
        times[kind].append(elapsed)
    return times, cpu, wrong


def round_trip_ms(n: int = 200) -> float:
    """Median time of `SELECT 1`: what one query costs on this machine right now."""
    from django.db import connection

    samples = []
    with connection.cursor() as c:
        for _ in range(n):
            started = time.perf_counter()
            c.execute("SELECT 1")
            c.fetchone()
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return (
        f"n={len(ordered):4d}  median {statistics.median(ordered):6.2f} ms  "
        f"p95 {p95:6.2f} ms  max {ordered[-1]:6.2f} ms"
    )


def machine() -> str:
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    memory = f"{mem_kb / 1024 / 1024:.1f} GiB"
    return f"{os.cpu_count()} cores, {model}, {memory}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=300_000)
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fallbacks", type=int, default=40, help="partial-name/miss queries")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    parser.add_argument("--check-ms", type=float, default=None)
    args = parser.parse_args()

    url = urlparse(args.database_url)
    if url.scheme not in ("postgres", "postgresql") or "bench" not in url.path:
        print("The bench needs a PostgreSQL database whose name contains 'bench'.", file=sys.stderr)
        return 2
    if not (args.customers > BIG_CUSTOMERS and args.contacts >= args.customers and args.assets):
        print(
            "Need more customers than 20, a contact per customer and some assets.", file=sys.stderr
        )
        return 2
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ["DEBUG"] = "false"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from aftersales.accounts.models import User
    from aftersales.accounts.services import token_issue

    setup_test_environment()  # lets the test Client talk to the app in this process
    ds = Dataset(args.customers, args.contacts, args.assets)
    print(f"machine: {machine()}")
    with connection.cursor() as c:
        c.execute("SHOW server_version")
        print(f"PostgreSQL {c.fetchone()[0]}, database {url.path.lstrip('/')}")
    call_command("migrate", verbosity=0)
    if args.reload or loaded_params() != ds.params():
        print(f"loading {ds.params()} ...")
        started = time.perf_counter()
        load(ds)
        print(f"loaded in {time.perf_counter() - started:.0f}s")
    else:
        print(f"reusing the loaded data set {ds.params()}")

    seat = User.objects.get(username="bench_seat")
    print("EXPLAIN ANALYZE of typical lookups:")
    indexed = explain_checks(ds, seat)
    client = Client(headers={"Authorization": f"Bearer {token_issue(user=seat, name='bench')}"})
    rnd = random.Random(args.seed)
    timed_run(client, make_queries(ds, args.warmup, rnd))

    medians, wrong_total = [], 0
    for run in range(1, args.runs + 1):
        load_before = os.getloadavg()[0]
        times, cpu, wrong = timed_run(client, make_queries(ds, args.queries, rnd))
        wrong_total += wrong
        everything = [t for values in times.values() for t in values]
        medians.append(statistics.median(everything))
        print(f"run {run}: all     {summary(everything)}")
        for kind, values in times.items():
            print(f"       {kind:<7} {summary(values)}")
        print(
            f"       Django process CPU per call: median {statistics.median(cpu):.2f} ms; "
            f"SELECT 1 round trip {round_trip_ms():.2f} ms; "
            f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
    print(f"median of run medians: {statistics.median(medians):.2f} ms")
    if args.fallbacks:
        times, wrong = timed_fallbacks(client, fallback_queries(ds, args.fallbacks, rnd))
        wrong_total += wrong
        print("fallbacks, not in the target mix (partial names that match many, and misses):")
        for kind, values in times.items():
            print(f"       {kind:<7} {summary(values)}")

    failed = wrong_total > 0 or not indexed
    if args.check_ms is not None and statistics.median(medians) > args.check_ms:
        print(f"slower than {args.check_ms} ms", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
