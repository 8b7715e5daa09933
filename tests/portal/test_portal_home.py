"""The portal home puts a solved case's confirmation first and lists each warranty end."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.contracts.entitlement import warranty_end
from tests import factories

pytestmark = pytest.mark.django_db
HOME = reverse("portal:home")


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(HOME).content.decode()


def _card(html: str) -> str:
    match = re.search(
        r'<section class="card border-success[^"]*portal-to-confirm">.*?</section>', html, re.S
    )
    return match.group(0) if match else ""


@pytest.fixture
def resolved_a(seat, engineer, customer_a, contact_a):
    case = services.case_create(
        by=seat, customer=customer_a, contact=contact_a, title="核心交换机宕机", priority="P1"
    )
    services.case_assign(case=case, engineer=engineer, by=seat)
    services.case_respond(case=case, by=engineer, text="已联系")
    return services.case_resolve(case=case, by=engineer, text="更换电源模块后恢复")


def test_a_solved_case_waits_on_the_home_with_one_confirm_button(contact_a, resolved_a):
    card = _card(_home(contact_a.user))
    assert resolved_a.number in card and "更换电源模块后恢复" in card
    assert reverse("portal:case_action", args=[resolved_a.number, "confirm"]) in card


def test_confirming_from_the_home_closes_the_case(contact_a, resolved_a):
    client = Client()
    client.force_login(contact_a.user)
    client.post(
        reverse("portal:case_action", args=[resolved_a.number, "confirm"]),
        {"version": resolved_a.version},
    )
    assert Case.objects.get(pk=resolved_a.pk).status == "closed"
    assert _card(_home(contact_a.user)) == ""


def test_another_customers_solved_case_is_not_on_the_home(contact_b, resolved_a):
    html = _home(contact_b.user)
    assert resolved_a.number not in html and _card(html) == ""


def test_an_open_case_is_not_asked_for_confirmation(seat, customer_a, contact_a):
    case = services.case_create(by=seat, customer=customer_a, contact=contact_a, title="告警")
    html = _home(contact_a.user)
    assert case.number in html and _card(html) == ""


def test_the_home_lists_each_assets_warranty_end(contact_a, customer_a):
    asset = factories.AssetFactory(customer=customer_a, accepted_on=dt.date(2026, 3, 2))
    html = _home(contact_a.user)
    assert asset.serial_number in html
    assert f'<td class="warranty-ends">{warranty_end(asset):%Y-%m-%d}</td>' in html
