"""The bell in the console: badge, dropdown, open-and-mark-read, mark all read, the full page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aftersales.notify.models import Notice

pytestmark = pytest.mark.django_db


def notice(user, title="Case CS-1 assigned", url="/cases/CS-1/", **fields) -> Notice:
    return Notice.objects.create(user=user, kind="case.assigned", title=title, url=url, **fields)


def test_the_console_shows_the_bell_with_the_unread_count(client, engineer):
    notice(engineer), notice(engineer)
    client.force_login(engineer)
    page = client.get(reverse("notify:notices")).content.decode()
    assert 'id="notice-badge"' in page and 'data-count="2"' in page


def test_a_console_page_leaves_the_count_to_the_badges_own_request(client, engineer):
    notice(engineer)
    client.force_login(engineer)
    page = client.get(reverse("cases:list")).content.decode()
    assert 'data-count=""' in page and 'hx-trigger="load, every 30s' in page


def test_the_badge_is_hidden_at_zero(client, engineer):
    client.force_login(engineer)
    badge = client.get(reverse("notify:notice_badge"), headers={"HX-Request": "true"})
    assert 'data-count="0"' in badge.content.decode()
    assert "notice-badge d-none" in badge.content.decode()


def test_the_badge_reads_99_plus_above_99(client, engineer):
    Notice.objects.bulk_create([Notice(user=engineer, kind="x", title=f"n{i}") for i in range(100)])
    client.force_login(engineer)
    badge = client.get(reverse("notify:notice_badge")).content.decode()
    assert ">99+<" in badge


def test_the_badge_partial_polls_itself_and_costs_one_count(
    client, engineer, django_assert_max_num_queries
):
    notice(engineer)
    client.force_login(engineer)
    client.get(reverse("notify:notice_badge"))
    # session, user, the unread COUNT (roles are memoised)
    with django_assert_max_num_queries(3):
        badge = client.get(reverse("notify:notice_badge"), headers={"HX-Request": "true"})
    html = badge.content.decode()
    assert 'hx-trigger="every 30s' in html and "<html" not in html


def test_the_polling_interval_follows_the_setting(client, engineer, settings):
    settings.NOTICE_POLL_SECONDS = 1
    client.force_login(engineer)
    assert 'hx-trigger="every 1s' in client.get(reverse("notify:notice_badge")).content.decode()


def test_a_signed_out_page_is_told_to_stop_polling(client):
    response = client.get(reverse("notify:notice_badge"), headers={"HX-Request": "true"})
    assert response.status_code == 286


def test_the_dropdown_lists_the_latest_ten(client, engineer):
    for i in range(12):
        notice(engineer, title=f"notice {i:02d}")
    client.force_login(engineer)
    menu = client.get(reverse("notify:notice_menu")).content.decode()
    assert menu.count("data-notice=") == 10
    assert "notice 11" in menu and "notice 01" not in menu


def test_opening_a_notice_marks_it_read_and_goes_to_its_object(client, engineer):
    mine = notice(engineer)
    client.force_login(engineer)
    response = client.get(reverse("notify:notice_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/CS-1/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_notice_without_a_link_opens_the_full_list(client, engineer):
    mine = notice(engineer, url="")
    client.force_login(engineer)
    response = client.get(reverse("notify:notice_open", args=[mine.pk]))
    assert response["Location"] == reverse("notify:notices")


def test_another_users_notice_is_404_and_stays_unread(client, engineer, seat):
    theirs = notice(seat)
    client.force_login(engineer)
    assert client.get(reverse("notify:notice_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_customer_contact_has_no_notice_pages(client, contact_a):
    client.force_login(contact_a.user)
    assert client.get(reverse("notify:notices")).status_code == 404
    assert client.post(reverse("notify:notices_read_all")).status_code == 404


def test_mark_all_read_marks_only_mine_and_goes_back(client, engineer, seat):
    notice(engineer), notice(engineer)
    theirs = notice(seat)
    client.force_login(engineer)
    response = client.post(reverse("notify:notices_read_all"), {"next": "/cases/"})
    assert response["Location"] == "/cases/"
    assert not Notice.objects.filter(user=engineer, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_never_goes_to_another_site(client, engineer):
    client.force_login(engineer)
    response = client.post(reverse("notify:notices_read_all"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notify:notices")


def test_the_full_page_lists_unread_first_and_filters_the_unread(client, engineer):
    read = notice(engineer, title="newer but read")
    Notice.objects.filter(pk=read.pk).update(read_at=read.created_at)
    notice(engineer, title="older unread")
    Notice.objects.filter(title="older unread").update(
        created_at=read.created_at.replace(year=2020)
    )
    client.force_login(engineer)
    page = client.get(reverse("notify:notices")).content.decode()
    assert page.index("older unread") < page.index("newer but read")
    unread = client.get(reverse("notify:notices") + "?unread=1").content.decode()
    assert "older unread" in unread and "newer but read" not in unread


def test_the_full_page_is_paginated(client, engineer):
    Notice.objects.bulk_create([Notice(user=engineer, kind="x", title=f"n{i}") for i in range(30)])
    client.force_login(engineer)
    first = client.get(reverse("notify:notices")).content.decode()
    assert first.count("data-notice=") == 25
    second = client.get(reverse("notify:notices") + "?page=2").content.decode()
    assert second.count("data-notice=") == 5


def test_the_queue_refreshes_its_rows_while_idle(client, seat):
    client.force_login(seat)
    page = client.get(reverse("cases:list") + "?tab=all").content.decode()
    assert 'hx-get="/cases/?tab=all" hx-target="#rows"' in page
    assert "every 60s [liveIdle(this.parentElement)]" in page
