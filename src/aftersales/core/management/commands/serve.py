"""Run the whole product on one machine: migrations, web server and background worker."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

STOP_TIMEOUT_SECONDS = 15
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Runs in the child before exec: if `serve` is killed outright (SIGKILL), the kernel
    # sends the child SIGTERM instead of leaving gunicorn or the worker orphaned.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Migrate, optionally load demo data, then run gunicorn and the Huey worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--demo", action="store_true", help="load demo data into an empty database"
        )
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2"))
        )
        # Two threads a process: more spend the CPU on the GIL (docs/performance.md).
        parser.add_argument(
            "--web-threads", type=int, default=int(os.environ.get("WEB_THREADS", "2"))
        )

    def handle(
        self, *args, host: str, port: int, demo: bool, web_workers: int, web_threads: int, **options
    ):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        call_command("migrate", interactive=False, verbosity=0)
        if demo:
            from aftersales.registry.models import Customer

            if not Customer.objects.exists():
                self.stdout.write("Loading demo data…")
                call_command("demo", stdout=self.stdout)
        # The children open their own connections; an inherited SQLite handle would be shared.
        connections.close_all()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aftersales.settings"}
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
            "--access-logfile",
            "-",
            # Its default control socket lives in $HOME, shared by every instance on the machine.
            "--no-control-socket",
        ]
        worker = [sys.executable, "-m", "aftersales.cli", "run_huey", "--quiet"]
        # Handlers go in before any child exists, so no signal can orphan one.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # Each child leads its own session: Ctrl-C reaches only us, and we stop them in order.
        children: list[subprocess.Popen] = []
        try:
            for cmd in (web, worker):
                children.append(
                    subprocess.Popen(
                        cmd, env=env, start_new_session=True, preexec_fn=_die_with_parent
                    )
                )
            self.stdout.write(f"aftersales on http://{host}:{port}/  (Ctrl-C to stop)")
            self.stdout.flush()
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            self._stop(children)
        if not stopping:
            raise SystemExit("a child process exited; stopped the others")
        self.stdout.write("aftersales stopped.")

    def _stop(self, children: list[subprocess.Popen]) -> None:
        for child in children:
            if child.poll() is None:
                self._signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal_group(child, signal.SIGKILL)
                child.wait()

    @staticmethod
    def _signal_group(child: subprocess.Popen, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signum)
