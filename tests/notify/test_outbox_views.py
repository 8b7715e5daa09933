from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape

from aftersales.notify import services
from aftersales.notify.models import OutboxMessage, Status
from aftersales.notify.services import notify_enqueue
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/notify/outbox/"


def _message(**fields) -> OutboxMessage:
    defaults = {
        "channel": "email",
        "address": "zhang.gong@example.cn",
        "subject": "工单 CS-20261123-0042 已分配给您",
        "body": "请尽快联系客户。",
        "kind": "case.assigned",
        "ref_type": "case",
        "ref_id": "CS-20261123-0042",
    }
    return notify_enqueue(**{**defaults, **fields})


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


def _in_users_language(text, user) -> str:
    with translation.override(user.language):
        return escape(str(text))


def _page(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


def test_seat_sees_the_outbox(client, seat):
    _message()
    response = _page(client, seat)
    assert response.status_code == 200
    assert "工单 CS-20261123-0042 已分配给您" in response.content.decode()


def test_engineer_without_the_permission_is_refused(client, engineer):
    assert _page(client, engineer).status_code == 403


def test_customer_contact_gets_404(client, contact_a):
    message = _message()
    assert _page(client, contact_a.user).status_code == 404
    assert _page(client, contact_a.user, f"{URL}{message.pk}/").status_code == 404


def test_console_nav_links_the_outbox_for_the_seat_only(client, seat, engineer):
    assert f'href="{URL}"' in _page(client, seat, "/registry/lookup/").content.decode()
    assert f'href="{URL}"' not in _page(client, engineer, "/registry/lookup/").content.decode()


def test_filters_by_status_channel_and_reference(client, admin_user):
    _message(ref_id="CS-1", subject="甲")
    _message(ref_id="CS-2", subject="乙")
    _message(ref_id="CS-2", subject="丙", address="")  # failed: no address
    page = _page(client, admin_user, status="pending", channel="email", ref_id="CS-2")
    assert [m.subject for m in page.context["page_obj"]] == ["乙"]


def test_search_finds_a_message_by_its_text(client, seat):
    _message(body="硬盘告警")
    _message(body="电源故障")
    page = _page(client, seat, q="电源")
    assert [m.body for m in page.context["page_obj"]] == ["电源故障"]


def test_recipient_filter_matches_the_login(client, seat, engineer):
    _message(to_user=engineer, address="")
    _message()
    page = _page(client, seat, recipient="engineer")
    assert [m.to_user for m in page.context["page_obj"]] == [engineer]


def test_bad_filter_values_are_ignored_not_a_500(client, seat):
    _message()
    page = _page(client, seat, status="exploded", page="abc")
    assert page.status_code == 200
    assert len(page.context["page_obj"]) == 1


def test_list_is_paginated_with_filters_kept(client, seat):
    for n in range(55):
        _message(ref_id=f"CS-{n}")
    first = _page(client, seat, kind="case.assigned")
    assert len(first.context["page_obj"]) == 50
    assert "kind=case.assigned&amp;page=2" in first.content.decode()
    assert len(_page(client, seat, kind="case.assigned", page=2).context["page_obj"]) == 5


def test_list_queries_do_not_grow_with_rows(client, seat, django_assert_max_num_queries):
    for n in range(30):
        _message(to_user=factories.UserFactory(password=None), ref_id=f"CS-{n}", address="")
    client.force_login(seat)
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_htmx_filter_request_gets_only_the_table(client, seat):
    _message()
    client.force_login(seat)
    response = client.get(URL, headers={"HX-Request": "true", "HX-Target": "outbox-table"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="outbox-table">')
    assert "<nav" not in html.split("outbox-table", 1)[0]


def test_detail_shows_body_and_error(client, seat):
    message = _message(address="")
    html = _page(client, seat, f"{URL}{message.pk}/").content.decode()
    assert "请尽快联系客户。" in html and "no address" in html


def test_unknown_message_is_404(client, seat):
    assert _page(client, seat, f"{URL}999999/").status_code == 404


def test_manager_retries_a_failed_message(client, manager):
    message = _message()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, attempts=5)
    client.force_login(manager)
    assert f"{URL}{message.pk}/retry/" in client.get(f"{URL}{message.pk}/").content.decode()
    response = client.post(f"{URL}{message.pk}/retry/")
    message.refresh_from_db()
    assert response.status_code == 302
    assert (message.status, message.attempts) == (Status.PENDING, 0)


def test_seat_may_not_retry(client, seat):
    message = _message(address="")
    client.force_login(seat)
    assert f"{URL}{message.pk}/retry/" not in client.get(f"{URL}{message.pk}/").content.decode()
    assert client.post(f"{URL}{message.pk}/retry/").status_code == 403
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_retrying_a_sent_message_is_refused_with_a_reason(client, manager):
    message = _message()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.SENT)
    client.force_login(manager)
    response = client.post(f"{URL}{message.pk}/retry/", follow=True)
    assert _in_users_language(services.NOT_FAILED, manager) in response.content.decode()
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_retry_of_a_no_address_message_looks_the_recipient_up_again(client, manager, engineer):
    message = _message(channel="sms", to_user=engineer, address="", subject="")
    engineer.phone = "13700000001"
    engineer.save(update_fields=["phone"])
    client.force_login(manager)
    client.post(f"{URL}{message.pk}/retry/")
    message.refresh_from_db()
    assert (message.status, message.address) == (Status.PENDING, "13700000001")


def test_retry_without_an_address_still_is_refused(client, manager, engineer):
    message = _message(channel="sms", to_user=engineer, address="", subject="")
    client.force_login(manager)
    response = client.post(f"{URL}{message.pk}/retry/", follow=True)
    assert _in_users_language(services.STILL_NO_ADDRESS, manager) in response.content.decode()
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_admin_site_lists_outbox_messages_read_only(client, admin_user):
    message = _message()
    client.force_login(admin_user)
    assert client.get("/admin/notify/outboxmessage/").status_code == 200
    assert client.get(f"/admin/notify/outboxmessage/{message.pk}/change/").status_code == 200
    assert client.get("/admin/notify/outboxmessage/add/").status_code == 403
