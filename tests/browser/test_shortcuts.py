"""The console's keyboard shortcuts (core/shortcuts.js) on a desktop and a 390 px phone."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.helpers import login

pytestmark = pytest.mark.browser
SIZES = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


@pytest.fixture
def seat(transactional_db):
    return factories.staff_user("seat_keys", role="dispatcher")


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_question_mark_shows_the_sheet_and_slash_focuses_the_lookup(page, seat, size):
    page.set_viewport_size(size)
    login(page, "seat_keys", factories.PASSWORD)
    page.goto("/")
    page.wait_for_load_state("load")
    page.keyboard.press("?")
    page.wait_for_selector("#shortcut-sheet.show .shortcut-list", state="visible")
    assert page.locator("#shortcut-sheet kbd", has_text="/").count() >= 1
    # Bootstrap moves the focus into the sheet once it has faded in; Escape closes it from there.
    page.wait_for_function(
        "document.getElementById('shortcut-sheet').contains(document.activeElement)"
    )
    page.keyboard.press("Escape")
    page.wait_for_selector("#shortcut-sheet", state="hidden")
    page.keyboard.press("/")
    assert _focused_id(page) == "console-lookup"


def test_keys_typed_into_a_field_are_text(page, seat):
    login(page, "seat_keys", factories.PASSWORD)
    page.goto("/")
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    page.keyboard.type("g?h")
    assert page.input_value("#console-lookup") == "g?h"
    assert not page.locator("#shortcut-sheet.show").count()


def test_g_then_q_goes_to_the_queue(page, seat):
    login(page, "seat_keys", factories.PASSWORD)
    page.goto("/")
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.keyboard.press("g")
        page.keyboard.press("q")
    assert page.url.endswith("/cases/")


def test_slash_on_the_queue_focuses_the_queues_own_search(page, seat):
    login(page, "seat_keys", factories.PASSWORD)
    page.goto("/cases/")
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    assert _focused_id(page) == "case-q"
