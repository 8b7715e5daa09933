"""The bell's API: my notices (unread filter, pages), the unread count, marking read."""

from __future__ import annotations

import pytest

from aftersales.notify.models import Notice

pytestmark = pytest.mark.django_db


def notice(user, title="Case CS-1 assigned", **fields) -> Notice:
    return Notice.objects.create(user=user, kind="case.assigned", title=title, **fields)


def test_the_list_holds_only_my_notices_newest_first(api_as, engineer, seat):
    notice(engineer, title="first"), notice(engineer, title="second"), notice(seat)
    body = api_as(engineer).get("/api/v1/notices").json()
    assert body["count"] == 2
    assert [n["title"] for n in body["items"]] == ["second", "first"]


def test_the_unread_filter_leaves_out_read_notices(api_as, engineer):
    read = notice(engineer, title="read")
    Notice.objects.filter(pk=read.pk).update(read_at=read.created_at)
    notice(engineer, title="unread")
    body = api_as(engineer).get("/api/v1/notices", {"unread": "true"}).json()
    assert [n["title"] for n in body["items"]] == ["unread"]


def test_a_bad_unread_value_is_a_422(api_as, engineer):
    assert api_as(engineer).get("/api/v1/notices", {"unread": "maybe"}).status_code == 422


def test_the_list_is_paginated(api_as, engineer):
    Notice.objects.bulk_create([Notice(user=engineer, kind="x", title=f"n{i}") for i in range(3)])
    body = api_as(engineer).get("/api/v1/notices", {"limit": 2}).json()
    assert len(body["items"]) == 2 and body["count"] == 3 and body["next"]


def test_the_unread_count(api_as, engineer):
    notice(engineer), notice(engineer)
    assert api_as(engineer).get("/api/v1/notices/unread-count").json() == {"unread": 2}


def test_marking_one_read(api_as, engineer):
    mine = notice(engineer)
    response = api_as(engineer).post(f"/api/v1/notices/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"]
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_another_users_notice_is_a_404_and_changes_nothing(api_as, engineer, seat):
    theirs = notice(seat)
    assert api_as(engineer).post(f"/api/v1/notices/{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_id_beyond_any_row_is_a_404(api_as, engineer):
    assert api_as(engineer).post(f"/api/v1/notices/{2**70}/read").status_code in (404, 422)


def test_marking_all_read_answers_how_many(api_as, engineer, seat):
    notice(engineer), notice(engineer), notice(seat)
    assert api_as(engineer).post("/api/v1/notices/read-all").json() == {"marked": 2}
    assert Notice.objects.filter(user=seat, read_at__isnull=True).count() == 1


def test_a_customer_contact_has_no_notices_endpoints(api_as, contact_a):
    api = api_as(contact_a.user)
    assert api.get("/api/v1/notices").status_code == 404
    assert api.get("/api/v1/notices/unread-count").status_code == 404
    assert api.post("/api/v1/notices/read-all").status_code == 404
