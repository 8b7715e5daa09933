"""The work log: minutes on a case, voided not deleted, and minutes per user for reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.cases import worklog
from aftersales.cases.models import ActivityKind, WorkLog
from aftersales.core.errors import Conflict, Forbidden, Invalid, NotFound
from tests import factories

pytestmark = pytest.mark.django_db


def _log(case, by, minutes=30, **more):
    return worklog.work_log_add(case=case, by=by, minutes=minutes, **more)


def test_logging_time_records_an_internal_row(assigned_case, engineer):
    entry = _log(assigned_case, engineer, 45, note="现场排查")
    assert entry.worked_on == timezone.localdate()
    row = assigned_case.activities.get(kind=ActivityKind.WORK_LOGGED)
    assert row.internal and row.data["minutes"] == 45


@pytest.mark.parametrize("minutes", [0, 1441, -5, True])
def test_minutes_out_of_range_name_minutes(assigned_case, engineer, minutes):
    with pytest.raises(Invalid) as exc:
        _log(assigned_case, engineer, minutes)
    assert exc.value.field == "minutes" and WorkLog.objects.count() == 0


def test_a_day_in_the_future_names_worked_on(assigned_case, engineer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(Invalid) as exc:
        _log(assigned_case, engineer, worked_on=tomorrow)
    assert exc.value.field == "worked_on" and WorkLog.objects.count() == 0


def test_a_day_before_the_case_names_worked_on(assigned_case, engineer):
    before = timezone.localdate(assigned_case.created_at) - dt.timedelta(days=1)
    with pytest.raises(Invalid) as exc:
        _log(assigned_case, engineer, worked_on=before)
    assert exc.value.message == worklog.BEFORE_CASE and WorkLog.objects.count() == 0


def test_a_long_note_names_note(assigned_case, engineer):
    with pytest.raises(Invalid) as exc:
        _log(assigned_case, engineer, note="长" * 301)
    assert exc.value.field == "note" and WorkLog.objects.count() == 0


def test_a_complaint_officer_may_not_log_time(assigned_case):
    officer = factories.staff_user("officer", role="complaint_officer")
    with pytest.raises(Forbidden):
        _log(assigned_case, officer)
    assert WorkLog.objects.count() == 0


def test_a_customer_contact_may_not_read_the_work_log(assigned_case, contact_a):
    with pytest.raises(NotFound):
        worklog.work_log_for_case(user=contact_a.user, case=assigned_case)


def test_voiding_keeps_the_entry_and_stops_it_counting(assigned_case, engineer):
    entry = _log(assigned_case, engineer, 30)
    _log(assigned_case, engineer, 15)
    worklog.work_log_void(entry=entry, by=engineer)
    entries = worklog.work_log_for_case(user=engineer, case=assigned_case)
    assert entries.count() == 2 and worklog.total_minutes(entries) == 15
    assert assigned_case.activities.filter(kind=ActivityKind.WORK_LOGGED).count() == 3


def test_voiding_twice_is_a_conflict(assigned_case, engineer):
    entry = worklog.work_log_void(entry=_log(assigned_case, engineer), by=engineer)
    with pytest.raises(Conflict):
        worklog.work_log_void(entry=entry, by=engineer)


def test_another_engineer_may_not_void_my_entry(assigned_case, engineer, engineer2):
    entry = _log(assigned_case, engineer)
    with pytest.raises(Forbidden):
        worklog.work_log_void(entry=entry, by=engineer2)
    assert WorkLog.objects.get(pk=entry.pk).voided_at is None


def test_a_manager_may_void_anyones_entry(assigned_case, engineer):
    manager = factories.staff_user("manager", role="manager")
    entry = worklog.work_log_void(entry=_log(assigned_case, engineer), by=manager)
    assert entry.voided_by == manager


def test_minutes_by_user_sums_the_half_open_range(assigned_case, engineer, seat):
    today = timezone.localdate()
    _log(assigned_case, engineer, 30)
    _log(assigned_case, engineer, 20)
    _log(assigned_case, seat, 10)
    worklog.work_log_void(entry=_log(assigned_case, seat, 99), by=seat)
    totals = worklog.minutes_by_user(start=today, end=today + dt.timedelta(days=1))
    assert totals == {engineer.pk: 50, seat.pk: 10}
    assert worklog.minutes_by_user(start=today - dt.timedelta(days=1), end=today) == {}
