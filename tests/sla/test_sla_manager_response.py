"""Managers promise an answer to an escalation: 24 h for P1, tracked on the firing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from aftersales.core.errors import Forbidden
from aftersales.sla.models import EscalationFiring
from aftersales.sla.services import escalation_acknowledge
from tests.sla.conftest import at, sweep


def test_p1_escalation_promises_a_manager_answer_within_24_hours(
    contract_7x24, open_case, manager_response_centre
):
    case = open_case("P1", at(2026, 3, 2, 22, 0))
    sweep(at(2026, 3, 2, 23, 0))
    firing = EscalationFiring.objects.get(
        promise__subject_id=case.pk, rule__action="notify_managers"
    )
    assert firing.ack_due_at == at(2026, 3, 2, 23, 0) + dt.timedelta(hours=24)
    with time_machine.travel(at(2026, 3, 3, 8, 0), tick=False):
        escalation_acknowledge(firing_id=firing.pk, by=manager_response_centre, text="已督办")
    firing.refresh_from_db()
    assert firing.acknowledged_by == manager_response_centre


def test_manager_of_another_level_cannot_answer_for_the_response_centre(
    contract_7x24, open_case, manager_general
):
    case = open_case("P1", at(2026, 3, 2, 22, 0))
    sweep(at(2026, 3, 2, 23, 0))
    firing = EscalationFiring.objects.get(
        promise__subject_id=case.pk, rule__action="notify_managers"
    )
    with pytest.raises(Forbidden):
        escalation_acknowledge(firing_id=firing.pk, by=manager_general)
