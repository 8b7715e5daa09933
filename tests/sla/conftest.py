"""Personas and helpers of the SLA tests: a 5×8 contract, engineers of one region, managers."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from aftersales.cases import services as case_services
from aftersales.contracts.models import ServiceContract
from aftersales.contracts.penalties import penalty_rules_default
from aftersales.sla.models import SlaPolicy
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Friday before the 2026 Spring Festival week: Saturday 14 February is a make-up working day
# (调休), 15–23 February are holidays (chinesecalendar).
FRIDAY_1630 = dt.datetime(2026, 2, 13, 16, 30, tzinfo=SHANGHAI)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English source strings; recipients keep their own language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _sms_to_a_temporary_file(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"


@pytest.fixture
def contract_5x8(customer_a):
    contract = ServiceContract.objects.create(
        number="HT-2026-001",
        customer=customer_a,
        sla_policy=SlaPolicy.objects.get(code="5x8"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        value=Decimal("500000.00"),
    )
    penalty_rules_default(contract=contract)
    return contract


@pytest.fixture
def contract_7x24(customer_a):
    return ServiceContract.objects.create(
        number="HT-2026-724",
        customer=customer_a,
        sla_policy=SlaPolicy.objects.get(code="7x24"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        value=Decimal("100000.00"),
    )


@pytest.fixture
def engineer_east(engineer):
    engineer.language = "en"  # messages in English, so the tests can read them
    engineer.save(update_fields=["language"])
    factories.EngineerFactory(user=engineer, name="张工", region="华东")
    return engineer


@pytest.fixture
def engineer_east2(db):
    user = factories.staff_user("engineer2", role="engineer", email="engineer2@example.com")
    factories.EngineerFactory(user=user, name="王工", region="华东")
    return user


@pytest.fixture
def manager_response_centre(db):
    return factories.staff_user(
        "rc_manager",
        role="manager",
        manager_level="response_centre",
        email="rc@example.com",
        language="en",
    )


@pytest.fixture
def manager_general(db):
    return factories.staff_user("gm", role="manager", manager_level="general", email="gm@ex.com")


@pytest.fixture
def open_case(seat, customer_a, contact_a):
    """open_case(priority, when) opens a case for customer A at that moment."""

    def make(priority: str = "P1", when: dt.datetime = FRIDAY_1630, **fields):
        with time_machine.travel(when, tick=False):
            return case_services.case_create(
                by=seat,
                customer=customer_a,
                title="核心交换机宕机",
                priority=priority,
                contact=contact_a,
                **fields,
            )

    return make


def assign(case, engineer, seat, when):
    with time_machine.travel(when, tick=False):
        return case_services.case_assign(case=case, engineer=engineer, by=seat)


def sweep(when: dt.datetime):
    from aftersales.sla.services import sla_sweep

    with time_machine.travel(when, tick=False):
        return sla_sweep()
