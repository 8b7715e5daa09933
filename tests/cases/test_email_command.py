"""`aftersales ingest_email`: the MTA pipe; exit codes tell the MTA to accept, bounce or retry."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from aftersales.cases.models import InboundEmail
from tests.cases.email_support import raw_mail

EX_DATAERR, EX_TEMPFAIL = 65, 75


def _env(var_dir, database: str) -> dict[str, str]:
    skip = {"REDIS_URL", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    return {**env, "AFTERSALES_VAR": str(var_dir), "DATABASE_URL": f"sqlite:///{database}"}


def _aftersales(*args: str, env: dict[str, str], stdin: bytes = b""):
    cmd = [sys.executable, "-m", "aftersales.cli", *args]
    return subprocess.run(cmd, env=env, input=stdin, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def migrated_env(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("ingest-var")
    env = _env(var_dir, str(var_dir / "db.sqlite3"))
    result = _aftersales("migrate", "--no-input", env=env)
    assert result.returncode == 0, result.stderr.decode()
    return env


def test_piped_message_is_stored_and_exits_zero(migrated_env):
    result = _aftersales("ingest_email", env=migrated_env, stdin=raw_mail(sender="new@x.cn"))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().startswith("stored id=")
    assert "status=triage reason=unknown_sender" in result.stdout.decode()


def test_empty_stdin_exits_with_dataerr(migrated_env):
    result = _aftersales("ingest_email", env=migrated_env, stdin=b"")
    assert result.returncode == EX_DATAERR
    assert b"rejected: The input is not an e-mail message." in result.stderr


def test_database_trouble_exits_with_tempfail_so_the_mta_retries(tmp_path):
    env = _env(tmp_path, str(tmp_path / "never-migrated.sqlite3"))
    result = _aftersales("ingest_email", env=env, stdin=raw_mail())
    assert result.returncode == EX_TEMPFAIL, result.stderr.decode()
    assert b"temporary failure" in result.stderr


@pytest.mark.django_db
def test_call_command_reads_the_message_from_a_stdin_stream(contact_a):
    contact_a.email = "zhang@example.cn"
    contact_a.save(update_fields=["email"])
    out = io.StringIO()
    call_command("ingest_email", stdin=io.BytesIO(raw_mail()), stdout=out)
    mail = InboundEmail.objects.get()
    assert out.getvalue().strip() == f"stored id={mail.pk} status=new_case case={mail.case.number}"


@pytest.mark.django_db
def test_call_command_refuses_text_that_is_not_a_message():
    with pytest.raises(SystemExit) as exc:
        call_command("ingest_email", stdin=io.BytesIO(b"hello"), stderr=io.StringIO())
    assert exc.value.code == EX_DATAERR
