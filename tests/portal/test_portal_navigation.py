from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

SECTIONS = ("home", "case_list", "equipment_list", "contract_list", "case_new")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section_urls() -> list[str]:
    urls = [reverse(f"portal:{name}") for name in SECTIONS]
    # The repairs section may not be there yet: its link is guarded.
    with contextlib.suppress(NoReverseMatch):
        urls.append(reverse("portal:repair_list"))
    return urls


def nav_of(html: str) -> str:
    return html[html.index('<nav class="navbar') : html.index("</nav>")]


@pytest.mark.parametrize("page", SECTIONS)
def test_navigation_links_every_section_on_every_page(contact_a, page):
    html = login(contact_a.user).get(reverse(f"portal:{page}")).content.decode()
    nav = nav_of(html)
    assert all(f'href="{url}"' in nav for url in section_urls())


@pytest.mark.parametrize("page", ["equipment_list", "contract_list", "case_new"])
def test_navigation_marks_the_current_section_active(contact_a, page):
    html = login(contact_a.user).get(reverse(f"portal:{page}")).content.decode()
    active = [line for line in nav_of(html).splitlines() if 'aria-current="page"' in line]
    assert len(active) == 1 and f'href="{reverse(f"portal:{page}")}"' in active[0]


def test_home_links_every_section(contact_a):
    html = login(contact_a.user).get(reverse("portal:home")).content.decode()
    body = html[html.index("</nav>") :]
    assert all(f'href="{url}"' in body for url in section_urls()[1:])


def test_portal_layout_collapses_behind_a_toggler_on_a_phone():
    text = Path(get_template("layouts/portal.html").origin.name).read_text()
    assert "navbar-expand-lg" in text and 'class="navbar-toggler"' in text
    assert 'data-bs-target="#portal-nav"' in text and 'id="portal-nav"' in text
    assert 'aria-controls="portal-nav"' in text and "aria-label=" in text


def test_language_and_user_menu_are_inside_the_collapsible_navigation(contact_a):
    html = login(contact_a.user).get(reverse("portal:home")).content.decode()
    collapsible = nav_of(html)[nav_of(html).index('id="portal-nav"') :]
    assert 'name="language"' in collapsible and 'id="user-menu"' in collapsible
