"""Races: two seats, two engineers, the same second. One wins, the other hears why."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from aftersales.cases import services
from aftersales.cases.models import Case, CaseType
from aftersales.core.errors import ApplicationError
from tests import factories

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock races are meaningful on PostgreSQL only"
)


@pytest.fixture(autouse=True)
def _case_type(transactional_db):
    # Transactional tests start from an empty database: the seeded types are gone.
    CaseType.objects.get_or_create(code="fault", defaults={"name": "故障"})


def _race(*calls):
    """Run the calls at once in threads; return what each returned or raised."""
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
        t.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_never_hands_out_the_same_number():
    seat = factories.staff_user("seat", role="dispatcher")
    customer = factories.CustomerFactory()

    def create():
        return services.case_create(
            by=seat,
            customer=customer,
            title="并发",
            priority="P3",
            case_type="fault",
            channel="phone",
        ).number

    numbers = _race(*[create] * 8)
    assert all(isinstance(n, str) for n in numbers), numbers
    assert len(set(numbers)) == 8


@pytest.mark.django_db(transaction=True)
def test_two_engineers_taking_over_at_once_leave_one_winner():
    seat = factories.staff_user("seat", role="dispatcher")
    first = factories.staff_user("first", role="engineer")
    a = factories.staff_user("a", role="engineer")
    b = factories.staff_user("b", role="engineer")
    case = services.case_create(
        by=seat,
        customer=factories.CustomerFactory(),
        title="x",
        priority="P2",
        case_type="fault",
        channel="phone",
    )
    case = services.case_assign(case=case, engineer=first, by=seat)
    seen = case.version

    results = _race(
        lambda: services.case_take_over(case=case, by=a, version=seen),
        lambda: services.case_take_over(case=case, by=b, version=seen),
    )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, ApplicationError)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].status_code == 409
    assert Case.objects.get().assignee_id == winners[0].assignee_id
