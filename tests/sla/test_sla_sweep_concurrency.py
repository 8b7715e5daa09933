"""Two sweeps at once on PostgreSQL: every (case, rule) step fires exactly once."""

from __future__ import annotations

import importlib
import threading

import pytest
import time_machine
from django.apps import apps
from django.db import connection, connections

from aftersales.cases import services as case_services
from aftersales.cases.models import CaseType
from aftersales.notify.models import OutboxMessage
from aftersales.sla.models import EscalationFiring, EscalationRule, SlaPolicy
from aftersales.sla.services import sla_sweep
from tests import factories
from tests.sla.conftest import at

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent sweeps are meaningful on PostgreSQL"
)


@pytest.fixture(autouse=True)
def _seeds(transactional_db):
    """Transactional tests may start from an empty database: put the seeded data back."""
    CaseType.objects.get_or_create(code="fault", defaults={"name": "故障"})
    for app, name, present in (
        ("sla", "0002_seed_builtin_calendars", None),
        ("sla", "0004_seed_sla_policies", SlaPolicy),
        ("sla", "0006_seed_escalation_ladder", EscalationRule),
    ):
        if present is None or not present.objects.exists():
            importlib.import_module(f"aftersales.{app}.migrations.{name}").seed(apps, None)


def _at_once(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_fire_each_step_once():
    seat = factories.staff_user("seat", role="dispatcher")
    engineer = factories.staff_user("engineer", role="engineer")
    customer = factories.CustomerFactory()
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        for i in range(30):
            case = case_services.case_create(
                by=seat, customer=customer, title=f"故障{i}", priority="P2"
            )
            case_services.case_assign(case=case, engineer=engineer, by=seat)
    with time_machine.travel(at(2026, 3, 2, 10, 50), tick=False):
        reports = _at_once(sla_sweep, sla_sweep)
    assert not any(isinstance(r, Exception) for r in reports), reports
    # 30 and 45 minute reminders and the reassignment attempt, per case
    assert EscalationFiring.objects.count() == 30 * 3
    assert sum(r.fired for r in reports) == 90
    reminders = OutboxMessage.objects.filter(kind="sla.reminder", to_user=engineer, channel="sms")
    assert reminders.count() == 30 * 2
