"""Login throttling: failures are counted per (username, client address) pair.

A pair, not the username or the address alone: behind a reverse proxy every client may share
one address, and anybody may type anybody's username; counting either alone lets a stranger
lock the real user out. A correct password is never refused because of other usernames'
failures.
"""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the entry our TRUSTED_PROXIES appended to
    X-Forwarded-For (the entries left of it are the client's to forge, so never read)."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
    ]
    if not forwarded:
        return remote
    # Each of our proxies appends the address it saw; the outermost one saw the client.
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _pair_key(username: str, address: str) -> str:
    raw = f"{username.strip().lower()}\0{address}".encode()
    return "login-fail:pair:" + hashlib.sha256(raw).hexdigest()[:32]


def login_is_throttled(*, username: str, address: str) -> bool:
    return (cache.get(_pair_key(username, address)) or 0) >= settings.LOGIN_FAILURE_LIMIT


def login_failure_record(*, username: str, address: str) -> None:
    key = _pair_key(username, address)
    if not cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_failures_clear(*, username: str, address: str) -> None:
    cache.delete(_pair_key(username, address))
