from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from aftersales.contracts.models import ServiceContract
from aftersales.sla.models import SlaPolicy
from tests import factories


@pytest.fixture(autouse=True)
def _english():
    """Messages asserted below are the English source strings (a Chinese catalogue exists)."""
    with translation.override("en"):
        yield


def make_contract(
    customer,
    number: str = "HT-2026-017",
    *,
    starts: str = "2026-07-01",
    ends: str = "2027-06-30",
    level: str = "5x8",
    assets=(),
    projects=(),
    **fields,
) -> ServiceContract:
    contract = ServiceContract.objects.create(
        number=number,
        customer=customer,
        sla_policy=SlaPolicy.objects.get(code=level),
        starts_on=dt.date.fromisoformat(starts),
        ends_on=dt.date.fromisoformat(ends),
        value=Decimal("100000.00"),
        **fields,
    )
    contract.assets.set(assets)
    contract.projects.set(projects)
    return contract


@pytest.fixture
def manager(db):
    return factories.staff_user("manager", role="manager")


@pytest.fixture
def service_manager(db):
    return factories.staff_user("csm", role="service_manager")


@pytest.fixture
def hardware_asset(customer_a):
    return factories.AssetFactory(
        customer=customer_a,
        serial_number="SN-HW-1",
        accepted_on=dt.date(2025, 3, 2),
        product_model=factories.ProductModelFactory(kind="hardware"),
    )
