"""Without EMAIL_HOST mail lands in files under var/mail; a named server or backend wins."""

from __future__ import annotations

import os
import subprocess
import sys

SEND = (
    "import django; django.setup()\n"
    "from django.conf import settings; from django.core.mail import send_mail\n"
    "print(settings.EMAIL_BACKEND)\n"
    "if settings.EMAIL_BACKEND.endswith('filebased.EmailBackend'):\n"
    "    send_mail('Hello', 'Body', 'a@example.cn', ['b@example.cn'])\n"
)


def _run(tmp_path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    clean.update({"DJANGO_SETTINGS_MODULE": "aftersales.settings", "AFTERSALES_VAR": str(tmp_path)})
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", SEND], env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_email_host_mail_is_written_to_var_mail(tmp_path):
    assert _run(tmp_path) == "django.core.mail.backends.filebased.EmailBackend"
    (written,) = (tmp_path / "mail").iterdir()
    assert "Subject: Hello" in written.read_text()


def test_with_email_host_mail_goes_over_smtp(tmp_path):
    assert _run(tmp_path, EMAIL_HOST="smtp.example.cn") == (
        "django.core.mail.backends.smtp.EmailBackend"
    )


def test_an_explicit_email_backend_wins(tmp_path):
    backend = "django.core.mail.backends.console.EmailBackend"
    assert _run(tmp_path, EMAIL_BACKEND=backend) == backend
