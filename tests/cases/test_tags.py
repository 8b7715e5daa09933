"""Tags on cases: staff set them, the seat and managers coin new names, customers never see them."""

from __future__ import annotations

import pytest

from aftersales.cases.models import ActivityKind, Case, Tag
from aftersales.cases.services import tags as tag_services
from aftersales.core.errors import Conflict, Forbidden, Invalid
from tests import factories
from tests.cases.factories_daily import open_case, tag

pytestmark = pytest.mark.django_db


def _put(api, number, body):
    return api.put(f"/api/v1/cases/{number}/tags", body, content_type="application/json")


@pytest.fixture
def case(seat, customer_a, contact_a):
    return open_case(seat, customer_a, contact=contact_a)


def test_seat_sets_tags_and_the_timeline_records_the_change(api_as, seat, case):
    tag("VIP")
    response = _put(api_as(seat), case.number, {"tags": ["vip", " 存储 "]})
    assert response.status_code == 200
    assert sorted(response.json()["tags"]) == ["VIP", "存储"]
    row = Case.objects.get().activities.get(kind=ActivityKind.TAGGED)
    assert row.internal and row.changes == {"tags": [[], ["VIP", "存储"]]}


def test_engineer_on_the_case_picks_existing_tags(api_as, seat, engineer, case):
    tag("VIP")
    from aftersales.cases import services

    services.case_assign(case=case, engineer=engineer, by=seat)
    response = _put(api_as(engineer), case.number, {"tags": ["VIP"]})
    assert response.status_code == 200 and response.json()["tags"] == ["VIP"]


