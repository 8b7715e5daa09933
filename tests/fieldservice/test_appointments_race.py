"""Two bookings of the same engineer's slot at once: one wins, the other hears 409."""

from __future__ import annotations

import pytest
from django.db import connection

from aftersales.core.errors import Conflict
from aftersales.fieldservice import appointments
from aftersales.fieldservice.models import Appointment
from tests import factories
from tests.cases.test_case_concurrency import _race
from tests.fieldservice.factories_appointments import at, field_engineer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock races are meaningful on PostgreSQL only"
)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_bookings_of_one_slot_leave_one_winner():
    seat = factories.staff_user("seat", role="dispatcher")
    wang = field_engineer("wang")

    def attempt(n: int):
        return appointments.appointment_book(
            by=seat, engineer=wang, starts_at=at(8, 9 + n % 2), ends_at=at(8, 11)
        )[0]

    results = _race(*[(lambda n=n: attempt(n)) for n in range(6)])
    winners = [r for r in results if isinstance(r, Appointment)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 5, results
    assert Appointment.objects.count() == 1
