"""The issue's "done when": a P1 on a 5×8 contract opened Friday 16:30 before a holiday week."""

from __future__ import annotations

import time_machine

from aftersales.cases import services as case_services
from aftersales.cases.models import Case
from aftersales.contracts.penalties import penalty_statement
from aftersales.notify.models import OutboxMessage
from aftersales.notify.services import outbox_deliver_due
from aftersales.sla.models import EscalationFiring
from tests.sla.conftest import FRIDAY_1630, assign, at, sweep


def test_p1_on_5x8_contract_friday_1630_gets_deadlines_across_the_make_up_saturday(
    contract_5x8, open_case
):
    case = open_case("P1")
    assert case.contract == contract_5x8 and case.sla_calendar == "5x8"
    assert case.response_due_at == at(2026, 2, 14, 9, 30)  # 30 min Friday + 30 on 调休 Saturday
    assert case.diagnosis_due_at == at(2026, 2, 14, 9, 30)
    # 12 h: 30 min Friday, 8 h Saturday, the holiday week, then 3 h 30 on Tuesday 24th
    assert case.resolution_due_at == at(2026, 2, 24, 12, 30)


def test_nobody_responds_reminders_reassignment_manager_once_and_penalty(
    contract_5x8,
    open_case,
    seat,
    engineer_east,
    engineer_east2,
    manager_response_centre,
    smtp_server,
):
    case = assign(open_case("P1"), engineer_east, seat, FRIDAY_1630)
    sweep(at(2026, 2, 13, 16, 59))
    assert not EscalationFiring.objects.filter(promise__subject_id=case.pk).exists()
    sweep(at(2026, 2, 13, 17, 0))  # 30 service minutes
    sweep(at(2026, 2, 14, 9, 15))  # 45 service minutes: second reminder and reassignment
    case.refresh_from_db()
    assert case.assignee == engineer_east2
    sweep(at(2026, 2, 14, 9, 30))  # diagnosis missed
    sweep(at(2026, 2, 14, 9, 31))
    kinds = list(
        OutboxMessage.objects.filter(ref_id=case.number, kind__startswith="sla.")
        .order_by("pk")
        .values_list("kind", "to_user__username", "channel")
    )
    reminders = [k for k in kinds if k[0] == "sla.reminder" and k[2] == "email"]
    assert (
        reminders == [("sla.reminder", "engineer", "email"), ("sla.reminder", "seat", "email")] * 2
    )
    assert ("sla.reassigned", "engineer2", "sms") in kinds
    assert ("sla.unassigned", "engineer", "email") in kinds
    escalations = [k for k in kinds if k[0] == "sla.escalation"]
    assert escalations == [
        ("sla.escalation", "rc_manager", "email"),
        ("sla.escalation", "rc_manager", "sms"),
    ]
    with time_machine.travel(at(2026, 2, 14, 9, 53), tick=False):
        case_services.case_respond(
            case=Case.objects.get(pk=case.pk), by=engineer_east2, text="已联系"
        )
        outbox_deliver_due()
    assert "rc@example.com" in sum(smtp_server.recipients, [])
    assert any("missed its diagnosis target" in s for s in smtp_server.subjects)
    statement = penalty_statement(contract=contract_5x8, now=at(2026, 2, 14, 10, 0))
    texts = [line.explanation for line in statement.lines]
    assert f"{case.number} response missed by 23 min: 1% × ¥500,000.00 = ¥5,000.00" in texts
