"""The seat's lookup screen at /registry/lookup/: full page, HTMX partial, keyboard-first."""

from __future__ import annotations

import pytest

from tests.factories import AssetFactory, ContactFactory

pytestmark = pytest.mark.django_db

URL = "/registry/lookup/"


@pytest.fixture
def seat_client(client, seat):
    client.force_login(seat)
    return client


def test_empty_lookup_page_has_an_autofocused_box_that_searches_with_htmx(seat_client):
    page = seat_client.get(URL).content.decode()
    assert 'name="q"' in page and "autofocus" in page
    assert 'hx-push-url="true"' in page and 'hx-target="#lookup-results"' in page


def test_seat_sees_the_customer_with_the_caller_highlighted(seat_client, customer_a):
    ContactFactory(customer=customer_a, name="张伟", phone="13800138000")
    page = seat_client.get(URL, {"q": "+86 138-0013-8000"}).content.decode()
    assert "华东电力集团" in page
    assert page.count('data-matched="contact"') == 1


def test_matched_serial_row_is_highlighted(seat_client, customer_a):
    AssetFactory(customer=customer_a, serial_number="SN-HIT-1")
    AssetFactory(customer=customer_a, serial_number="SN-MISS-2")
    page = seat_client.get(URL, {"q": "sn-hit-1"}).content.decode()
    assert page.count('data-matched="asset"') == 1
    assert "SN-MISS-2" in page


def test_htmx_search_returns_only_the_results_partial(seat_client, customer_a):
    response = seat_client.get(URL, {"q": "KH-A001"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "华东电力集团" in body
    assert "<html" not in body and 'name="q"' not in body
    assert "HX-Request" in response["Vary"]


def test_history_restore_gets_the_whole_page(seat_client, customer_a):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    body = seat_client.get(URL, {"q": "KH-A001"}, headers=headers).content.decode()
    assert "<html" in body and "华东电力集团" in body


def test_nothing_found_is_said_clearly(seat_client, customer_a):
    page = seat_client.get(URL, {"q": "NO-SUCH-1"}).content.decode()
    assert "Nothing matches" in page


def test_ambiguous_phone_offers_candidates_to_pick(seat_client, customer_a, customer_b):
    ContactFactory(customer=customer_a, phone="13800138000")
    ContactFactory(customer=customer_b, phone="13800138000")
    page = seat_client.get(URL, {"q": "13800138000"}).content.decode()
    assert "Several customers match" in page
    assert "?q=KH-A001" in page and "?q=KH-B001" in page


def test_long_equipment_list_links_to_the_asset_list(seat_client, customer_a):
    AssetFactory.create_batch(51, customer=customer_a)
    page = seat_client.get(URL, {"q": "KH-A001"}).content.decode()
    assert 'href="/registry/assets/?customer=KH-A001"' in page
    assert "Showing 50 of 51." in page


def test_overlong_query_is_refused_with_a_message(seat_client):
    page = seat_client.get(URL, {"q": "x" * 201}).content.decode()
    assert "too long" in page


def test_engineer_may_use_the_lookup_screen(client, engineer, customer_a):
    client.force_login(engineer)
    assert "华东电力集团" in client.get(URL, {"q": "KH-A001"}).content.decode()


def test_customer_contact_gets_404_for_the_console_lookup(client, contact_a):
    client.force_login(contact_a.user)
    assert client.get(URL, {"q": "KH-A001"}).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL, {"q": "KH-A001"})
    assert response.status_code == 302 and "/accounts/login" in response["Location"]
