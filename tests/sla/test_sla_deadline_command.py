"""`aftersales sla_deadline` as shared/contract.md states it: one line out, exit 2 on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from aftersales.sla.selectors import calendar_get
from aftersales.sla.services import calendar_day_set

CONSOLE_SCRIPT = Path(sys.executable).with_name("aftersales")


@pytest.fixture
def run(tmp_path):
    """Run the real console script against an empty database: built-ins need no tables."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "AFTERSALES_VAR": str(tmp_path / "var"),
        "SECRET_KEY": "test",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(CONSOLE_SCRIPT), "sla_deadline", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def deadline(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("sla_deadline", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_console_script_prints_monday_0930_for_friday_1630_plus_60(run):
    done = run("--calendar", "5x8", "--start", "2026-11-27T16:30:00+08:00", "--minutes", "60")
    assert (done.returncode, done.stdout, done.stderr) == (0, "2026-11-30T09:30:00+08:00\n", "")


def test_console_script_answers_in_the_offset_of_the_start(run):
    done = run("--calendar", "7x24", "--start", "2026-11-27T16:30:00Z", "--minutes", "90")
    assert done.stdout == "2026-11-27T18:00:00+00:00\n"


def test_console_script_counts_from_the_next_service_minute(run):
    done = run("--calendar", "5x8", "--start", "2026-10-03T10:00:00+08:00", "--minutes", "30")
    assert done.stdout == "2026-10-08T09:30:00+08:00\n"


@pytest.mark.parametrize(
    "args",
    [
        ("--calendar", "9x9", "--start", "2026-11-27T16:30:00+08:00", "--minutes", "60"),
        ("--calendar", "5x8", "--start", "2026-11-27T16:30:00", "--minutes", "60"),
        ("--calendar", "5x8", "--start", "2026-11-27T16:30:00+08:00"),
    ],
    ids=["unknown-calendar", "start-without-offset", "missing-minutes"],
)
def test_console_script_refuses_bad_input_with_one_line_and_status_2(run, args):
    done = run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("start", "minutes"),
    [
        ("next friday", "60"),
        ("2026-11-27", "60"),
        ("2026-11-27T16:30:00+08:00", "-5"),
        ("2026-11-27T16:30:00+08:00", "1.5"),
        ("2026-11-27T16:30:00+08:00", "sixty"),
        ("2026-11-27T16:30:00+08:00", "999999999"),
    ],
    ids=["not-iso", "date-only", "negative", "fraction", "words", "beyond-2199"],
)
@pytest.mark.django_db
def test_bad_start_or_minutes_is_a_status_2_error(start, minutes):
    with pytest.raises(CommandError) as error:
        deadline("--calendar", "5x8", "--start", start, "--minutes", minutes)
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_call_command_uses_the_calendar_days_the_admin_entered():
    five = calendar_get(code="5x8")
    calendar_day_set(calendar=five, date=date(2026, 11, 30), kind="closed", note="公司年会")
    out = deadline("--calendar", "5x8", "--start", "2026-11-27T16:30:00+08:00", "--minutes", "60")
    assert out == "2026-12-01T09:30:00+08:00\n"


@pytest.mark.django_db
def test_call_command_unknown_calendar_is_a_status_2_error():
    with pytest.raises(CommandError) as error:
        deadline("--calendar", "9x9", "--start", "2026-11-27T16:30:00+08:00", "--minutes", "60")
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_call_command_warns_when_the_deadline_runs_into_an_unpublished_year():
    err = StringIO()
    call_command(
        "sla_deadline",
        "--calendar=5x8",
        "--start=2026-12-31T16:30:00+08:00",
        "--minutes=60",
        stdout=StringIO(),
        stderr=err,
    )
    assert "2027" in err.getvalue()
