"""Penalties (违约金): computed from stored breaches, explained, waived with an audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from aftersales.cases import services as case_services
from aftersales.cases.models import Activity
from aftersales.contracts.models import PenaltyRule, PenaltyWaiver
from aftersales.contracts.penalties import (
    penalty_lines_for_case,
    penalty_rules_default,
    penalty_statement,
    penalty_waive,
)
from aftersales.core.errors import Forbidden
from tests.sla.conftest import assign, at, sweep


@pytest.fixture
def missed_response(contract_5x8, open_case, seat, engineer):
    """A P2 opened Monday 10:00 on the 5×8 contract, answered at 11:23 (23 min late)."""
    case = assign(open_case("P2", at(2026, 3, 2, 10, 0)), engineer, seat, at(2026, 3, 2, 10, 0))
    sweep(at(2026, 3, 2, 11, 1))
    with time_machine.travel(at(2026, 3, 2, 11, 23), tick=False):
        case_services.case_respond(case=case, by=engineer, text="已联系")
    return case


@pytest.fixture
def manager(db):
    from tests import factories

    return factories.staff_user("manager", role="manager", manager_level="technical")


def test_new_contract_gets_the_default_penalty_rules(contract_5x8):
    rules = {(r.target, r.basis, r.percent_of_value) for r in contract_5x8.penalty_rules.all()}
    assert rules == {
        ("response", "occurrence", Decimal("1.00")),
        ("resolution", "day_late", Decimal("1.00")),
    }
    assert len(penalty_rules_default(contract=contract_5x8)) == 2  # never twice


def test_missed_response_costs_one_percent_explained(missed_response):
    [line] = penalty_lines_for_case(case=missed_response, now=at(2026, 3, 2, 12, 0))
    assert line.amount == Decimal("5000.00")
    assert line.explanation == (
        f"{missed_response.number} response missed by 23 min: 1% × ¥500,000.00 = ¥5,000.00"
    )


def test_each_started_day_past_the_resolution_deadline_costs_one_percent(
    contract_5x8, open_case, seat, engineer
):
    case = assign(open_case("P1", at(2026, 3, 2, 10, 0)), engineer, seat, at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 10, 30), tick=False):
        case = case_services.case_respond(case=case, by=engineer, text="已联系")
    # P1 resolution: 12 service hours → due Tuesday 3 March 14:00
    with time_machine.travel(at(2026, 3, 5, 9, 0), tick=False):  # 1 d 19 h late
        case_services.case_resolve(case=case, by=engineer, text="更换主板")
    lines = penalty_statement(contract=contract_5x8, now=at(2026, 3, 6, 0, 0)).lines
    resolution = next(line for line in lines if line.target == "resolution")
    assert resolution.days == 2 and resolution.amount == Decimal("10000.00")
    assert "1% × 2 × ¥500,000.00 = ¥10,000.00" in resolution.explanation


def test_statement_for_a_period_leaves_out_other_months(contract_5x8, missed_response):
    import datetime as dt

    april = penalty_statement(
        contract=contract_5x8, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    march = penalty_statement(
        contract=contract_5x8, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
    )
    assert april.lines == [] and march.total == Decimal("5000.00")


def test_manager_waives_a_line_with_a_reason_audited(missed_response, manager, contract_5x8):
    [line] = penalty_lines_for_case(case=missed_response)
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        waived = penalty_waive(line_id=line.id, by=manager, reason="客户同意免除：停电所致")
    assert waived.waived and waived.payable == Decimal("0.00")
    waiver = PenaltyWaiver.objects.get()
    assert (waiver.waived_by, waiver.reason) == (manager, "客户同意免除：停电所致")
    assert Activity.objects.of(missed_response).filter(data__waiver=waiver.pk).exists()
    assert penalty_statement(contract=contract_5x8).payable_total == Decimal("0.00")


def test_engineer_cannot_waive_a_penalty(missed_response, engineer):
    [line] = penalty_lines_for_case(case=missed_response)
    with pytest.raises(Forbidden):
        penalty_waive(line_id=line.id, by=engineer, reason="想免")
    assert not PenaltyWaiver.objects.exists()


def test_contract_without_rules_has_no_penalties(contract_5x8, missed_response):
    PenaltyRule.objects.filter(contract=contract_5x8).delete()
    assert penalty_statement(contract=contract_5x8).lines == []
