"""The sweep: steps fire once, late ones are marked, quiet hours respected."""

from __future__ import annotations

from aftersales.notify.models import OutboxMessage
from aftersales.sla.models import EscalationFiring
from tests.sla.conftest import FRIDAY_1630, assign, at, sweep


def test_sweep_down_for_an_hour_catches_up_with_one_message_per_step_marked_late(
    open_case, seat, engineer_east
):
    case = assign(
        open_case("P1", at(2026, 3, 2, 10, 0)), engineer_east, seat, at(2026, 3, 2, 10, 0)
    )
    report = sweep(at(2026, 3, 2, 11, 0))  # nothing ran since 10:00
    firings = list(
        EscalationFiring.objects.filter(promise__subject_id=case.pk).select_related("rule")
    )
    assert {f.rule.name for f in firings} >= {
        "Response reminder at 30 min",
        "Response reminder at 45 min",
        "Reassign after 45 min without response",
    }
    assert all(f.late for f in firings if f.rule.target == "response")
    sweep(at(2026, 3, 2, 11, 1))
    reminders = OutboxMessage.objects.filter(
        ref_id=case.number, kind="sla.reminder", to_user=engineer_east, channel="email"
    )
    assert reminders.count() == 2 and report.late >= 3
    assert "Sent late" in reminders.first().body


def test_sweep_twice_at_the_same_minute_fires_nothing_twice(open_case, seat, engineer_east):
    case = assign(
        open_case("P1", at(2026, 3, 2, 10, 0)), engineer_east, seat, at(2026, 3, 2, 10, 0)
    )
    sweep(at(2026, 3, 2, 10, 30))
    sweep(at(2026, 3, 2, 10, 30))
    assert EscalationFiring.objects.filter(promise__subject_id=case.pk).count() == 1
    assert OutboxMessage.objects.filter(ref_id=case.number, kind="sla.reminder").count() == 4


def test_sweep_skips_cases_whose_check_is_not_due(open_case, django_assert_max_num_queries):
    open_case("P4", at(2026, 3, 2, 10, 0))
    with django_assert_max_num_queries(4):
        report = sweep(at(2026, 3, 2, 10, 5))
    assert report.cases == 0


def test_quiet_hours_hold_a_p4_escalation_mail_until_the_next_working_minute(
    open_case, manager_general
):
    case = open_case("P4", at(2026, 3, 2, 16, 0))
    # 72 service hours on 5×8: due Friday 13 March 16:00; the sweep fires at 18:00, after hours.
    assert case.diagnosis_due_at == at(2026, 3, 13, 16, 0)
    sweep(at(2026, 3, 13, 18, 0))
    mail = OutboxMessage.objects.get(ref_id=case.number, kind="sla.escalation", channel="email")
    assert mail.to_user == manager_general
    assert mail.not_before == at(2026, 3, 16, 9, 0)  # Monday 09:00


def test_p1_escalation_is_sent_at_night_all_the_same(
    contract_7x24, open_case, manager_response_centre
):
    case = open_case("P1", at(2026, 3, 2, 22, 0))
    sweep(at(2026, 3, 2, 23, 0))
    mail = OutboxMessage.objects.get(ref_id=case.number, kind="sla.escalation", channel="email")
    assert mail.not_before == at(2026, 3, 2, 23, 0)


def test_engineer_on_call_is_woken_for_a_p3_but_the_seat_waits(open_case, seat, engineer_east):
    engineer_east.engineer.on_call = True
    engineer_east.engineer.save(update_fields=["on_call"])
    case = assign(
        open_case("P3", at(2026, 3, 2, 16, 0)), engineer_east, seat, at(2026, 3, 2, 16, 0)
    )
    sweep(at(2026, 3, 2, 18, 0))  # the 16:30 reminder fires late, after hours
    mails = OutboxMessage.objects.filter(ref_id=case.number, kind="sla.reminder", channel="email")
    wake = {m.to_user.username: m.not_before for m in mails}
    assert wake == {"engineer": at(2026, 3, 2, 18, 0), "seat": at(2026, 3, 3, 9, 0)}


def test_reassignment_picks_the_least_busy_engineer_of_the_region(
    open_case, seat, engineer_east, engineer_east2
):
    from tests import factories

    far = factories.staff_user("far", role="engineer")
    factories.EngineerFactory(user=far, region="西南")
    case = assign(open_case("P1", FRIDAY_1630), engineer_east, seat, FRIDAY_1630)
    sweep(at(2026, 2, 14, 9, 20))
    case.refresh_from_db()
    assert case.assignee == engineer_east2


def test_sla_reassignment_goes_through_the_case_service_with_a_new_version(
    open_case, seat, engineer_east, engineer_east2
):
    case = assign(
        open_case("P1", at(2026, 3, 2, 10, 0)), engineer_east, seat, at(2026, 3, 2, 10, 0)
    )
    before = case.version
    sweep(at(2026, 3, 2, 10, 45))
    case.refresh_from_db()
    assert case.assignee == engineer_east2 and case.version == before + 1
    assert case.activities.filter(kind="assigned", data__sla_rule__isnull=False).count() == 1


def test_sweep_moves_the_case_next_check_to_its_next_step(open_case, seat, engineer_east):
    case = assign(
        open_case("P1", at(2026, 3, 2, 10, 0)), engineer_east, seat, at(2026, 3, 2, 10, 0)
    )
    sweep(at(2026, 3, 2, 10, 30))
    case.refresh_from_db()
    assert case.next_sla_check_at == at(2026, 3, 2, 10, 45)
