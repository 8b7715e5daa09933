"""The Simplified Chinese catalogue: complete, compiled, and what users actually see."""

from __future__ import annotations

import gettext
import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

import aftersales
from aftersales.cases import services as case_services
from tests import factories

pytestmark = pytest.mark.translations
LC_MESSAGES = Path(aftersales.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO, MO = LC_MESSAGES / "django.po", LC_MESSAGES / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sd]|\{\w*\}|</?\w+[^>]*>")


def _unquote(line: str) -> str:
    """The text of one quoted .po line, with the C escapes undone."""
    body = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)


def po_entries() -> list[dict]:
    """Parse the .po by hand (polib is not a test dependency): msgid, msgstr(s), flags."""
    entries, entry, field = [], None, None
    for line in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": []}
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith(("msgid ", "msgid_plural ", "msgctxt ")):
            field = line.split(" ", 1)[0]
            entry[field] = _unquote(line)
        elif line.startswith("msgstr"):
            field = "msgstr"
            entry["msgstr"].append(_unquote(line))
        elif line.startswith('"') and field == "msgstr":
            entry["msgstr"][-1] += _unquote(line)
        elif line.startswith('"') and field:
            entry[field] += _unquote(line)
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def entries_with_text() -> list[dict]:
    return [e for e in po_entries() if all(e["msgstr"])]


def login(user, language: str) -> Client:
    """A client signed in as `user`, whose own language choice is `language`."""
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _chinese_default_then_reset(settings):
    # The suite may default to English for readable asserts; these tests need the shipped default,
    # and the language a request activates must not leak into the next test of this thread.
    settings.LANGUAGE_CODE = "zh-hans"
    yield
    translation.deactivate()


def test_chinese_is_the_shipped_default_language():
    # Read the module itself: the test settings fixture may override the live value.
    shipped = importlib.import_module("aftersales.settings")
    assert shipped.LANGUAGE_CODE == "zh-hans"
    assert LC_MESSAGES.parent.parent in [Path(p) for p in shipped.LOCALE_PATHS]
    assert translation.to_locale("zh-hans") == LC_MESSAGES.parent.name


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    assert len(entries) > 1000
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


def test_translations_keep_every_placeholder_and_line_break():
    broken = [
        e["msgid"]
        for e in entries_with_text()
        for text in e["msgstr"]
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e["msgid"]))
        or text.count("\n") != e["msgid"].count("\n")
    ]
    assert broken == []


def test_catalogue_declares_one_plural_form_for_chinese():
    header = PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    plurals = [e for e in po_entries() if "msgid_plural" in e]
    assert plurals and all(len(e["msgstr"]) == 1 for e in plurals)


def test_compiled_catalogue_holds_every_message_of_the_po():
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in po_entries():
        msgid = entry["msgid"]
        if "msgctxt" in entry:  # pgettext: the context and the text joined by EOT
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        key = msgid if "msgid_plural" not in entry else (msgid, 0)
        assert compiled._catalog.get(key) == entry["msgstr"][0], entry["msgid"]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_po_passes_msgfmt_check(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_messages_and_plurals_translate_at_runtime():
    with translation.override("zh-hans"):
        assert translation.gettext("You are not allowed to do this.") == "您无权执行此操作。"
        assert translation.ngettext("%(counter)s row", "%(counter)s rows", 3) == "共 %(counter)s 条"
    with translation.override("en"):
        assert translation.gettext("You are not allowed to do this.") == (
            "You are not allowed to do this."
        )


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "登录" in html and "用户名" in html and "售后服务与技术支持" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_login_page_is_english_after_switching_the_language(client):
    login_url = reverse("accounts:login")
    client.post(reverse("accounts:language"), {"language": "en", "next": login_url})
    html = client.get(login_url).content.decode()
    assert "Log in" in html and "Username" in html
    assert "登录" not in html


@pytest.mark.django_db
def test_case_list_speaks_chinese_to_a_chinese_seat(seat, customer_a):
    case_services.case_create(by=seat, customer=customer_a, title="磁盘阵列告警", priority="P1")
    html = login(seat, "zh-hans").get(reverse("cases:list")).content.decode()
    for label in ("新建工单", "故障级别", "来电查询", "发件箱", "退出登录"):
        assert label in html, label
    assert "New case" not in html


@pytest.mark.django_db
def test_case_list_speaks_english_to_an_english_seat(seat, customer_a):
    case_services.case_create(by=seat, customer=customer_a, title="磁盘阵列告警", priority="P1")
    html = login(seat, "en").get(reverse("cases:list")).content.decode()
    for label in ("New case", "Priority", "Call-centre lookup", "Outbox", "Log out"):
        assert label in html, label
    assert "新建工单" not in html


@pytest.mark.django_db
def test_case_page_shows_chinese_status_and_actions(seat, customer_a):
    case = case_services.case_create(by=seat, customer=customer_a, title="交换机宕机")
    html = login(seat, "zh-hans").get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "处理记录" in html and "派单" in html and "保修状态" in html
    assert "Take over" not in html and "Entitlement" not in html


@pytest.mark.django_db
def test_lookup_in_chinese_and_in_english(seat, customer_a):
    factories.ContactFactory(customer=customer_a, name="张伟", phone="13800138000")
    url = reverse("registry:lookup")
    html = login(seat, "zh-hans").get(url, {"q": "13800138000"}).content.decode()
    assert "来电查询" in html and "按电话匹配" in html and "华东电力集团" in html
    html = login(seat, "en").get(url, {"q": "13800138000"}).content.decode()
    assert "Call-centre lookup" in html and "Matched by phone" in html


@pytest.mark.django_db
def test_customer_portal_speaks_chinese_to_the_contact(contact_a):
    html = login(contact_a.user, "zh-hans").get(reverse("portal:home")).content.decode()
    assert "客户服务门户" in html and "报告故障" in html and "我们的设备" in html
    assert "Report a problem" not in html
