"""The lookup screen shows a case's status and a contract's state as words, never as codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.cases import services as case_services
from aftersales.cases.models import Case
from aftersales.contracts.models import ServiceContract
from aftersales.sla.models import SlaPolicy

pytestmark = pytest.mark.django_db

URL = "/registry/lookup/"


@pytest.fixture
def customer_with_work(seat, customer_a):
    case = case_services.case_create(
        by=seat,
        customer=customer_a,
        title="核心交换机宕机",
        priority="P1",
        case_type="fault",
        channel="phone",
    )
    Case.objects.filter(pk=case.pk).update(status="in_progress")
    today = timezone.localdate()
    ServiceContract.objects.create(
        number="HT-LOOKUP-1",
        customer=customer_a,
        sla_policy=SlaPolicy.objects.get(code="5x8"),
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
        value=Decimal("100000.00"),
    )
    return customer_a


def _page(user, language: str, q: str) -> str:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client.get(URL, {"q": q}).content.decode()


def test_open_case_status_and_contract_state_are_shown_in_words(seat, customer_with_work):
    page = _page(seat, "en", customer_with_work.code)
    assert "<td>In progress</td>" in page and "in_progress" not in page
    assert "<td>In force</td>" in page and "<td>active</td>" not in page
    assert 'title="P1 – system down"' in page


@pytest.mark.translations
def test_lookup_words_are_in_the_readers_language(seat, customer_with_work):
    page = _page(seat, "zh-hans", customer_with_work.code)
    assert "<td>处理中</td>" in page and "<td>生效中</td>" in page


def test_api_keeps_the_codes(api_as, seat, customer_with_work):
    data = api_as(seat).get("/api/v1/lookup", {"q": customer_with_work.code}).json()
    assert data["open_cases"][0]["status"] == "in_progress"
    assert data["contracts"][0]["status"] == "active"
