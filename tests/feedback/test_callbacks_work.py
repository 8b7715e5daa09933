"""Working the call list: attempts with their outcomes, problems raised and their promise."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from aftersales.core.errors import Conflict, Forbidden, Invalid
from aftersales.core.models import Activity
from aftersales.feedback import callbacks
from aftersales.feedback.callback_generation import callbacks_generate, parse_period
from aftersales.feedback.models import Callback, CallbackAttempt, CallbackItem
from aftersales.sla.models import Promise
from tests import factories
from tests.feedback.factories_callbacks import asset, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def manager(db):
    return factories.staff_user("cb_manager", role="manager")


@pytest.fixture
def callback(customer_a):
    asset(customer_a, accepted_on=dt.date(2026, 12, 3))
    callbacks_generate(period=parse_period("2026-12"), now=at(2026, 12, 4, 6, 0))
    return Callback.objects.get(rule__code="commissioned-monthly")


def _attempt(callback, by, **kwargs):
    with time_machine.travel(at(2026, 12, 7, 10, 0), tick=False):
        return callbacks.callback_attempt(callback=callback, by=by, **kwargs)


def test_a_reached_call_is_done_with_its_ratings(callback, seat):
    done = _attempt(callback, seat, outcome="reached", rating=4, engineer_rating=5, notes="好")
    assert (done.status, done.rating, done.engineer_rating, done.attempts) == ("done", 4, 5, 1)
    assert Activity.objects.filter(subject_kind="callback", kind="callback_done").count() == 1


def test_a_reached_call_needs_a_rating_and_writes_nothing_without(callback, seat):
    with pytest.raises(Invalid) as caught:
        _attempt(callback, seat, outcome="reached", rating=6)
    assert caught.value.field == "rating"
    assert CallbackAttempt.objects.count() == 0


def test_not_reached_plans_a_retry(callback, seat):
    retry = at(2026, 12, 8, 14, 0)
    done = _attempt(callback, seat, outcome="not_reached", retry_at=retry)
    assert (done.status, done.retry_at) == ("retry", retry)
    assert done.is_open


@pytest.mark.parametrize("retry", [None, at(2026, 12, 7, 9, 0)])
def test_not_reached_needs_a_retry_in_the_future(callback, seat, retry):
    with pytest.raises(Invalid) as caught:
        _attempt(callback, seat, outcome="not_reached", retry_at=retry)
    assert caught.value.field == "retry_at"
    assert CallbackAttempt.objects.count() == 0
    assert Callback.objects.get(pk=callback.pk).status == "due"


def test_a_refused_call_is_closed_and_cannot_be_called_again(callback, seat):
    _attempt(callback, seat, outcome="refused")
    with pytest.raises(Conflict):
        _attempt(callback, seat, outcome="reached", rating=5)
    assert Callback.objects.get(pk=callback.pk).status == "refused"


def test_engineers_may_not_record_calls(callback, engineer):
    with pytest.raises(Forbidden):
        _attempt(callback, engineer, outcome="reached", rating=5)
    assert CallbackAttempt.objects.count() == 0


def _raise(callback, seat):
    with time_machine.travel(at(2026, 12, 7, 10, 5), tick=False):
        return callbacks.callback_item_raise(
            callback=callback, by=seat, text="告警灯闪烁", department="technical"
        )


def test_a_problem_gets_a_number_of_its_day(callback, seat):
    item = _raise(callback, seat)
    assert item.number == "CI-20261207-0001"
    assert (item.status, item.customer_id) == ("open", callback.customer_id)


def test_the_departments_solution_must_reach_the_customer_in_one_business_day(
    callback, seat, manager
):
    item = _raise(callback, seat)
    with time_machine.travel(at(2026, 12, 11, 15, 0), tick=False):  # a Friday afternoon
        callbacks.callback_item_solve(item=item, by=manager, solution="更换风扇")
    promise = Promise.objects.get(subject_kind="callback_item", target="told")
    assert promise.due_at == at(2026, 12, 14, 15, 0)  # 480 service minutes: Monday 15:00
    with time_machine.travel(at(2026, 12, 14, 10, 0), tick=False):
        callbacks.callback_item_tell(item=item, by=seat)
    promise.refresh_from_db()
    assert promise.met is True


def test_seats_may_not_record_a_departments_solution(callback, seat):
    item = _raise(callback, seat)
    with pytest.raises(Forbidden):
        callbacks.callback_item_solve(item=item, by=seat, solution="x")
    assert CallbackItem.objects.get().status == "open"


def test_an_unsatisfied_customer_sends_the_problem_back_as_a_key_problem(callback, seat, manager):
    item = _raise(callback, seat)
    with time_machine.travel(at(2026, 12, 7, 11, 0), tick=False):
        callbacks.callback_item_solve(item=item, by=manager, solution="重启")
        callbacks.callback_item_tell(item=item, by=seat)
        item = callbacks.callback_item_confirm(item=item, by=seat, satisfied=False, text="没解决")
    assert (item.status, item.key_problem, item.resent_count) == ("open", True, 1)
    with time_machine.travel(at(2026, 12, 8, 11, 0), tick=False):
        callbacks.callback_item_solve(item=item, by=manager, solution="更换主板")
        callbacks.callback_item_tell(item=item, by=seat)
        item = callbacks.callback_item_confirm(item=item, by=seat, satisfied=True)
    assert (item.status, item.key_problem, item.resent_count) == ("closed", True, 1)
    kinds = Activity.objects.filter(subject_kind="callback_item").values_list("kind", flat=True)
    assert "callback_item_resent" in kinds and "callback_item_closed" in kinds


def test_a_problem_is_confirmed_only_after_the_customer_was_told(callback, seat, manager):
    item = _raise(callback, seat)
    with pytest.raises(Conflict):
        callbacks.callback_item_confirm(item=item, by=seat, satisfied=True)
    assert CallbackItem.objects.get().status == "open"


def test_the_promise_list_finds_the_callback_programmes_promises_by_the_contracts_name(
    callback, seat, manager, api_as
):
    item = _raise(callback, seat)
    with time_machine.travel(at(2026, 12, 11, 15, 0), tick=False):
        callbacks.callback_item_solve(item=item, by=manager, solution="更换风扇")
    response = api_as(manager).get("/api/v1/promises?subject_kind=callback")
    assert response.status_code == 200
    assert [(i["subject_kind"], i["target"]) for i in response.json()["items"]] == [
        ("callback_item", "told")
    ]
