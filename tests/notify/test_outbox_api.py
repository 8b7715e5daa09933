from __future__ import annotations

import pytest

from aftersales.notify.models import OutboxMessage, Status
from aftersales.notify.services import notify_enqueue
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/outbox"


def _message(**fields) -> OutboxMessage:
    defaults = {
        "channel": "email",
        "address": "zhang.gong@example.cn",
        "subject": "工单已分配",
        "body": "请尽快联系客户。",
        "kind": "case.assigned",
        "ref_type": "case",
        "ref_id": "CS-20261123-0042",
    }
    return notify_enqueue(**{**defaults, **fields})


def test_seat_finds_the_messages_of_one_case(api_as, seat):
    _message()
    _message(kind="sla.reminder")
    _message(ref_id="CS-20261123-0099")
    body = api_as(seat).get(URL, {"ref_type": "case", "ref_id": "CS-20261123-0042"}).json()
    assert body["count"] == 2
    assert {m["kind"] for m in body["items"]} == {"case.assigned", "sla.reminder"}
    assert body["items"][0]["ref_id"] == "CS-20261123-0042"


def test_filters_by_kind_and_status(api_as, seat):
    _message()
    _message(kind="sla.reminder", address="")
    items = api_as(seat).get(URL, {"kind": "sla.reminder", "status": "failed"}).json()["items"]
    assert [(m["kind"], m["last_error"]) for m in items] == [("sla.reminder", "no address")]


def test_list_is_paginated_with_a_next_link(api_as, seat):
    for n in range(3):
        _message(ref_id=f"CS-{n}")
    body = api_as(seat).get(URL, {"limit": 2}).json()
    assert (len(body["items"]), body["count"]) == (2, 3)
    assert "offset=2" in body["next"]


def test_unknown_status_is_422_naming_the_field(api_as, seat):
    response = api_as(seat).get(URL, {"status": "lost"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "status"


def test_engineer_without_the_permission_gets_403(api_as, engineer):
    assert api_as(engineer).get(URL).status_code == 403


def test_customer_contact_gets_404(api_as, contact_a):
    message = _message(to_user=contact_a.user, address="")
    assert api_as(contact_a.user).get(URL).status_code == 404
    assert api_as(contact_a.user).get(f"{URL}/{message.pk}").status_code == 404


def test_anonymous_gets_401(client):
    assert client.get(URL).status_code == 401


def test_admin_retries_a_failed_message(api_as, admin_user):
    message = _message()
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, attempts=5)
    response = api_as(admin_user).post(f"{URL}/{message.pk}/retry")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["attempts"]) == ("pending", 0)


def test_seat_may_not_retry_through_the_api(api_as, seat):
    message = _message(address="")
    assert api_as(seat).post(f"{URL}/{message.pk}/retry").status_code == 403
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_retrying_a_pending_message_is_409(api_as):
    manager = factories.staff_user("manager", role="manager")
    message = _message()
    assert api_as(manager).post(f"{URL}/{message.pk}/retry").status_code == 409
