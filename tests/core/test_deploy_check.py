"""Production settings pass Django's deployment checklist without a single warning."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

# Set for the whole session once browser tests ran; the deploy check rejects it.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "service.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://service.example.cn",
    "SECURE_PRODUCTION": "true",
    "DEBUG": "false",
}


def _check_deploy(tmp_path, **overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", ASYNC_UNSAFE}}
    env.update({**PRODUCTION, **overrides, "AFTERSALES_VAR": str(tmp_path)})
    return subprocess.run(
        [sys.executable, "-m", "aftersales.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr


def test_check_deploy_warns_when_https_hardening_is_off(tmp_path):
    result = _check_deploy(tmp_path, SECURE_PRODUCTION="false")
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS


def test_in_production_plain_http_redirects_to_https_except_the_health_probe(tmp_path):
    probe = (
        "from django.test import Client; c = Client(HTTP_HOST='service.example.cn'); "
        "print(c.get('/accounts/login/').status_code, c.get('/healthz').status_code)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", ASYNC_UNSAFE}}
    env.update({**PRODUCTION, "AFTERSALES_VAR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-m", "aftersales.cli", "shell", "--no-imports", "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["301", "200"], result.stderr
