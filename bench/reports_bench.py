"""Reports at scale: the service dashboard and a yearly per-customer report.

Usage: .venv/bin/python bench/reports_bench.py [--database-url URL] [--cases 1000000]
       [--activities 5000000] [--queries 20] [--runs 3] [--reload] [--load-only]
       [--only dashboard|yearly]

Targets (issue 16): with 1,000,000 cases, 5,000,000 activities and their promises on
PostgreSQL, the dashboard under 500 ms p95 and a yearly per-customer report under 5 s.

Needs a PostgreSQL database whose name contains "bench" (default aftersales_bench_reports).
It loads its own data set in SQL (INSERT … SELECT over generate_series: a few minutes for the
full size; reused while the sizes match): 2,000 customers `RB…` over five regions, one service
contract each with the default penalty rules, 200 engineers in ten teams, 20 product models;
cases spread over two years (skewed towards big customers; old ones mostly closed, the last
month's mostly open), five timeline rows a case, and three promises a case (response,
diagnosis, resolution) on the 7×24 calendar, met or missed from a deterministic hash of the
case id (about one in five missed; old cases still open are breached and running). The
cases' responded/diagnosed/resolved moments agree with their promises.

Then it times, in process through Django's test client with a manager's session:
GET /reports/ (the page), GET /api/v1/reports/dashboard, and
GET /api/v1/reports/customers/{code}/yearly (PDF and XLSX) for the customer with the most
cases. The summary is the median of the runs' p95s; exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_URL = "postgres://aftersales:aftersales@127.0.0.1:5432/aftersales_bench_reports"
TARGET_DASHBOARD_MS = 500
TARGET_YEARLY_S = 5.0

# Promised minutes per priority and target (the seeds' defaults, diagnosis and resolution as
# a contract would set them).
MINUTES = {
    "P1": {"response": 60, "diagnosis": 60, "resolution": 240},
    "P2": {"response": 60, "diagnosis": 240, "resolution": 480},
    "P3": {"response": 30, "diagnosis": 1440, "resolution": 2880},
    "P4": {"response": 30, "diagnosis": 4320, "resolution": 7200},
}
OPEN = "('new', 'assigned', 'responded', 'in_progress', 'waiting')"


PREFIX = "RB"
CUSTOMERS = 2000
ENGINEERS = 200
TEAMS = [f"{region}{n}组" for region in ("华东", "华北", "华南", "西南", "东北") for n in "一二"]
REGIONS = ["华东", "华北", "华南", "西南", "东北"]
DAYS = 730
TITLES = ["核心交换机宕机", "服务器无法启动", "防火墙告警", "存储阵列性能下降", "光模块丢包严重"]
TITLES += ["电源模块告警", "路由器反复重启", "硬盘故障", "UPS电源掉电", "备份一体机升级失败"]


def _hash(salt: str) -> str:
    """A deterministic number in [0, 1) per case id and salt."""
    return f"((hashtext(c_id::text || '{salt}') & 65535) / 65536.0)"


def _minutes_sql(target: str, priority: str = "c.priority") -> str:
    whens = " ".join(f"WHEN '{p}' THEN {m[target]}" for p, m in MINUTES.items())
    return f"(CASE {priority} {whens} END)"


def _taken_sql(target: str, priority: str, case_id: str) -> str:
    """Minutes taken for the target: minutes × (0.2 + 1.3 r²), missed when r > 0.78."""
    r = f"((hashtext({case_id}::text || '{target}') & 65535) / 65536.0)"
    return f"({_minutes_sql(target, priority)} * (0.2 + 1.3 * {r} * {r}))"


def _done_sql(target: str, status: str = "c.status") -> str:
    """Whether the case has completed this target (on time or late)."""
    if target == "response":
        return f"{status} <> 'new'"
    if target == "diagnosis":
        return f"({status} IN ('resolved', 'closed', 'in_progress', 'waiting'))"
    return f"({status} IN ('resolved', 'closed'))"


def promise_sql(target: str, first_case: int) -> str:
    """INSERT … SELECT of one target's promise for every bench case (ids ≥ first_case)."""
    minutes = _minutes_sql(target)
    taken = _taken_sql(target, "c.priority", "c.id")
    due = f"(c.created_at + make_interval(mins => {minutes}))"
    done_at = f"(c.created_at + make_interval(secs => {taken} * 60))"
    done = _done_sql(target)
    return f"""
        INSERT INTO sla_promise (subject_kind, subject_id, customer_id, contract_id, priority,
            target, rule, minutes, calendar, started_at, running_since, used, due_at,
            paused_at, completed_at, stopped_at, breached_at, met, next_check_at)
        SELECT 'case', c.id, c.customer_id, c.contract_id, c.priority, '{target}',
            'service_minutes', {minutes}, '7x24', c.created_at,
            CASE WHEN {done} THEN NULL ELSE c.created_at END,
            CASE WHEN {done} THEN make_interval(secs => {taken} * 60)
                 ELSE interval '0' END,
            {due}, NULL,
            CASE WHEN {done} THEN {done_at} END,
            NULL,
            CASE WHEN {done} AND {done_at} > {due} THEN {due}
                 WHEN NOT {done} AND {due} < now() THEN {due} END,
            CASE WHEN {done} THEN {done_at} <= {due} END,
            CASE WHEN NOT {done} AND {due} >= now() THEN {due} END
        FROM cases_case c WHERE c.id >= {first_case}
    """


