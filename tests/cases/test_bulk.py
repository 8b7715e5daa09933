"""Bulk actions on the queue: each case through its own service and transaction; refusals are
listed with their reason and leave the other cases done."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from aftersales.cases.models import ActivityKind, Case, Status, Tag
from aftersales.cases.services import bulk
from tests.cases.factories_daily import open_case, tag

pytestmark = pytest.mark.django_db


def _bulk(api, **body):
    return api.post("/api/v1/cases/bulk", body, content_type="application/json")


@pytest.fixture
def three(seat, customer_a):
    return [open_case(seat, customer_a, title=f"批量{i}") for i in range(3)]


def test_bulk_priority_changes_each_case_and_records_it_on_each(api_as, seat, three):
    numbers = [c.number for c in three]
    response = _bulk(api_as(seat), cases=numbers, action="priority", value="P1")
    assert response.json() == {"done": numbers, "refused": []}
    for case in Case.objects.all():
        assert case.priority == "P1"
        assert case.activities.filter(kind=ActivityKind.UPDATED).count() == 1


def test_a_refused_row_is_listed_with_its_reason_and_the_others_are_done(api_as, seat, three):
    services.case_close(case=three[1], by=seat, text="撤销")
    numbers = [c.number for c in three]
    data = _bulk(api_as(seat), cases=numbers, action="priority", value="P1").json()
    assert data["done"] == [three[0].number, three[2].number]
    (refused,) = data["refused"]
    assert refused["number"] == three[1].number and "Closed" in refused["reason"]
    assert Case.objects.get(pk=three[1].pk).priority == "P2"


def test_an_unknown_number_is_refused_as_not_found(api_as, seat, three):
    data = _bulk(api_as(seat), cases=[three[0].number, "CS-NOPE"], action="tag", value="x").json()
    assert data["done"] == [three[0].number]
    assert data["refused"] == [{"number": "CS-NOPE", "reason": "Not found.", "field": None}]


def test_bulk_tag_adds_the_tag_and_keeps_the_others(seat, three):
    tag("VIP")
    from aftersales.cases.services import tags

    tags.case_set_tags(case=three[0], by=seat, names=["存储"])
    bulk.cases_bulk(by=seat, cases=[(c.number, None) for c in three], action="tag", value="vip")
    assert sorted(Case.objects.get(pk=three[0].pk).tags.values_list("name", flat=True)) == [
        "VIP",
        "存储",
    ]
    assert Tag.objects.count() == 2


def test_an_engineer_cannot_bulk_tag_with_a_new_name(api_as, engineer, three):
    response = _bulk(api_as(engineer), cases=[three[0].number], action="tag", value="新")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "value"
    assert not Tag.objects.exists()


def test_an_engineer_bulk_tagging_cases_not_theirs_is_refused_per_row(api_as, engineer, three):
    tag("VIP")
    data = _bulk(api_as(engineer), cases=[three[0].number], action="tag", value="VIP").json()
    assert data["done"] == [] and data["refused"][0]["number"] == three[0].number
    assert not Case.objects.get(pk=three[0].pk).tags.exists()


def test_bulk_close_cancels_open_cases_with_the_text(api_as, seat, three):
    data = _bulk(api_as(seat), cases=[three[0].number], action="close", text="客户撤回").json()
    assert data["done"] == [three[0].number]
    case = Case.objects.get(pk=three[0].pk)
    assert case.status == Status.CLOSED
    assert case.activities.get(kind=ActivityKind.CLOSED).text == "客户撤回"


def test_bulk_close_needs_a_text(api_as, seat, three):
    response = _bulk(api_as(seat), cases=[three[0].number], action="close")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "text"
    assert Case.objects.get(pk=three[0].pk).status == Status.NEW


def test_bulk_wait_and_resume_for_the_engineer_on_the_cases(api_as, seat, engineer, three):
    case = services.case_assign(case=three[0], engineer=engineer, by=seat)
    services.case_respond(case=case, by=engineer, text="已联系")
    api = api_as(engineer)
    numbers = [three[0].number, three[1].number]
    data = _bulk(api, cases=numbers, action="status", value="wait", text="等日志").json()
    assert data["done"] == [three[0].number]
    assert [r["number"] for r in data["refused"]] == [three[1].number]
    assert Case.objects.get(pk=three[0].pk).status == Status.WAITING
    data = _bulk(api, cases=[three[0].number], action="status", value="resume").json()
    assert data["done"] == [three[0].number]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"cases": [], "action": "priority", "value": "P1"}, "cases"),
        ({"cases": ["X"], "action": "priority", "value": "P9"}, "value"),
        ({"cases": ["X"], "action": "status", "value": "resolved"}, "value"),
        ({"cases": ["X"], "action": "status", "value": "wait"}, "text"),
        ({"cases": ["X"], "action": "tag", "value": ""}, "value"),
        ({"cases": ["X"], "action": "close", "text": "  "}, "text"),
        ({"cases": ["X"], "action": "delete"}, "action"),
        ({"cases": ["X" * 33], "action": "close", "text": "t"}, "cases"),
    ],
)
def test_bad_input_is_refused_naming_the_field(api_as, seat, three, body, field):
    response = _bulk(api_as(seat), **body)
    assert response.status_code == 422
    assert field in str(response.json()["detail"][0]["loc"])
    assert all(c.priority == "P2" and c.status == Status.NEW for c in Case.objects.all())


def test_the_batch_is_bounded(api_as, seat, three):
    numbers = [f"CS-{i}" for i in range(bulk.BULK_MAX + 1)]
    response = _bulk(api_as(seat), cases=numbers, action="priority", value="P1")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "cases"


def test_customer_contact_cannot_use_bulk(api_as, contact_a, three):
    response = _bulk(api_as(contact_a.user), cases=[three[0].number], action="priority", value="P1")
    assert response.status_code == 403
    assert Case.objects.get(pk=three[0].pk).priority == "P2"


def test_the_queue_page_applies_a_bulk_action_and_lists_refusals(client, seat, three):
    services.case_close(case=three[1], by=seat, text="撤销")
    client.force_login(seat)
    ticked = [f"{c.number}:{Case.objects.get(pk=c.pk).version}" for c in three]
    response = client.post(
        "/cases/bulk/", {"cases": ticked, "bulk": "priority:P1", "next": "/cases/"}, follow=True
    )
    html = response.content.decode()
    assert f"{three[1].number} refused" in html
    assert Case.objects.filter(priority="P1").count() == 2


def test_the_queue_page_refuses_a_stale_row(client, seat, three):
    client.force_login(seat)
    stale = f"{three[0].number}:{three[0].version - 1}"
    response = client.post("/cases/bulk/", {"cases": [stale], "bulk": "priority:P1"}, follow=True)
    assert "refused" in response.content.decode()
    assert Case.objects.get(pk=three[0].pk).priority == "P2"


def test_the_queue_shows_the_bulk_bar_to_staff(client, engineer, three):
    client.force_login(engineer)
    html = client.get("/cases/", {"tab": "all"}).content.decode()
    assert 'id="bulk-bar"' in html and "case-tick" in html
