"""Browser fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

Reuse them in any browser test: ``page`` is a fresh page whose relative URLs go to the live
server, ``demo_data`` loads a small demo set (logins in ``aftersales.registry.demo.CREDENTIALS``),
and ``tests.browser.helpers.login(page, username, password)`` signs in through the form.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="browser tests need `pip install playwright`"
    )
    # Playwright's sync API keeps an event loop running in this thread as long as the browser
    # lives, i.e. for every later test of this worker too; Django refuses ORM calls under a
    # running loop unless told it is safe (it is: one thread uses it). Tests that start
    # `aftersales` subprocesses drop the variable: `check --deploy` rejects it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A new page in a fresh context (no cookies), with relative URLs on the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 850}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_data(transactional_db, settings):
    """The demo set with three customers (kh0001..kh0003 have portal logins)."""
    from aftersales.registry import demo

    # Hashing ~25 demo passwords with argon2 would dominate the test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return demo.load(customers=3)
