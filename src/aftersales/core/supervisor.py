"""The process `aftersales serve` becomes once migrated: a thin parent of gunicorn and Huey.

Standard library only, on purpose: `serve` migrates with Django loaded, then execs this module
(`python -m aftersales.core.supervisor`), so the parent that waits for the children for days
holds a bare interpreter (~10 MiB) rather than Django's app registry and models (~160 MiB).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

STOP_TIMEOUT_SECONDS = 15
_PR_SET_PDEATHSIG = 1
# A web worker is replaced after about this many requests (jittered so the workers do not
# restart together): whatever a long-lived process accumulates stays bounded.
MAX_REQUESTS = 2000
MAX_REQUESTS_JITTER = 200


def _die_with_parent() -> None:
    # Runs in the child before exec: if `serve` is killed outright (SIGKILL), the kernel
    # sends the child SIGTERM instead of leaving gunicorn or the worker orphaned.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def commands(*, host: str, port: int, web_workers: int, web_threads: int) -> list[list[str]]:
    """The children's command lines: gunicorn, then the Huey consumer."""
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "aftersales.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(web_workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(web_threads),
        "--graceful-timeout",
        "10",
        "--max-requests",
        str(MAX_REQUESTS),
        "--max-requests-jitter",
        str(MAX_REQUESTS_JITTER),
        "--access-logfile",
        "-",
        # Its default control socket lives in $HOME, shared by every instance on the machine.
        "--no-control-socket",
        # Above the app's own 4,096-character limit, so an API client hears JSON 414 from
        # RequestHygieneMiddleware; only lines over 8 KiB get gunicorn's plain-text refusal.
        "--limit-request-line",
        "8190",
    ]
    worker = [sys.executable, "-m", "aftersales.cli", "run_huey", "--quiet"]
    return [web, worker]


def supervise(cmds: Sequence[list[str]], *, banner: str = "") -> int:
    """Run the children until a signal or the first one's exit; stop them all; exit code."""
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aftersales.settings"}
    # Handlers go in before any child exists, so no signal can orphan one.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Each child leads its own session: Ctrl-C reaches only us, and we stop them in order.
    children: list[subprocess.Popen] = []
    try:
        for cmd in cmds:
            children.append(
                subprocess.Popen(cmd, env=env, start_new_session=True, preexec_fn=_die_with_parent)
            )
        if banner:
            print(banner, flush=True)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        _stop(children)
    if not stopping:
        print("a child process exited; stopped the others", file=sys.stderr, flush=True)
        return 1
    print("aftersales stopped.", flush=True)
    return 0


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)
            child.wait()


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)


def argv_for(*, host: str, port: int, web_workers: int, web_threads: int) -> list[str]:
    """The command line that runs this module with these options (serve execs it)."""
    return [
        sys.executable,
        "-m",
        "aftersales.core.supervisor",
        "--host",
        host,
        "--port",
        str(port),
        "--web-workers",
        str(web_workers),
        "--web-threads",
        str(web_threads),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aftersales-supervisor", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=2)
    args = parser.parse_args(argv)
    cmds = commands(
        host=args.host,
        port=args.port,
        web_workers=args.web_workers,
        web_threads=args.web_threads,
    )
    return supervise(
        cmds, banner=f"aftersales on http://{args.host}:{args.port}/  (Ctrl-C to stop)"
    )


if __name__ == "__main__":
    sys.exit(main())
