"""Run the whole product on one machine: migrations, web server and background worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


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

    def handle(self, *args, host: str, port: int, demo: bool, web_workers: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if demo:
            from aftersales.registry.models import Customer

            if not Customer.objects.exists():
                self.stdout.write("Loading demo data…")
                call_command("demo")
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
            "4",
            "--graceful-timeout",
            "10",
            "--access-logfile",
            "-",
        ]
        worker = [sys.executable, "-m", "aftersales.cli", "run_huey", "--quiet"]
        # Each child leads its own process group so a signal reaches its own children too.
        children = [subprocess.Popen(cmd, env=env, start_new_session=True) for cmd in (web, worker)]
        self.stdout.write(f"aftersales on http://{host}:{port}/  (Ctrl-C to stop)")
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            self._stop(children)
        if not stopping:
            raise SystemExit("a child process exited; stopped the others")

    def _stop(self, children: list[subprocess.Popen]) -> None:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