def case_sql(n: int, first_id: int, defaults: dict) -> tuple[str, list]:
    """INSERT … SELECT of n cases; the moments agree with promise_sql's."""
    import datetime as dt

    from django.utils import timezone

    end = timezone.now().replace(microsecond=0)
    start = end - dt.timedelta(days=DAYS)
    status_old = "(ARRAY['closed','closed','closed','closed','closed','closed','closed','closed'," \
        "'closed','closed','closed','closed','closed','closed','closed','closed','closed'," \
        "'resolved','in_progress','waiting'])"  # fmt: skip
    status_new = "(ARRAY['new','assigned','responded','in_progress','in_progress','waiting'," \
        "'resolved','closed'])"  # fmt: skip
    priorities = "(ARRAY['P1','P2','P2','P2','P2','P3','P3','P3','P3','P3','P3','P3','P3'," \
        "'P3','P3','P4','P4','P4','P4','P4'])"  # fmt: skip
    titles = "(ARRAY[" + ",".join(f"'{t}'" for t in TITLES) + "])"
    h = {k: _hash(k) for k in ("cust", "status", "prio", "title", "eng", "model", "type")}
    created = f"(%(start)s::timestamptz + (c_id - {first_id}) * %(step)s::interval)"
    recent = f"({created} > %(end)s::timestamptz - interval '30 days')"
    status = (
        f"(CASE WHEN {recent} THEN {status_new}[1 + floor({h['status']} * 8)::int] "
        f"ELSE {status_old}[1 + floor({h['status']} * 20)::int] END)"
    )
    inner = f"""
        SELECT c_id, {created} AS created, {status} AS status,
            {priorities}[1 + floor({h["prio"]} * 20)::int] AS priority,
            1 + floor(%(customers)s * {h["cust"]} * {h["cust"]})::int AS cust_ix,
            {titles}[1 + floor({h["title"]} * {len(TITLES)})::int] AS title,
            1 + floor(%(engineers)s * {h["eng"]})::int AS eng_ix,
            1 + floor(%(models)s * {h["model"]})::int AS model_ix,
            1 + floor(%(types)s * {h["type"]})::int AS type_ix
        FROM generate_series({first_id}, {first_id + n - 1}) AS c_id
    """
    respond = _taken_sql("response", "x.priority", "x.c_id")
    diagnose = _taken_sql("diagnosis", "x.priority", "x.c_id")
    resolve = _taken_sql("resolution", "x.priority", "x.c_id")
    cols = {
        "id": "x.c_id",
        "number": f"'{PREFIX}' || lpad(x.c_id::text, 10, '0')",
        "title": "x.title",
        "customer_id": "(%(customer_ids)s::bigint[])[x.cust_ix]",
        "contract_id": "(%(contract_ids)s::bigint[])[x.cust_ix]",
        "priority": "x.priority",
        "status": "x.status",
        "assignee_id": "CASE WHEN x.status <> 'new' THEN "
        "(%(engineer_ids)s::bigint[])[x.eng_ix] END",
        "product_model_id": "(%(model_ids)s::bigint[])[x.model_ix]",
        "case_type_id": "(%(type_ids)s::bigint[])[x.type_ix]",
        "service_mode": "'remote'",
        "channel": "'phone'",
        "created_at": "x.created",
        "updated_at": "x.created",
        "assigned_at": "CASE WHEN x.status <> 'new' THEN x.created END",
        "responded_at": f"CASE WHEN {_done_sql('response', 'x.status')} THEN "
        f"x.created + make_interval(secs => {respond} * 60) END",
        "diagnosed_at": f"CASE WHEN {_done_sql('diagnosis', 'x.status')} THEN "
        f"x.created + make_interval(secs => {diagnose} * 60) END",
        "resolved_at": f"CASE WHEN {_done_sql('resolution', 'x.status')} THEN "
        f"x.created + make_interval(secs => {resolve} * 60) END",
        "closed_at": f"CASE WHEN x.status = 'closed' THEN "
        f"x.created + make_interval(secs => {resolve} * 60) + interval '1 day' END",
        "created_by_id": "%(seat)s",
        "search_text": "x.title",
    }
    params = {
        "start": start,
        "end": end,
        "step": dt.timedelta(seconds=DAYS * 86400 / n),
        **defaults["arrays"],
        "customers": len(defaults["arrays"]["customer_ids"]),
        "engineers": len(defaults["arrays"]["engineer_ids"]),
        "models": len(defaults["arrays"]["model_ids"]),
        "types": len(defaults["arrays"]["type_ids"]),
        "seat": defaults["seat"],
    }
    rest = {k: v for k, v in defaults["fields"].items() if k not in cols}
    for k in rest:
        cols[k] = f"%(d_{k})s"
        params[f"d_{k}"] = rest[k]
    sql = (
        f"INSERT INTO cases_case ({', '.join(cols)}) "
        f"SELECT {', '.join(cols.values())} FROM ({inner}) AS x"
    )
    return sql, params


