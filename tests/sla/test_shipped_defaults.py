"""The shipped defaults match the seeds (issue 10): response times and the hardware warranty."""

from __future__ import annotations

from aftersales.contracts.models import WarrantyTerm
from aftersales.notify.models import OutboxMessage
from aftersales.sla.models import EscalationFiring, SlaTarget
from tests.sla.conftest import assign, at, sweep


def test_p3_and_p4_respond_within_30_minutes_p1_and_p2_within_60(db):
    for code in ("5x8", "7x24"):
        targets = dict(
            SlaTarget.objects.filter(policy__code=code).values_list("priority", "response_minutes")
        )
        assert targets == {"P1": 60, "P2": 60, "P3": 30, "P4": 30}


def test_a_p4_case_is_due_for_response_30_service_minutes_after_it_opened(open_case):
    case = open_case("P4", at(2026, 3, 2, 10, 0))
    assert case.response_due_at == at(2026, 3, 2, 10, 30)


def test_a_30_minute_response_is_reminded_at_15_and_reassigned_at_22_and_a_half(
    open_case, seat, engineer_east, engineer_east2
):
    case = assign(
        open_case("P4", at(2026, 3, 2, 10, 0)), engineer_east, seat, at(2026, 3, 2, 10, 0)
    )
    sweep(at(2026, 3, 2, 10, 14, 59))
    assert not EscalationFiring.objects.filter(promise__subject_id=case.pk).exists()
    sweep(at(2026, 3, 2, 10, 15))
    sweep(at(2026, 3, 2, 10, 22, 30))
    fired = EscalationFiring.objects.filter(promise__subject_id=case.pk)
    assert sorted(fired.values_list("rule__action", flat=True)) == ["reassign", "remind", "remind"]
    assert OutboxMessage.objects.filter(ref_id=case.number, kind="sla.reassigned").exists()


def test_default_hardware_warranty_is_three_years_7x24_from_final_acceptance(db):
    term = WarrantyTerm.objects.get(product_model=None, kind="hardware")
    assert (term.months, term.service_level, term.starts_from) == (36, "7x24", "acceptance")
