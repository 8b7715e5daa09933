"""SMS gateway posting to an HTTP provider: settings SMS_WEBHOOK_URL, _TEMPLATE, _HEADERS, _TIMEOUT.

The body is a string.Template with $phone and $text; the values are escaped for the request's
Content-Type (JSON string content by default, URL-encoded for form posts, raw otherwise).
"""

from __future__ import annotations

import json
import string
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from aftersales.notify.sms import SmsError

DEFAULT_CONTENT_TYPE = "application/json; charset=utf-8"


def _escape(value: str, content_type: str) -> str:
    if "json" in content_type:
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if "x-www-form-urlencoded" in content_type:
        return urllib.parse.quote_plus(value)
    return value


def render_body(*, template: str, content_type: str, phone: str, text: str) -> bytes:
    try:
        body = string.Template(template).substitute(
            phone=_escape(phone, content_type), text=_escape(text, content_type)
        )
    except (KeyError, ValueError) as exc:
        raise SmsError(f"SMS_WEBHOOK_TEMPLATE is not usable: {exc}") from exc
    return body.encode("utf-8")


def send(*, phone: str, text: str) -> None:
    url = settings.SMS_WEBHOOK_URL
    if not url.startswith(("http://", "https://")):
        raise SmsError("SMS_WEBHOOK_URL must be an http(s) address")
    headers = {"Content-Type": DEFAULT_CONTENT_TYPE, **settings.SMS_WEBHOOK_HEADERS}
    content_type = next(
        (v for k, v in headers.items() if k.lower() == "content-type"), DEFAULT_CONTENT_TYPE
    )
    data = render_body(
        template=settings.SMS_WEBHOOK_TEMPLATE,
        content_type=content_type.lower(),
        phone=phone,
        text=text,
    )
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise SmsError(f"SMS webhook answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SmsError(f"SMS webhook unreachable: {reason}") from exc
    if not 200 <= status < 300:
        raise SmsError(f"SMS webhook answered HTTP {status}")
