"""Error pages: styled, in the reader's language, in the console for staff; /api/ stays JSON."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

MISSING = "/no/such/page/"


def _client(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.translations
def test_404_for_staff_in_chinese_is_in_the_console_in_chinese(seat):
    response = _client(seat, "zh-hans").get(MISSING)
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-CN">' in html
    assert "售后服务台" in html and 'id="console-nav"' in html
    assert "首页" in html
    assert "The requested resource was not found" not in html


def test_404_for_staff_in_english_is_in_the_console_in_english(seat):
    response = _client(seat, "en").get(MISSING)
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert "After-sales console" in html and 'id="console-nav"' in html
    assert "Page not found" in html


def test_404_for_an_anonymous_visitor_is_the_plain_page_in_chinese(client, db):
    html = client.get(MISSING).content.decode()
    assert '<html lang="zh-CN">' in html and 'class="error-page' in html
    assert 'id="console-nav"' not in html and 'class="plain"' in html


def test_404_for_a_customer_contact_never_shows_the_console(contact_a):
    html = _client(contact_a.user, "en").get(MISSING).content.decode()
    assert "Page not found" in html
    assert 'id="console-nav"' not in html


def test_403_for_staff_is_styled_in_the_console(engineer):
    response = _client(engineer, "en").get(reverse("registry:import_start"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You are not allowed to do this." in html and 'id="console-nav"' in html


def test_api_unknown_path_still_answers_json_even_for_staff(seat):
    response = _client(seat, "en").get("/api/v1/nonexistent")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found."}


def test_500_page_renders_with_no_context_and_no_database():
    # No db fixture: any query here would fail the test, as Django's handler500 has no request.
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and 'class="plain"' in html


def test_400_page_renders_with_no_context():
    assert "Bad request" in render_to_string("400.html")


def test_favicon_ico_redirects_to_the_svg_linked_by_every_page(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/core/favicon.svg")
    assert "core/favicon.svg" in client.get(reverse("accounts:login")).content.decode()