ACTIVITY_SQL = """
    INSERT INTO core_activity (subject_kind, subject_id, customer_id, at, actor_id, kind, text,
        internal, changes, data)
    SELECT 'case', c.id, c.customer_id, c.created_at + k * interval '30 minutes',
        COALESCE(c.assignee_id, c.created_by_id),
        (ARRAY['created', 'assigned', 'comment', 'comment', 'resolved'])[k + 1],
        CASE WHEN k IN (2, 3) THEN '已电话联系客户，远程排查日志' ELSE '' END,
        k = 3, '{}'::jsonb, '{}'::jsonb
    FROM cases_case c CROSS JOIN generate_series(0, %(per_case)s - 1) AS k
    WHERE c.id >= %(first)s
"""


def _field_defaults(model) -> dict:
    out = {}
    for f in model._meta.concrete_fields:
        default = f.get_default()
        out[f.column] = json.dumps(default) if isinstance(default, dict | list) else default
    return out


def delete_own_rows(cursor) -> None:
    mine = f"SELECT id FROM registry_customer WHERE code LIKE '{PREFIX}%%'"
    cases = f"SELECT id FROM cases_case WHERE customer_id IN ({mine})"
    contracts = f"SELECT id FROM contracts_servicecontract WHERE customer_id IN ({mine})"
    for statement in (
        f"DELETE FROM sla_promise WHERE subject_kind = 'case' AND subject_id IN ({cases})",
        f"DELETE FROM core_activity WHERE subject_kind = 'case' AND subject_id IN ({cases})",
        f"DELETE FROM cases_case WHERE customer_id IN ({mine})",
        f"DELETE FROM contracts_penaltyrule WHERE contract_id IN ({contracts})",
        f"DELETE FROM contracts_servicecontract WHERE customer_id IN ({mine})",
        f"DELETE FROM registry_customer WHERE code LIKE '{PREFIX}%%'",
    ):
        cursor.execute(statement)


