"""Every console and portal page of the demo, on a 390×844 phone: none scrolls sideways, none
answers an error, none is empty.

The pages are found the way a user finds them: from the home page, following links, one page per
URL route (one case page stands for all), so a new page is covered as soon as a link leads to it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from aftersales.registry import demo
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MAX_PAGES = 150  # a bound on the walk, well above the number of routes today
# Links that download a file, sign out, leave the product's pages or act on GET.
SKIPPED = re.compile(
    r"^/(static|media|admin|api)/|/logout|/export|\.pdf|/pdf/|/download|/attachments?/"
    r"|/favicon|/i18n/|/survey/s/|/healthz"
)
# Elements wider than the screen name the culprit in the failure message.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && getComputedStyle(e).position !== 'fixed'
      && !e.closest('.table-responsive, .overflow-auto, .dropdown-menu, .collapse:not(.show)');
  });
  const e = wide[wide.length - 1] || document.body;
  return document.documentElement.scrollWidth + 'px: <' + e.tagName.toLowerCase() + ' class="'
    + e.className + '">' + (e.textContent || '').trim().slice(0, 60);
}"""


# Targets a thumb must hit: buttons, fields, menu entries, page links (inline text links are not).
SMALL_TARGETS_JS = """() => [...document.querySelectorAll(
    '.btn, .form-control, .form-select, .page-link, .nav-tabs .nav-link')]
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > 0 && r.height > 0 && r.height < 39.5; })
  .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' '
            + Math.round(e.getBoundingClientRect().height) + 'px '
            + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30))
  .slice(0, 3)"""


def _route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _walk(page, start: str) -> dict[str, str]:
    """Visit one page per route reachable from `start`; return {path: problem} for bad ones."""
    problems: dict[str, str] = {}
    seen_routes: set[str] = set()
    queue = [start]
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        route = _route(urlsplit(path).path)
        if route is None or route in seen_routes:
            continue
        seen_routes.add(route)
        visited += 1
        response = page.goto(path)
        if response is None or response.status >= 400:
            problems[path] = f"answered {response and response.status}"
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        page.wait_for_load_state("networkidle")
        wide = page.evaluate(OVERFLOW_JS)
        if wide:
            problems[path] = f"scrolls sideways at {wide}"
        small = page.evaluate(SMALL_TARGETS_JS)
        if small:
            problems[path] = f"tap targets under 40 px: {small}"
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if SKIPPED.search(parts.path):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert visited < MAX_PAGES, "the walk hit its bound: raise MAX_PAGES"
    assert visited > 10, f"the walk from {start} found only {sorted(seen_routes)}"
    return problems


@pytest.mark.parametrize(
    ("username", "start"),
    [("admin", "/"), ("eng1", "/"), ("kh0001", "/portal/")],
)
def test_every_page_fits_a_phone(page, demo_data, username, start):
    page.set_viewport_size(PHONE)
    login(page, username, demo.CREDENTIALS[username])
    problems = _walk(page, start)
    assert not problems, "\n".join(f"{path}: {what}" for path, what in sorted(problems.items()))
