"""Linking related cases: both show it, each records it; not itself, not twice, only visible."""

from __future__ import annotations

import pytest

from aftersales.cases import services
from aftersales.cases.models import ActivityKind, Case, CaseLink
from tests import factories
from tests.cases.factories_daily import open_case

pytestmark = pytest.mark.django_db


def _link(api, number, other):
    return api.post(
        f"/api/v1/cases/{number}/links", {"case": other}, content_type="application/json"
    )


@pytest.fixture
def pair(seat, customer_a):
    return open_case(seat, customer_a, title="甲"), open_case(seat, customer_a, title="乙")


def test_seat_links_two_cases_and_both_show_it(api_as, seat, pair):
    a, b = pair
    response = _link(api_as(seat), a.number, b.number)
    assert response.status_code == 201 and response.json()["number"] == b.number
    for case, other in ((a, b), (b, a)):
        shown = api_as(seat).get(f"/api/v1/cases/{case.number}/links").json()
        assert [(x["number"], x["kind"]) for x in shown] == [(other.number, "related")]
        assert case.activities.get(kind=ActivityKind.LINKED).data == {"case": other.number}


def test_a_case_cannot_be_linked_to_itself(api_as, seat, pair):
    response = _link(api_as(seat), pair[0].number, pair[0].number)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "case"
    assert not CaseLink.objects.exists()


def test_linking_twice_either_way_is_a_conflict(api_as, seat, pair):
    a, b = pair
    _link(api_as(seat), a.number, b.number)
    assert _link(api_as(seat), b.number, a.number).status_code == 409
    assert CaseLink.objects.count() == 1
    assert Case.objects.get(pk=a.pk).activities.filter(kind=ActivityKind.LINKED).count() == 1


def test_an_unknown_case_is_not_found(api_as, seat, pair):
    assert _link(api_as(seat), pair[0].number, "CS-NOPE").status_code == 404
    assert not CaseLink.objects.exists()


def test_engineer_not_on_the_case_cannot_link(api_as, engineer, pair):
    assert _link(api_as(engineer), pair[0].number, pair[1].number).status_code == 403
    assert not CaseLink.objects.exists()


def test_engineer_on_the_case_links_it(api_as, seat, engineer, pair):
    services.case_assign(case=pair[0], engineer=engineer, by=seat)
    assert _link(api_as(engineer), pair[0].number, pair[1].number).status_code == 201


def test_customer_contact_cannot_link_its_own_cases(api_as, seat, customer_a, contact_a):
    a = open_case(seat, customer_a, contact=contact_a)
    b = open_case(seat, customer_a, contact=contact_a)
    assert _link(api_as(contact_a.user), a.number, b.number).status_code == 403
    assert not CaseLink.objects.exists()


def test_another_customers_contact_gets_404(api_as, contact_b, pair):
    assert _link(api_as(contact_b.user), pair[0].number, pair[1].number).status_code == 404
    assert api_as(contact_b.user).get(f"/api/v1/cases/{pair[0].number}/links").status_code == 404


def test_cases_of_two_customers_may_be_related(api_as, seat, customer_a, customer_b):
    a, b = open_case(seat, customer_a), open_case(seat, customer_b)
    assert _link(api_as(seat), a.number, b.number).status_code == 201
    # Internal: neither customer reads the other's case number in its history.
    assert a.activities.get(kind=ActivityKind.LINKED).internal


def test_the_case_page_shows_the_link_and_links_through_the_form(client, seat, pair):
    a, b = pair
    client.force_login(seat)
    assert client.post(f"/cases/{a.number}/links/", {"case": b.number}).status_code == 302
    html = client.get(f"/cases/{b.number}/").content.decode()
    assert f'href="/cases/{a.number}/"' in html and "linked-case" in html


def test_the_page_says_when_the_other_case_is_unknown(client, seat, pair):
    client.force_login(seat)
    response = client.post(f"/cases/{pair[0].number}/links/", {"case": "CS-NOPE"}, follow=True)
    assert response.status_code == 200 and not CaseLink.objects.exists()


def test_warehouse_keeper_cannot_link_through_the_page(client, pair):
    client.force_login(factories.staff_user("keeper", role="warehouse"))
    response = client.post(f"/cases/{pair[0].number}/links/", {"case": pair[1].number})
    assert response.status_code == 403 and not CaseLink.objects.exists()


def test_a_contact_cannot_list_the_links_of_its_own_case(api_as, seat, customer_a, contact_a):
    case = open_case(seat, customer_a, contact=contact_a)
    assert api_as(contact_a.user).get(f"/api/v1/cases/{case.number}/links").status_code == 403
