"""Memory of one `aftersales serve`: the peak resident size of each of its processes.

Usage: .venv/bin/python bench/memory_bench.py [--dir /tmp/aftersales_memory_bench]
       [--cases 20000] [--requests 1500] [--clients 4]

Loads --cases cases of case_bench's data set into a SQLite file in a directory of its own
(sqlite_bench.py's loader, reused while the size matches), starts `aftersales serve` there on
127.0.0.1 (a free port), drives a bounded mix of --requests API calls from --clients threads
(one creation in five; queue filters, case pages and searches for the rest) plus the console's
queue and case pages, then prints every process's VmRSS and VmHWM (peak) from /proc/<pid>/status
and stops serve. Target: no process over 150 MiB. Exits 1 when one is.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import case_bench as cb  # noqa: E402
import sqlite_bench as sb  # noqa: E402

TARGET_MIB = 150
SEAT_PASSWORD = "bench-seat-password-1"  # noqa: S105  (a throw-away database)


def status_of(pid: int) -> dict[str, str]:
    fields = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def descendants(pid: int) -> list[int]:
    """pid and every process below it, parents first."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop(0)
        found.append(p)
        todo.extend(sorted(children.get(p, [])))
    return found


def role(pid: int, serve_pid: int) -> str:
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    if pid == serve_pid:
        return "serve (supervisor)"
    if "run_huey" in cmd:
        return "Huey consumer"
    if "gunicorn" in cmd:
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        return "gunicorn master" if parent == serve_pid else "gunicorn worker"
    return cmd[:60]


def mib(value: str) -> float:
    return int(value.split()[0]) / 1024 if value else 0.0


def wait_for(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("serve exited")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("serve did not answer within 120 s")


def console_pages(port: int, numbers: list[str], n: int) -> None:
    """Log in as the seat and read the console's queue and case pages `n` times each."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = dict(
        c.split(";")[0].split("=", 1) for c in response.headers.get_all("Set-Cookie") or []
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode(
        {"username": "cbench_seat", "password": SEAT_PASSWORD, "csrfmiddlewaretoken": token}
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "Referer": f"http://127.0.0.1:{port}/accounts/login/",
    }
    conn.request("POST", "/accounts/login/", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    for c in response.headers.get_all("Set-Cookie") or []:
        key, value = c.split(";")[0].split("=", 1)
        cookies[key] = value
    if "sessionid" not in cookies:
        raise RuntimeError(f"console login failed: {response.status}")
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    rnd = random.Random(5)
    for _ in range(n):
        for path in ("/cases/?tab=all", f"/cases/{rnd.choice(numbers)}/"):
            conn.request("GET", path, headers=cookie)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path}: {response.status}")
    conn.close()


def drive(port: int, token: str, numbers: list[str], total: int, clients: int) -> None:
    """`total` API calls from `clients` threads: a fifth creations, the rest reads."""
    paths = [p for ps in cb.read_paths(random.Random(7), numbers, total // 10 + 1).values()
             for p in ps]  # fmt: skip
    lock = threading.Lock()
    remaining = [total]
    errors: list[str] = []

    def work(k: int) -> None:
        rnd = random.Random(k)
        api = cb.Api(port, token)
        try:
            while True:
                with lock:
                    if remaining[0] <= 0 or errors:
                        return
                    remaining[0] -= 1
                if rnd.random() < 0.2:
                    body = {"customer": f"{cb.PREFIX}{rnd.randrange(cb.CUSTOMERS):05d}",
                            "title": f"{rnd.choice(cb.DEVICES)}{rnd.choice(cb.SYMPTOMS)}",
                            "priority": "P3", "case_type": "fault", "channel": "api"}  # fmt: skip
                    status, content, _ = api.call("POST", "/api/v1/cases", body)
                    ok = status == 201
                else:
                    path = rnd.choice(paths)
                    status, content, _ = api.call("GET", path)
                    ok = status == 200
                if not ok:
                    with lock:
                        errors.append(f"{status} {content[:200]!r}")
        finally:
            api.close()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    if errors:
        raise RuntimeError(f"request failed: {errors[0]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default="/tmp/aftersales_memory_bench")
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--console", type=int, default=30, help="console queue + case pages")
    args = parser.parse_args()

    home = Path(args.dir)
    home.mkdir(parents=True, exist_ok=True)
    db = home / "bench.sqlite3"
    meta = home / "params.json"
    params = {"cases": args.cases, "activities": 5}
    if not meta.exists() or json.loads(meta.read_text()) != params:
        for f in home.glob("*.sqlite3*"):
            f.unlink()
        meta.unlink(missing_ok=True)
    os.environ.update(
        AFTERSALES_VAR=str(home), DATABASE_URL=f"sqlite:///{db}", DEBUG="false",
        DJANGO_SETTINGS_MODULE="aftersales.settings", LOG_LEVEL="WARNING", WEB_WORKERS="2",
        WEB_THREADS="2",
    )  # fmt: skip
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from aftersales.accounts.models import User
    from aftersales.cases.models import Case

    print(f"machine: {cb.machine()}")
    if not meta.exists():
        call_command("migrate", verbosity=0)
        print(f"loading {params} ...")
        try:  # measuring an older tree, without it, works too
            from aftersales.core.db import analyze_sqlite  # noqa: F401

            analyze = True
        except ImportError:
            analyze = False
        sb.load(args.cases, 5, analyze=analyze)
        meta.write_text(json.dumps(params))
    seat = User.objects.get(username="cbench_seat")
    seat.set_password(SEAT_PASSWORD)
    seat.save(update_fields=["password"])
    numbers = list(Case.objects.order_by("?").values_list("number", flat=True)[:500])
    out = subprocess.run(
        [sys.executable, "-m", "aftersales.cli", "issue_token", "cbench_seat", "--name", "mem"],
        capture_output=True, text=True, check=True, env={**os.environ},
    )  # fmt: skip
    token = out.stdout.strip()
    connections.close_all()

    port = cb.free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "aftersales.cli", "serve", "--port", str(port)],
        env={**os.environ}, stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(port, proc)
        time.sleep(2)  # the Huey consumer starts on its own clock
        started = time.perf_counter()
        drive(port, token, numbers, args.requests, args.clients)
        console_pages(port, numbers, args.console)
        print(f"{args.requests} API calls + {2 * args.console} console pages in "
              f"{time.perf_counter() - started:.0f}s, {args.cases} cases loaded")  # fmt: skip
        time.sleep(3)  # let the consumer run what the creations enqueued
        worst = 0.0
        total = 0.0
        print(f"{'process':<20} {'pid':>7} {'VmRSS MiB':>10} {'VmHWM MiB':>10}")
        for pid in descendants(proc.pid):
            fields = status_of(pid)
            rss, hwm = mib(fields.get("VmRSS", "")), mib(fields.get("VmHWM", ""))
            worst, total = max(worst, hwm), total + rss
            print(f"{role(pid, proc.pid):<20} {pid:>7} {rss:10.1f} {hwm:10.1f}")
        print(f"sum of VmRSS {total:.0f} MiB; largest peak {worst:.1f} MiB (target ≤ {TARGET_MIB})")
        return 1 if worst > TARGET_MIB else 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
