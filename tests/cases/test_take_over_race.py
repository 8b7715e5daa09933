"""Seven engineers press take-over at once, without a version: one wins, six hear 409."""

from __future__ import annotations

import pytest
from django.db import connection

from aftersales.cases import services
from aftersales.cases.models import Activity, ActivityKind, Case, CaseType
from aftersales.core.errors import ApplicationError
from tests import factories
from tests.cases.test_case_concurrency import _race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock races are meaningful on PostgreSQL only"
)


@pytest.mark.django_db(transaction=True)
def test_seven_engineers_taking_over_without_version_leave_one_winner():
    CaseType.objects.get_or_create(code="fault", defaults={"name": "故障"})
    seat = factories.staff_user("seat", role="dispatcher")
    owner = factories.staff_user("owner", role="engineer")
    engineers = [factories.staff_user(f"eng{n}", role="engineer") for n in range(7)]
    case = services.case_create(
        by=seat, customer=factories.CustomerFactory(), title="x", priority="P2", channel="phone"
    )
    services.case_assign(case=case, engineer=owner, by=seat)
    # Each request reads the case first (its page, its selector), then presses the button.
    seen = [Case.objects.get(pk=case.pk) for _ in engineers]

    results = _race(
        *[
            (lambda c=c, e=e: services.case_take_over(case=c, by=e))
            for c, e in zip(seen, engineers, strict=True)
        ]
    )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, ApplicationError)]
    assert len(winners) == 1 and len(losers) == 6, results
    assert all(loser.status_code == 409 for loser in losers)
    assert Case.objects.get().assignee_id == winners[0].assignee_id
    assert Activity.objects.filter(kind=ActivityKind.TAKEN_OVER).count() == 1
