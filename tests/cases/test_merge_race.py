"""Two seats merge the same duplicate at once, into two different cases: one merge wins."""

from __future__ import annotations

import pytest
from django.db import connection

from aftersales.cases.models import ActivityKind, Case, CaseLink, CaseType
from aftersales.cases.services import links
from aftersales.core.errors import ApplicationError
from tests import factories
from tests.cases.factories_daily import open_case
from tests.cases.test_case_concurrency import _race

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock races are meaningful on PostgreSQL only"
)


@pytest.mark.django_db(transaction=True)
def test_two_merges_of_one_duplicate_leave_one_winner():
    CaseType.objects.get_or_create(code="fault", defaults={"name": "故障"})
    seats = [factories.staff_user(f"seat{n}", role="dispatcher") for n in range(2)]
    customer = factories.CustomerFactory()
    first, second = open_case(seats[0], customer), open_case(seats[0], customer)
    duplicate = open_case(seats[0], customer)
    seen = [Case.objects.get(pk=duplicate.pk) for _ in seats]

    results = _race(
        lambda: links.case_merge(case=seen[0], by=seats[0], into=first.number),
        lambda: links.case_merge(case=seen[1], by=seats[1], into=second.number),
    )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, ApplicationError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].status_code == 409
    assert Case.objects.get(pk=duplicate.pk).merged_into_id == winners[0].merged_into_id
    assert CaseLink.objects.count() == 1
    merged_rows = Case.objects.get(pk=duplicate.pk).activities.filter(kind=ActivityKind.MERGED)
    assert merged_rows.count() == 1


@pytest.mark.django_db(transaction=True)
def test_merging_two_cases_into_each_other_at_once_does_not_deadlock():
    CaseType.objects.get_or_create(code="fault", defaults={"name": "故障"})
    seat = factories.staff_user("seat", role="dispatcher")
    customer = factories.CustomerFactory()
    a, b = open_case(seat, customer), open_case(seat, customer)
    results = _race(
        lambda: links.case_merge(case=a, by=seat, into=b.number),
        lambda: links.case_merge(case=b, by=seat, into=a.number),
    )
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert Case.objects.filter(merged_into__isnull=False).count() == 1
