"""The queue and the case API filter by the reports' dimensions (contract, region, team,
product), so a dashboard tile's link opens exactly the rows it counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.contracts.models import ServiceContract
from aftersales.sla.models import SlaPolicy
from tests import factories

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cases(seat, engineer):
    east = factories.CustomerFactory(code="KH-E", region="华东")
    west = factories.CustomerFactory(code="KH-W", region="西南")
    factories.EngineerFactory(user=engineer, team="华东一组")
    switch = factories.ProductModelFactory(name="S5700", product_line="交换机")
    contract = ServiceContract.objects.create(
        number="HT-E-1",
        customer=east,
        sla_policy=SlaPolicy.objects.first(),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        value=100000,
    )
    found = {}
    for key, customer in (("east", east), ("west", west)):
        found[key] = services.case_create(by=seat, customer=customer, title=f"{key} 告警")
    services.case_assign(case=found["east"], engineer=engineer, by=seat)
    # Set directly: which model and contract a case gets is entitlement's business, not ours.
    Case.objects.filter(pk=found["east"].pk).update(contract=contract, product_model=switch)
    return found


@pytest.mark.parametrize(
    "param", [("region", "华东"), ("team", "华东一组"), ("product", "交换机"),
              ("product", "S5700"), ("contract", "HT-E-1")],
)  # fmt: skip
def test_the_queue_keeps_only_the_cases_of_a_dimension(seat, cases, param):
    page = _login(seat).get("/cases/", {"tab": "all", param[0]: param[1]})

    shown = [c.number for c in page.context["page"].object_list]
    assert shown == [cases["east"].number]
    assert "report-dimensions" in page.content.decode()


def test_the_case_api_filters_by_region(api_as, seat, cases):
    response = api_as(seat).get("/api/v1/cases", {"region": "西南"})

    assert [c["number"] for c in response.json()["items"]] == [cases["west"].number]


def test_an_overlong_dimension_is_422_in_the_api(api_as, seat):
    response = api_as(seat).get("/api/v1/cases", {"team": "x" * 41})

    assert response.status_code == 422
