from __future__ import annotations

import datetime as dt

from aftersales.contracts import tasks
from aftersales.contracts.services import contract_expiry_warnings_send
from aftersales.notify.models import OutboxMessage
from tests.contracts.conftest import make_contract


def warnings():
    return OutboxMessage.objects.filter(kind="contract.expiry").order_by("id")


def test_manager_is_warned_once_at_60_30_and_7_days(customer_a, service_manager, time_machine):
    make_contract(
        customer_a, "HT-E", starts="2025-07-01", ends="2026-06-30", service_manager=service_manager
    )
    for day, expected in [
        ("2026-04-30", 0),
        ("2026-05-01", 1),
        ("2026-05-01", 1),
        ("2026-05-02", 1),
        ("2026-05-31", 2),
        ("2026-06-23", 3),
        ("2026-06-24", 3),
    ]:
        time_machine.move_to(dt.datetime.fromisoformat(f"{day}T08:05"), tick=False)
        contract_expiry_warnings_send()
        assert warnings().count() == expected, day
    assert {m.to_user for m in warnings()} == {service_manager}
    assert "HT-E" in warnings().first().subject


def test_a_late_sweep_sends_only_the_nearest_threshold(customer_a, service_manager, time_machine):
    make_contract(
        customer_a, "HT-L", starts="2025-07-01", ends="2026-06-30", service_manager=service_manager
    )
    time_machine.move_to(dt.datetime(2026, 6, 5, 8, 5), tick=False)
    assert contract_expiry_warnings_send() == 1
    assert warnings().get().dedupe_key.endswith(":30")


def test_thresholds_are_configurable(customer_a, service_manager, settings, time_machine):
    settings.CONTRACT_EXPIRY_WARNING_DAYS = [15]
    make_contract(
        customer_a, "HT-C", starts="2025-07-01", ends="2026-06-30", service_manager=service_manager
    )
    time_machine.move_to(dt.datetime(2026, 5, 1, 8, 5), tick=False)
    assert contract_expiry_warnings_send() == 0
    time_machine.move_to(dt.datetime(2026, 6, 15, 8, 5), tick=False)
    assert contract_expiry_warnings_send() == 1


def test_daily_task_sends_the_warnings(customer_a, service_manager, time_machine):
    make_contract(
        customer_a, "HT-T", starts="2025-07-01", ends="2026-06-30", service_manager=service_manager
    )
    time_machine.move_to(dt.datetime(2026, 6, 23, 8, 5), tick=False)
    tasks.warn_expiring_contracts.call_local()
    assert warnings().count() == 1


def test_inactive_contracts_are_not_warned_about(customer_a, service_manager, time_machine):
    make_contract(
        customer_a,
        "HT-I",
        starts="2025-07-01",
        ends="2026-06-30",
        service_manager=service_manager,
        is_active=False,
    )
    time_machine.move_to(dt.datetime(2026, 6, 23, 8, 5), tick=False)
    assert contract_expiry_warnings_send() == 0
