from __future__ import annotations

import pytest
from huey.contrib.djhuey import HUEY

from tests.notify.servers import running_smtp_server


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 with Django's SMTP backend pointed at it."""
    with running_smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        yield server


@pytest.fixture(autouse=True)
def _sms_to_a_temporary_file(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"


@pytest.fixture
def huey_immediate():
    """Run Huey tasks in-process when enqueued, as the worker would."""
    previous, HUEY.immediate = HUEY.immediate, True
    try:
        yield HUEY
    finally:
        HUEY.immediate = previous
