"""SMS gateway appending one JSON line per text to settings.SMS_FILE_PATH (var/sms.log)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def send(*, phone: str, text: str) -> None:
    path = Path(settings.SMS_FILE_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {"at": timezone.localtime().isoformat(), "phone": phone, "text": text}, ensure_ascii=False
    )
    # One write of one line in append mode, so concurrent workers never interleave a line.
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
