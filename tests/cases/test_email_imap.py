"""IMAP polling against a real Dovecot on 127.0.0.1, and the cases app's periodic tasks."""

from __future__ import annotations

import datetime as dt
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from aftersales.cases import tasks
from aftersales.cases.mail import imap_poll
from aftersales.cases.models import Case, InboundEmail, Status
from tests.cases.email_support import raw_mail

pytestmark = pytest.mark.django_db

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support", "imap-Secret-1"
STARTUP_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _mail_owner() -> tuple[int, int, str]:
    """Dovecot refuses UID 0 for mail access: as root the mailbox belongs to `nobody`."""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        return nobody.pw_uid, nobody.pw_gid, ""
    me = pwd.getpwuid(os.geteuid())
    # Unprivileged, every Dovecot process runs as ourselves.
    users = f"default_internal_user = {me.pw_name}\ndefault_login_user = {me.pw_name}\n"
    return me.pw_uid, me.pw_gid, users


def _config(root: Path, port: int) -> Path:
    uid, gid, users = _mail_owner()
    mail = root / "mail"
    mail.mkdir()
    os.chown(mail, uid, gid) if os.geteuid() == 0 else None
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}/{USER}::\n")
    conf = root / "dovecot.conf"
    conf.write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:{mail}/%u
{users}passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    )
    return conf


def _wait_for_login(port: int, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    error = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"exited with status {process.returncode}"
        try:
            with imaplib.IMAP4("127.0.0.1", port, timeout=2) as conn:
                conn.login(USER, PASSWORD)
                return ""
        except (OSError, imaplib.IMAP4.error) as exc:
            error = str(exc)
        time.sleep(0.1)  # polling a child process coming up, not moving domain time
    return error


@pytest.fixture(scope="module")
def dovecot():
    """A throw-away Dovecot serving one maildir user on a free port; skipped if unavailable."""
    if not os.path.exists(DOVECOT):
        pytest.skip("dovecot not available: install dovecot-imapd")
    # Short and world-traversable: Dovecot's login processes run as another user.
    root = Path(tempfile.mkdtemp(prefix="as-dovecot-"))
    root.chmod(0o755)
    port = _free_port()
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(_config(root, port))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        error = _wait_for_login(port, process)
        if error:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.skip(f"dovecot not available: {error} {log[-500:]}")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot, settings):
    settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SSL = "127.0.0.1", dovecot, False
    settings.IMAP_USER, settings.IMAP_PASSWORD, settings.IMAP_FOLDER = USER, PASSWORD, "INBOX"
    conn = imaplib.IMAP4("127.0.0.1", dovecot, timeout=5)
    conn.login(USER, PASSWORD)
    conn.select("INBOX")
    conn.store("1:*", "+FLAGS", "(\\Deleted)") if conn.search(None, "ALL")[1][0] else None
    conn.expunge()
    yield conn
    conn.logout()


def _deliver(conn: imaplib.IMAP4, raw: bytes) -> None:
    typ, data = conn.append("INBOX", None, None, raw)
    assert typ == "OK", data


def _unseen(conn: imaplib.IMAP4) -> list[bytes]:
    conn.select("INBOX")
    return conn.uid("SEARCH", None, "UNSEEN")[1][0].split()


def test_polled_mail_from_a_contact_opens_a_case_and_is_marked_seen(mailbox, contact_a):
    contact_a.email = "zhang@example.cn"
    contact_a.save(update_fields=["email"])
    _deliver(mailbox, raw_mail(subject="IMAP报修"))
    report = imap_poll(limit=100)
    assert (report.fetched, report.stored) == (1, 1)
    assert Case.objects.get().title == "IMAP报修"
    assert _unseen(mailbox) == []


def test_poll_takes_at_most_the_limit_and_leaves_the_rest_unseen(mailbox):
    for n in range(3):
        _deliver(mailbox, raw_mail(sender=f"s{n}@x.cn"))
    assert imap_poll(limit=2).stored == 2
    assert len(_unseen(mailbox)) == 1 and InboundEmail.objects.count() == 2


def test_message_seen_again_after_a_crash_is_not_stored_twice(mailbox):
    raw = raw_mail(message_id="<crash@x.cn>")
    _deliver(mailbox, raw)
    _deliver(mailbox, raw)  # as if the \Seen flag had not been set before the crash
    assert imap_poll().fetched == 2
    assert InboundEmail.objects.count() == 1 and _unseen(mailbox) == []


def test_poll_does_nothing_without_an_imap_host(settings):
    settings.IMAP_HOST = ""
    assert imap_poll().fetched == 0


def test_periodic_poll_task_skips_when_imap_is_not_configured(settings, monkeypatch):
    settings.IMAP_HOST = ""
    monkeypatch.setattr(tasks, "imap_poll", lambda **kw: pytest.fail("must not poll"))
    tasks.poll_imap_mailbox.call_local()


def test_periodic_auto_close_task_closes_resolved_cases_past_their_quiet_period(resolved_case):
    with time_machine.travel(timezone.now() + dt.timedelta(days=30), tick=False):
        tasks.auto_close_resolved_cases.call_local()
    resolved_case.refresh_from_db()
    assert resolved_case.status == Status.CLOSED
