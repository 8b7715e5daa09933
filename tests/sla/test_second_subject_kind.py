"""A second subject kind, registered by the test alone, gets promises, escalation, penalties
and a timeline from the engine with no engine code of its own (issue 10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from aftersales.contracts.models import PenaltyRule, PenaltyWaiver
from aftersales.contracts.penalties import penalty_statement, penalty_waive
from aftersales.core.models import Activity
from aftersales.sla import clockwork
from aftersales.sla.models import EscalationFiring, EscalationRule, Promise
from aftersales.sla.subjects import SubjectKind, register_kind, unregister_kind
from tests.sla.conftest import at, sweep

KIND = "gadget"


@pytest.fixture
def gadgets(db):
    """Kind "gadget": subjects are plain ids; its hooks only write down what they were told."""
    told: list[tuple] = []

    def remind(step):
        told.append(("remind", step.subject, step.promise.target, step.late))
        return 1

    kind = SubjectKind(
        code=KIND,
        load=lambda ids: {i: i for i in ids},
        is_active=lambda subject: subject != 13,  # gadget 13 is closed
        labels=lambda ids: {i: f"G-{i}" for i in ids},
        name=lambda subject: f"G-{subject}",
        remind=remind,
        breached=lambda subject, promise, now, writes: told.append(("breached", subject)),
    )
    register_kind(kind)
    EscalationRule.objects.create(
        name="Gadget answer: remind at half",
        subject_kind=KIND,
        target="answer",
        anchor="share",
        offset_minutes=50,
        action="remind",
    )
    yield told
    unregister_kind(KIND)


def promise(subject_id, when, *, target="answer", minutes=120, rule="service_minutes", cal="7x24"):
    calendar = clockwork.calendar_for(cal)
    with time_machine.travel(when, tick=False):
        made = clockwork.new_promise(
            kind=KIND, target=target, minutes=minutes, now=when, cal=calendar, rule=rule
        )
        return clockwork.start([made], subject_id=subject_id, cal=calendar)[0]


def test_a_promise_on_another_kind_is_due_and_checked_by_the_sweep(gadgets):
    made = promise(1, at(2026, 3, 2, 10, 0))
    assert made.due_at == at(2026, 3, 2, 12, 0)
    assert made.next_check_at == at(2026, 3, 2, 11, 0)  # the reminder at half


def test_cut_off_rule_gives_the_same_day_before_1400_and_next_noon_after(gadgets):
    before = promise(1, at(2026, 3, 4, 13, 59), rule="cutoff", minutes=0, cal="5x8")
    after = promise(2, at(2026, 3, 4, 14, 0), rule="cutoff", minutes=0, cal="5x8")
    assert before.due_at == at(2026, 3, 4, 17, 0)
    assert after.due_at == at(2026, 3, 5, 12, 0)


def test_the_kind_is_reminded_once_by_its_own_ladder(gadgets):
    promise(1, at(2026, 3, 2, 10, 0))
    sweep(at(2026, 3, 2, 11, 0))
    sweep(at(2026, 3, 2, 11, 0))
    assert gadgets == [("remind", 1, "answer", False)]
    assert EscalationFiring.objects.filter(promise__subject_kind=KIND).count() == 1


def test_a_missed_promise_is_breached_and_the_kind_told(gadgets):
    promise(1, at(2026, 3, 2, 10, 0))
    sweep(at(2026, 3, 2, 12, 5))
    assert Promise.objects.get(subject_kind=KIND).breached_at == at(2026, 3, 2, 12, 0)
    assert ("breached", 1) in gadgets


def test_a_closed_subject_is_not_swept(gadgets):
    promise(13, at(2026, 3, 2, 10, 0))
    sweep(at(2026, 3, 2, 12, 5))
    closed = Promise.objects.get(subject_kind=KIND)
    assert closed.breached_at is None and closed.next_check_at is None and gadgets == []


def test_pause_banks_the_service_time_of_another_kind(gadgets):
    made = promise(1, at(2026, 3, 2, 10, 0))
    cal = clockwork.calendar_for("7x24")
    clockwork.pause([made], cal=cal, now=at(2026, 3, 2, 10, 30))
    clockwork.resume([made], cal=cal, now=at(2026, 3, 2, 14, 0))
    made.refresh_from_db()
    assert made.used == dt.timedelta(minutes=30)
    assert made.due_at == at(2026, 3, 2, 15, 30)


def test_contract_penalty_rule_applies_to_a_missed_promise_of_the_kind(
    gadgets, contract_5x8, manager_response_centre
):
    PenaltyRule.objects.create(
        contract=contract_5x8,
        subject_kind=KIND,
        target="answer",
        basis=PenaltyRule.Basis.PER_OCCURRENCE,
        percent_of_value=Decimal("2.00"),
    )
    made = promise(7, at(2026, 3, 2, 10, 0))
    Promise.objects.filter(pk=made.pk).update(contract_id=contract_5x8.pk)
    sweep(at(2026, 3, 2, 12, 5))
    [line] = penalty_statement(contract=contract_5x8, now=at(2026, 3, 2, 13, 0)).lines
    assert line.case_number == "G-7" and line.amount == Decimal("10000.00")


def test_waiving_a_penalty_of_the_kind_writes_its_timeline(
    gadgets, contract_5x8, manager_response_centre
):
    rule = PenaltyRule.objects.create(
        contract=contract_5x8,
        subject_kind=KIND,
        target="answer",
        basis=PenaltyRule.Basis.PER_OCCURRENCE,
        percent_of_value=Decimal("1.00"),
    )
    made = promise(7, at(2026, 3, 2, 10, 0))
    Promise.objects.filter(pk=made.pk).update(contract_id=contract_5x8.pk)
    sweep(at(2026, 3, 2, 12, 5))
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        penalty_waive(line_id=f"{made.pk}-{rule.pk}", by=manager_response_centre, reason="停电")
    assert PenaltyWaiver.objects.get().promise_id == made.pk
    note = Activity.objects.get(subject_kind=KIND, subject_id=7)
    assert "停电" in note.text and note.internal
