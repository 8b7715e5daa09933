"""Which policy a case gets, and how its due moments follow priority, pauses and contracts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from aftersales.cases import services as case_services
from aftersales.cases.models import Activity, ActivityKind, Case
from aftersales.cases.services import recompute_open_cases
from aftersales.contracts.models import ServiceContract
from aftersales.core.errors import Forbidden
from aftersales.sla.models import Promise, SlaPolicy
from tests.sla.conftest import FRIDAY_1630, assign, at


def test_case_without_contract_gets_the_default_5x8_policy(open_case):
    case = open_case("P2", at(2026, 3, 2, 10, 0))  # a Monday
    assert case.sla_policy.code == "5x8" and case.contract is None
    assert case.diagnosis_due_at == at(2026, 3, 2, 14, 0)


def test_7x24_contract_counts_the_night(contract_7x24, open_case):
    case = open_case("P1", FRIDAY_1630)
    assert case.contract == contract_7x24 and case.sla_calendar == "7x24"
    assert case.response_due_at == at(2026, 2, 13, 17, 30)


def test_raising_priority_recomputes_the_unfinished_deadlines(open_case, seat):
    case = open_case("P3", at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 10, 20), tick=False):
        case = case_services.case_change_priority(case=case, by=seat, priority="P1")
    assert case.diagnosis_due_at == at(2026, 3, 2, 11, 0)  # 1 h from opening, not 24 h
    assert Case.objects.get(pk=case.pk).diagnosis_due_at == at(2026, 3, 2, 11, 0)
    activity = Activity.objects.of(case).filter(kind=ActivityKind.UPDATED).get()
    assert activity.data["priority"] == {"from": "P3", "to": "P1"}


def test_engineer_cannot_change_priority(open_case, engineer):
    case = open_case("P3", at(2026, 3, 2, 10, 0))
    with pytest.raises(Forbidden):
        case_services.case_change_priority(case=case, by=engineer, priority="P1")
    assert Case.objects.get(pk=case.pk).priority == "P3"


def test_waiting_for_the_customer_banks_the_minutes_left(open_case, seat, engineer):
    case = assign(open_case("P3", at(2026, 3, 2, 10, 0)), engineer, seat, at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 10, 30), tick=False):
        case = case_services.case_respond(case=case, by=engineer, text="已联系")
    with time_machine.travel(at(2026, 3, 2, 16, 0), tick=False):  # 6 h of 24 used
        case = case_services.case_wait(case=case, by=engineer, text="等待客户提供日志")
    assert case.diagnosis_due_at is None
    clock = Promise.objects.get(subject_kind="case", subject_id=case.pk, target="diagnosis")
    assert clock.remaining == dt.timedelta(hours=18)
    with time_machine.travel(at(2026, 3, 4, 9, 0), tick=False):  # two days later
        case = case_services.case_resume(case=case, by=engineer)
    # 18 h of service time from Wednesday 09:00: Wednesday 8, Thursday 8, Friday 2 → 11:00
    assert case.diagnosis_due_at == at(2026, 3, 6, 11, 0)


def test_response_in_time_is_recorded_as_met(open_case, seat, engineer):
    case = assign(open_case("P1", at(2026, 3, 2, 10, 0)), engineer, seat, at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 10, 40), tick=False):
        case_services.case_respond(case=case, by=engineer, text="已联系")
    clock = Promise.objects.get(subject_kind="case", subject_id=case.pk, target="response")
    assert clock.met is True and clock.breached_at is None


def test_contract_signed_later_moves_open_cases_to_its_service_level(open_case, customer_a):
    case = open_case("P1", FRIDAY_1630)
    assert case.sla_calendar == "5x8"
    ServiceContract.objects.create(
        number="HT-LATE",
        customer=customer_a,
        sla_policy=SlaPolicy.objects.get(code="7x24"),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        value=1000,
    )
    with time_machine.travel(at(2026, 2, 13, 16, 40), tick=False):
        assert recompute_open_cases(customer=customer_a) == 1
    case.refresh_from_db()
    assert case.contract.number == "HT-LATE" and case.response_due_at == at(2026, 2, 13, 17, 30)
    assert Activity.objects.of(case).filter(kind=ActivityKind.UPDATED).exists()


def test_closed_case_leaves_the_sweep(open_case, seat):
    case = open_case("P1", FRIDAY_1630)
    assert case.next_sla_check_at is not None
    with time_machine.travel(at(2026, 2, 13, 16, 35), tick=False):
        case_services.case_close(case=case, by=seat, text="重复报修")
    assert Case.objects.get(pk=case.pk).next_sla_check_at is None
