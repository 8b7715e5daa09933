"""The demo loader gives engineers a week of appointments and the regions representatives."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aftersales.fieldservice.models import Appointment, RegionalRepresentative
from aftersales.registry import demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_appointments_today_in_several_states_and_representatives():
    result = demo.load(customers=2, cases=4)
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {"proposed", "confirmed", "done"} <= statuses, getattr(result, "notes", None)
    today = timezone.localdate()
    assert any(timezone.localdate(a.starts_at) == today for a in Appointment.objects.all())
    assert RegionalRepresentative.objects.filter(is_active=True).exists()
