"""`aftersales demo`: load realistic Chinese demo data (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from aftersales.core.db import analyze_sqlite
from aftersales.registry import demo


class Command(BaseCommand):
    help = "Load realistic Chinese demo data; running it again adds only what is missing."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=demo.DEFAULT_CUSTOMERS)
        parser.add_argument(
            "--cases",
            type=int,
            default=None,
            help=f"default: {demo.DEFAULT_CASES_PER_CUSTOMER} per customer",
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)

    def handle(self, *args, customers: int, cases: int | None, seed: int, **options):
        if customers < 0 or (cases is not None and cases < 0):
            raise CommandError("--customers and --cases must not be negative")
        if cases is None:
            cases = demo.DEFAULT_CASES_PER_CUSTOMER * customers
        result = demo.load(customers=customers, cases=cases, seed=seed)
        if result.created:
            # A bulk load changes the tables' sizes: fresh statistics for SQLite's planner.
            analyze_sqlite()
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        if result.created:
            added = ", ".join(f"{count} {kind}" for kind, count in result.created.items())
            self.stdout.write(f"Demo data added: {added}.")
        else:
            self.stdout.write("Demo data already complete: nothing added.")
        self.stdout.write("Demo logins (username / password):")
        for username, password in demo.CREDENTIALS.items():
            self.stdout.write(f"  {username:<8} {password}")
        self.stdout.write(
            f"  other staff (seat2, eng2..eng8, expert1, mgr1, ...) {demo.STAFF_PASSWORD}; "
            f"engineers {demo.ENGINEER_PASSWORD}; portal kh0002, kh0003 {demo.PORTAL_PASSWORD}"
        )
