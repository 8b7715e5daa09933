import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from aftersales.cases.models import ActivityKind, Case, Status
from aftersales.cases.services import cases_auto_close_sweep
from aftersales.notify.models import OutboxMessage


@pytest.mark.django_db
def test_resolved_case_gets_a_notice_then_closes_after_seven_quiet_days(resolved_case):
    resolved_at = resolved_case.resolved_at
    with time_machine.travel(resolved_at + dt.timedelta(days=6, hours=1), tick=False):
        assert cases_auto_close_sweep() == (1, 0)
    assert OutboxMessage.objects.filter(kind="case.auto_close_notice").exists()
    with time_machine.travel(resolved_at + dt.timedelta(days=7, minutes=1), tick=False):
        assert cases_auto_close_sweep() == (0, 1)
    case = Case.objects.get()
    assert case.status == Status.CLOSED
    assert case.activities.filter(kind=ActivityKind.CLOSED, actor=None).exists()


@pytest.mark.django_db
def test_sweep_does_nothing_twice(resolved_case):
    later = resolved_case.resolved_at + dt.timedelta(days=8)
    with time_machine.travel(later, tick=False):
        cases_auto_close_sweep()
        assert cases_auto_close_sweep() == (0, 0)
    assert Case.objects.get().activities.filter(kind=ActivityKind.NOTICE).count() == 1


@pytest.mark.django_db
def test_rejected_resolution_is_not_auto_closed(resolved_case, contact_a):
    from aftersales.cases.services import case_reject

    case_reject(case=resolved_case, by=contact_a.user, text="没解决")
    with time_machine.travel(timezone.now() + dt.timedelta(days=30), tick=False):
        assert cases_auto_close_sweep() == (0, 0)
    assert Case.objects.get().status == Status.IN_PROGRESS
