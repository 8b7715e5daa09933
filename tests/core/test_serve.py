"""`aftersales serve` as a real process: it answers, and a signal stops it and every child."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# Set for the whole session once browser tests ran; the children must not inherit it.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
START_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _group_exists(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for_health(proc: subprocess.Popen, url: str) -> dict:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert proc.poll() is None, "serve exited before answering"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.3)  # a real process starting: nothing to travel in time here
    raise AssertionError(f"no answer from {url} within {START_TIMEOUT_SECONDS} s")


@pytest.fixture
def serve_env(tmp_path):
    # Always on its own SQLite file, whatever database the suite runs on: quick and isolated.
    env = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", ASYNC_UNSAFE}
    }
    return {**env, "AFTERSALES_VAR": str(tmp_path), "WEB_WORKERS": "1", "LOG_LEVEL": "WARNING"}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_answers_healthz_and_a_signal_stops_it_with_all_its_children(serve_env, signum):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "aftersales.cli", "serve", "--port", str(port)],
        env=serve_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert _wait_for_health(proc, f"http://127.0.0.1:{port}/healthz") == {"status": "ok"}
        groups = [proc.pid, *_children_of(proc.pid)]
        assert len(groups) == 3, "expected gunicorn and the Huey worker as children"
        proc.send_signal(signum)
        assert proc.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
        deadline = time.monotonic() + 5
        while any(map(_group_exists, groups)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_group_exists, groups))
    finally:
        for pgid in [proc.pid, *_children_of(proc.pid)]:
            if _group_exists(pgid):
                os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=10)


# A bare interpreter is ~10 MiB; with Django's apps and models loaded `serve` held ~160 MiB.
THIN_PARENT_KIB = 40 * 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_serve_parent_holds_no_django_once_its_children_run(serve_env):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "aftersales.cli", "serve", "--port", str(port)],
        env=serve_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for_health(proc, f"http://127.0.0.1:{port}/healthz")
        status = Path(f"/proc/{proc.pid}/status").read_text()
        rss_kib = int(status.split("VmRSS:")[1].split()[0])
        assert rss_kib < THIN_PARENT_KIB
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
    finally:
        for pgid in [proc.pid, *_children_of(proc.pid)]:
            if _group_exists(pgid):
                os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=10)