def load(n_cases: int, n_activities: int) -> None:
    """The whole data set, in one transaction."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.accounts.models import User
    from aftersales.cases.models import Case, CaseType
    from aftersales.contracts.models import PenaltyRule, ServiceContract
    from aftersales.contracts.penalties import DEFAULT_RULES
    from aftersales.registry.models import Customer, Engineer, ProductModel, Vendor
    from aftersales.sla.models import SlaPolicy

    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as c:
        delete_own_rows(c)
        users = {u.username: u for u in User.objects.filter(username__startswith="rbench_")}
        new = [
            User(username=f"rbench_eng{n}", display_name=f"工程师{n}")
            for n in range(ENGINEERS)
            if f"rbench_eng{n}" not in users
        ]
        if "rbench_seat" not in users:
            new.append(User(username="rbench_seat", display_name="座席"))
        for u in new:
            u.set_unusable_password()
        User.objects.bulk_create(new)
        engineers = list(User.objects.filter(username__startswith="rbench_eng").order_by("pk"))
        seat = User.objects.get(username="rbench_seat")
        Group.objects.get(name="engineer").user_set.add(*engineers)
        Group.objects.get(name="dispatcher").user_set.add(seat)
        have = set(Engineer.objects.filter(user__in=engineers).values_list("user_id", flat=True))
        Engineer.objects.bulk_create(
            Engineer(user=u, name=u.display_name, region=REGIONS[n % 5], team=TEAMS[n % 10],
                     created_at=now, updated_at=now)
            for n, u in enumerate(engineers) if u.pk not in have
        )  # fmt: skip
        vendor, _ = Vendor.objects.get_or_create(
            code=f"{PREFIX}V", defaults={"name": "基准厂商", "created_at": now, "updated_at": now}
        )
        models_ = []
        for n in range(20):
            m, _ = ProductModel.objects.get_or_create(
                name=f"{PREFIX}-M{n:02d}",
                vendor=vendor,
                defaults={"product_line": ["交换机", "服务器", "存储", "防火墙"][n % 4],
                          "created_at": now, "updated_at": now},
            )  # fmt: skip
            models_.append(m)
        customers = Customer.objects.bulk_create(
            Customer(code=f"{PREFIX}{n:05d}", name=f"报表基准客户{n}有限公司",
                     region=REGIONS[n % 5], created_at=now, updated_at=now)
            for n in range(CUSTOMERS)
        )  # fmt: skip
        policy = SlaPolicy.objects.filter(is_default=True).first() or SlaPolicy.objects.first()
        contracts = ServiceContract.objects.bulk_create(
            ServiceContract(
                number=f"{PREFIX}K{n:05d}",
                customer=cu,
                sla_policy=policy,
                starts_on=today - dt.timedelta(days=DAYS + 30),
                ends_on=today + dt.timedelta(days=365),
                value=Decimal(100_000 + 1000 * (n % 50)),
            )
            for n, cu in enumerate(customers)
        )
        PenaltyRule.objects.bulk_create(
            PenaltyRule(contract=k, subject_kind="case", target=t, basis=b, percent_of_value=p)
            for k in contracts
            for t, b, p in DEFAULT_RULES
        )
        c.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM cases_case")
        first = c.fetchone()[0]
        defaults = {
            "fields": _field_defaults(Case),
            "seat": seat.pk,
            "arrays": {
                "customer_ids": [cu.pk for cu in customers],
                "contract_ids": [k.pk for k in contracts],
                "engineer_ids": [u.pk for u in engineers],
                "model_ids": [m.pk for m in models_],
                "type_ids": list(CaseType.objects.values_list("pk", flat=True)),
            },
        }
        c.execute("SET LOCAL session_replication_role = replica")
        sql, params = case_sql(n_cases, first, defaults)
        c.execute(sql, params)
        print(f"  {c.rowcount} cases ({time.perf_counter() - started:.0f}s)")
        c.execute(ACTIVITY_SQL, {"per_case": max(1, round(n_activities / n_cases)), "first": first})
        print(f"  {c.rowcount} activities ({time.perf_counter() - started:.0f}s)")
        for target in ("response", "diagnosis", "resolution"):
            c.execute(promise_sql(target, first))
            print(f"  {c.rowcount} {target} promises ({time.perf_counter() - started:.0f}s)")
        for table in ("cases_case", "core_activity", "sla_promise"):
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        c.execute("CREATE TABLE IF NOT EXISTS bench_reports_meta (params text NOT NULL)")
        c.execute("DELETE FROM bench_reports_meta")
        c.execute(
            "INSERT INTO bench_reports_meta VALUES (%s)",
            [json.dumps({"cases": n_cases, "activities": n_activities})],
        )
    with connection.cursor() as c:
        for table in ("cases_case", "core_activity", "sla_promise"):
            c.execute(f"VACUUM ANALYZE {table}")
    print(f"  loaded in {time.perf_counter() - started:.0f}s")


def loaded_params() -> dict | None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT to_regclass('bench_reports_meta') IS NOT NULL")
        if not c.fetchone()[0]:
            return None
        c.execute("SELECT params FROM bench_reports_meta")
        row = c.fetchone()
    return json.loads(row[0]) if row else None


def manager():
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import User

    user, _ = User.objects.get_or_create(
        username="rbench_mgr", defaults={"display_name": "服务经理"}
    )
    Group.objects.get(name="manager").user_set.add(user)
    return user


def machine() -> str:
    import platform

    cpu = platform.processor() or platform.machine()
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    return f"{os.cpu_count()} cores, {cpu}, {mem:.1f} GiB, Python {platform.python_version()}"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(client, path: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=5_000_000)
    parser.add_argument("--queries", type=int, default=20, help="dashboard requests per run")
    parser.add_argument("--reports", type=int, default=3, help="yearly reports per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument(
        "--only",
        choices=("dashboard", "yearly"),
        default="",
        help="time only the dashboard (page and API) or only the yearly reports",
    )
    args = parser.parse_args()

    url = urlparse(args.database_url)
    if url.scheme not in ("postgres", "postgresql") or "bench" not in url.path:
        print("The bench needs a PostgreSQL database whose name contains 'bench'.", file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    os.environ["DEBUG"] = "false"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from aftersales.cases.models import Case

    settings.ALLOWED_HOSTS = ["*"]
    print(f"machine: {machine()}")
    call_command("migrate", verbosity=0)
    params = {"cases": args.cases, "activities": args.activities}
    if args.reload or loaded_params() != params:
        print(f"loading {params} ...")
        load(args.cases, args.activities)
    else:
        print(f"reusing the loaded data set {params}")
    if args.load_only:
        return 0

    client = Client()
    client.force_login(manager())
    biggest = (
        Case.objects.filter(customer__code__startswith=PREFIX)
        .values("customer__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    code, n_cases = biggest["customer__code"], biggest["n"]
    year = timezone.localdate().year - 1
    paths = {
        "dashboard page": "/reports/",
        "dashboard api": "/api/v1/reports/dashboard",
    }
    yearly = {
        "yearly pdf": f"/api/v1/reports/customers/{code}/yearly?year={year}&format=pdf",
        "yearly xlsx": f"/api/v1/reports/customers/{code}/yearly?year={year}&format=xlsx",
    }
    if args.only == "dashboard":
        yearly = {}
    elif args.only == "yearly":
        paths = {}
    print(f"yearly report: customer {code} ({n_cases} cases over two years), year {year}")
    for path in [*paths.values(), *yearly.values()]:
        timed(client, path, 1)  # warm-up: imports, compiled calendars, fonts
    p95s: dict[str, list[float]] = {}
    for run in range(1, args.runs + 1):
        print(f"run {run} (load {os.getloadavg()[0]:.1f}):")
        for name, path in paths.items():
            times = timed(client, path, args.queries)
            p95s.setdefault(name, []).append(p95(times))
            print(f"  {name:<15} p50 {statistics.median(times):7.1f} ms  p95 {p95(times):7.1f} ms")
        for name, path in yearly.items():
            times = timed(client, path, args.reports)
            p95s.setdefault(name, []).append(max(times))
            print(f"  {name:<15} max {max(times) / 1000:6.2f} s")
    failed = False
    print("median over the runs:")
    for name, values in p95s.items():
        value = statistics.median(values)
        if name.startswith("yearly"):
            ok = value / 1000 < TARGET_YEARLY_S
            print(f"  {name:<15} {value / 1000:6.2f} s   (target < {TARGET_YEARLY_S} s) "
                  f"{'ok' if ok else 'MISSED'}")  # fmt: skip
        else:
            ok = value < TARGET_DASHBOARD_MS
            print(f"  {name:<15} {value:7.1f} ms (p95, target < {TARGET_DASHBOARD_MS} ms) "
                  f"{'ok' if ok else 'MISSED'}")  # fmt: skip
        failed |= not ok
    print(json.dumps({k: statistics.median(v) for k, v in p95s.items()}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
