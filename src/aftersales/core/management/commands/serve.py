"""Run the whole product on one machine: migrations, web server and background worker."""

from __future__ import annotations

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from aftersales.core import supervisor
from aftersales.lib import wordfreq


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
        call_command("migrate", interactive=False, verbosity=0)
        if demo:
            from aftersales.registry.models import Customer

            if not Customer.objects.exists():
                self.stdout.write("Loading demo data…")
                call_command("demo", stdout=self.stdout)
        # Builds jieba's compact dictionary file if missing, so no child pays the transient
        # memory of building it (this process's memory goes with the exec below).
        wordfreq.load_jieba()
        # The children open their own connections; an inherited SQLite handle would be shared.
        connections.close_all()
        self.stdout.flush()
        sys.stderr.flush()
        # Become the thin supervisor (same pid, so signals and `ps` see one `serve`): Django,
        # its models and every app module leave this process's memory with the exec.
        argv = supervisor.argv_for(
            host=host, port=port, web_workers=web_workers, web_threads=web_threads
        )
        os.execv(argv[0], argv)