def test_engineer_cannot_coin_a_new_tag(api_as, seat, engineer, case):
    from aftersales.cases import services

    services.case_assign(case=case, engineer=engineer, by=seat)
    response = _put(api_as(engineer), case.number, {"tags": ["新标签"]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "tags"
    assert not Tag.objects.exists() and not Case.objects.get().tags.exists()


def test_engineer_not_on_the_case_cannot_tag_it(api_as, engineer, case):
    tag("VIP")
    response = _put(api_as(engineer), case.number, {"tags": ["VIP"]})
    assert response.status_code == 403
    assert not Case.objects.get().tags.exists()
    assert not Case.objects.get().activities.filter(kind=ActivityKind.TAGGED).exists()


def test_customer_contact_cannot_tag_nor_see_tags(api_as, seat, contact_a, case):
    tag_services.case_set_tags(case=case, by=seat, names=["VIP"])
    response = _put(api_as(contact_a.user), case.number, {"tags": []})
    assert response.status_code == 403
    detail = api_as(contact_a.user).get(f"/api/v1/cases/{case.number}").json()
    assert detail["tags"] == []
    assert all(a["kind"] != "tagged" for a in detail["activities"])
    assert Case.objects.get().tags.count() == 1


def test_another_customers_contact_gets_404(api_as, contact_b, case):
    response = _put(api_as(contact_b.user), case.number, {"tags": []})
    assert response.status_code == 404


@pytest.mark.parametrize("names", [[""], ["   "], ["x" * 41], [f"t{i}" for i in range(21)]])
def test_bad_tag_names_are_refused_naming_tags(api_as, seat, case, names):
    response = _put(api_as(seat), case.number, {"tags": names})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "tags"
    assert not Tag.objects.exists()


def test_a_stale_version_is_refused_and_writes_nothing(api_as, seat, case):
    response = _put(api_as(seat), case.number, {"tags": ["VIP"], "version": case.version - 1})
    assert response.status_code == 409
    assert not Tag.objects.exists() and not Case.objects.get().tags.exists()


def test_removing_a_tag_keeps_the_tag_and_records_it(seat, case):
    tag_services.case_set_tags(case=case, by=seat, names=["VIP", "存储"])
    tag_services.case_set_tags(case=case, by=seat, names=["存储"])
    assert Tag.objects.count() == 2
    last = Case.objects.get().activities.filter(kind=ActivityKind.TAGGED).last()
    assert last.data == {"added": [], "removed": ["VIP"]}


def test_setting_the_same_tags_again_records_nothing(seat, case):
    tag_services.case_set_tags(case=case, by=seat, names=["VIP"])
    tag_services.case_set_tags(case=case, by=seat, names=["vip"])
    assert Case.objects.get().activities.filter(kind=ActivityKind.TAGGED).count() == 1


def test_tag_names_are_unique_ignoring_case(seat):
    tag_services.tag_create(by=seat, name="VIP")
    with pytest.raises(Conflict):
        tag_services.tag_create(by=seat, name=" vip ")


def test_engineer_cannot_create_a_tag_through_the_api(api_as, engineer):
    response = api_as(engineer).post(
        "/api/v1/tags", {"name": "VIP"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Tag.objects.exists()


def test_seat_creates_and_lists_tags(api_as, seat):
    created = api_as(seat).post(
        "/api/v1/tags", {"name": " VIP ", "colour": "danger"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json() == {"name": "VIP", "colour": "danger"}
    assert api_as(seat).get("/api/v1/tags").json() == [{"name": "VIP", "colour": "danger"}]


def test_customer_contact_cannot_list_tags(api_as, contact_a):
    assert api_as(contact_a.user).get("/api/v1/tags").status_code == 403


def test_bad_colour_is_refused_naming_colour(api_as, seat):
    response = api_as(seat).post(
        "/api/v1/tags", {"name": "VIP", "colour": "pink"}, content_type="application/json"
    )
    assert response.status_code == 422 and "colour" in str(response.json()["detail"])
    assert not Tag.objects.exists()


def test_tag_create_service_refuses_a_customer(contact_a):
    with pytest.raises(Forbidden):
        tag_services.tag_create(by=contact_a.user, name="VIP")


def test_tag_service_names_the_field_of_a_bad_name(seat):
    with pytest.raises(Invalid) as exc:
        tag_services.tag_create(by=seat, name="")
    assert exc.value.field == "name"


def test_the_queue_filters_by_tag_and_shows_the_badges(client, seat, customer_a):
    tagged = open_case(seat, customer_a, title="带标签")
    open_case(seat, customer_a, title="无标签")
    tag_services.case_set_tags(case=tagged, by=seat, names=["VIP"])
    client.force_login(seat)
    html = client.get("/cases/", {"tag": "vip", "tab": "all"}).content.decode()
    assert "带标签" in html and "无标签" not in html
    assert 'class="badge text-bg-secondary case-tag">VIP<' in html


def test_a_contacts_case_list_ignores_the_tag_filter(api_as, seat, contact_a, customer_a):
    case = open_case(seat, customer_a, contact=contact_a)
    tag_services.case_set_tags(case=case, by=seat, names=["VIP"])
    open_case(seat, customer_a, contact=contact_a)
    response = api_as(contact_a.user).get("/api/v1/cases", {"tag": "nothing-like-it"})
    assert response.json()["count"] == 2


def test_the_case_page_shows_tags_and_the_edit_control(client, seat, case):
    tag_services.case_set_tags(case=case, by=seat, names=["VIP"])
    client.force_login(seat)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "case-tag" in html and 'name="new_tag"' in html


def test_the_case_page_tag_form_saves_tags(client, seat, case):
    client.force_login(seat)
    response = client.post(
        f"/cases/{case.number}/tags/", {"new_tag": "现场", "version": case.version}
    )
    assert response.status_code == 302
    assert list(Case.objects.get().tags.values_list("name", flat=True)) == ["现场"]


def test_warehouse_keeper_cannot_tag_through_the_page(client, case):
    keeper = factories.staff_user("keeper", role="warehouse")
    client.force_login(keeper)
    assert client.post(f"/cases/{case.number}/tags/", {"new_tag": "X"}).status_code == 403
    assert not Tag.objects.exists()
