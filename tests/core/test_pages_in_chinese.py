"""Every page of the demo, read by a Chinese-speaking user, shows no English message left
untranslated and none of the known mistranslations of words with two meanings.

The pages are found as a user finds them: from the home page by following links, one page per
URL route, so a new page is covered as soon as a link leads to it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

from aftersales.accounts.models import User
from aftersales.registry import demo
from tests.core.test_translations import entries_with_text

pytestmark = [pytest.mark.translations, pytest.mark.django_db]

MAX_PAGES = 150
SKIPPED = re.compile(
    r"^/(static|media|admin|api)/|/logout|/export|\.pdf|/pdf/|/download|/attachments?/"
    r"|/favicon|/i18n/|/survey/s/|/healthz"
)
# Words with two meanings once shown wrongly (issue 11): the penalties page's date range read
# as a mail's sender and recipient, an import's count as a creation time.
KNOWN_WRONG = ("发件人", "收件人", "创建时间 1")
PAGES_WITH_MAIL = re.compile(r"^/(cases/triage|notify/outbox|reports/schedules)")
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# The language menu names each language in itself, so that a reader finds their own.
OWN_NAMES = {"English"}


class _Text(HTMLParser):
    """What a reader sees: text outside scripts and styles, and the visible attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data)


def _english_messages() -> set[str]:
    """Message ids a reader would recognise as English (their translation differs)."""
    found = set()
    for entry in entries_with_text():
        msgid, msgstr = entry["msgid"], entry["msgstr"][0]
        if msgid != msgstr and re.search(r"[a-z]{3}", msgid) and "%" not in msgid:
            found.add(msgid.strip())
    return found


def _walk(client: Client, english: set[str]) -> tuple[dict[str, list[str]], int]:
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    queue, visited = ["/"], 0
    while queue and visited < MAX_PAGES:
        url = queue.pop(0)
        try:
            route = resolve(urlsplit(url).path).route
        except Resolver404:
            continue
        if route in seen:
            continue
        seen.add(route)
        visited += 1
        response = client.get(url, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        parser = _Text()
        parser.feed(html)
        texts = [" ".join(part.split()) for part in parser.parts]
        left = sorted({text for text in texts if text in english} - OWN_NAMES)
        wrong = [w for w in KNOWN_WRONG if w in html and not PAGES_WITH_MAIL.search(url)]
        if left or wrong:
            problems[url] = left + wrong
        for href in re.findall(r'href="(/[^"#]*)"', html):
            if not SKIPPED.search(href):
                queue.append(href.replace("&amp;", "&"))
    assert visited < MAX_PAGES, "the walk hit its bound: raise MAX_PAGES"
    return problems, visited


@pytest.fixture
def demo_in_chinese(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "zh-hans"
    demo.load(customers=4, cases=12)
    yield
    translation.deactivate()


@pytest.mark.parametrize("username", ["admin", "eng1", "kh0001"])
def test_every_page_reads_in_chinese(demo_in_chinese, username):
    user = User.objects.get(username=username)
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    problems, visited = _walk(client, _english_messages())
    assert visited > 10
    assert not problems, "\n".join(f"{url}: {found}" for url, found in sorted(problems.items()))
