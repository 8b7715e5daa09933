"""`aftersales sla_deadline --calendar CODE --start ISO --minutes N` (see shared/contract.md)."""

from __future__ import annotations

import re
import sys
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import DatabaseError

from aftersales.sla.calendar import CalendarRangeError, add_service_minutes
from aftersales.sla.selectors import UnknownCalendar, compiled_calendar

# The contract promises exit status 2 for every bad input, argparse's own errors included.
EXIT_BAD_INPUT = 2
_WHOLE_MINUTES = re.compile(r"\d{1,9}")


def _bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=EXIT_BAD_INPUT)


class Command(BaseCommand):
    help = (
        "Print the moment N minutes of service time on calendar CODE have elapsed after START, "
        "in START's UTC offset. START needs an offset (2026-11-27T16:30:00+08:00); a start "
        "outside service time counts from the next service minute."
    )
    # Answers in milliseconds and works without a database for 7x24 and 5x8.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def one_line_error(message: str) -> None:
            # argparse would print the usage too; the contract wants one line.
            if parser.called_from_command_line:
                sys.stderr.write(f"{subcommand}: error: {message}\n")
                sys.exit(EXIT_BAD_INPUT)
            raise _bad_input(message)

        parser.error = one_line_error
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--calendar", required=True, help="calendar code, e.g. 5x8 or 7x24")
        parser.add_argument("--start", required=True, help="ISO-8601 moment with a UTC offset")
        parser.add_argument("--minutes", required=True, help="whole minutes of service time, ≥ 0")

    # Machine interface (MTA pipe, scripts): messages stay in English whatever the locale.
    @no_translations
    def handle(self, *args, calendar: str, start: str, minutes: str | int, **options):
        minutes_text = str(minutes).strip()
        if not _WHOLE_MINUTES.fullmatch(minutes_text):
            raise _bad_input(f"--minutes must be a whole number of minutes ≥ 0, not {minutes!r}")
        try:
            moment = datetime.fromisoformat(start.strip())
        except ValueError:
            raise _bad_input(f"--start is not an ISO-8601 moment: {start!r}") from None
        if moment.utcoffset() is None:
            raise _bad_input(f"--start needs a UTC offset, e.g. {start.strip()}+08:00")
        try:
            cal = compiled_calendar(calendar)
        except UnknownCalendar as exc:
            raise _bad_input(str(exc.message)) from None
        except DatabaseError as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise _bad_input(f"cannot read calendar {calendar!r}: {message}") from None
        try:
            due = add_service_minutes(cal, moment, int(minutes_text))
        except CalendarRangeError as exc:
            raise _bad_input(str(exc)) from None
        for year in cal.unknown_years_in(moment, due):
            # Not an error: the answer stands, but it assumed a plain Monday–Friday year.
            self.stderr.write(
                f"warning: {year} holidays not yet published; counted as Monday–Friday "
                "plus days entered by hand"
            )
        self.stdout.write(due.isoformat())
