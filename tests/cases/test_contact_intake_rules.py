"""A contact opens through the API only what the portal's form lets them open."""

import pytest

from aftersales.cases import services
from aftersales.cases.models import Case

pytestmark = pytest.mark.django_db


def _create(api, **overrides):
    body = {
        "customer": "KH-A001",
        "title": "存储阵列告警",
        "priority": "P2",
        "case_type": "fault",
        "channel": "api",
        **overrides,
    }
    return api.post("/api/v1/cases", body, content_type="application/json")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("priority", "P1", services.CONTACT_NO_P1),
        ("channel", "phone", services.CONTACT_CHANNEL),
        ("channel", "fax", services.CONTACT_CHANNEL),
        ("is_major", True, services.CONTACT_NO_MAJOR),
    ],
)
def test_contact_cannot_choose_what_the_portal_does_not_offer(
    api_as, contact_a, field, value, message
):
    response = _create(api_as(contact_a.user), **{field: value})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == field and detail["msg"] == str(message)
    assert not Case.objects.exists()


@pytest.mark.parametrize("channel", ["api", "portal", "email"])
def test_contact_opens_a_p2_by_the_ways_customers_report(api_as, contact_a, channel):
    assert _create(api_as(contact_a.user), channel=channel).status_code == 201


def test_seat_still_opens_a_major_p1_by_phone(api_as, seat, customer_a):
    response = _create(api_as(seat), priority="P1", channel="phone", is_major=True)
    assert response.status_code == 201 and response.json()["priority"] == "P1"


def test_contact_of_another_customer_still_gets_404_first(api_as, contact_b, customer_a):
    assert _create(api_as(contact_b.user), priority="P1").status_code == 404
    assert not Case.objects.exists()
