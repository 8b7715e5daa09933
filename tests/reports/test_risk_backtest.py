"""The backtest of the at-risk model (bench/risk_backtest.py) on small made-up histories."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from aftersales.registry.models import Engineer
from aftersales.reports import risk
from aftersales.sla.calendar import builtin_calendar
from aftersales.sla.models import Promise
from tests import factories

_SPEC = importlib.util.spec_from_file_location(
    "risk_backtest", Path(__file__).resolve().parents[2] / "bench" / "risk_backtest.py"
)
backtest = importlib.util.module_from_spec(_SPEC)
sys.modules["risk_backtest"] = backtest  # dataclasses look their module up
_SPEC.loader.exec_module(backtest)

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def promise(pk: int, *, due: dt.datetime, missed: bool, done: dt.datetime | None = None):
    return backtest.PromiseRecord(
        id=pk,
        kind="case",
        target="response",
        priority="P1",
        rule="service_minutes",
        minutes=240,
        calendar="7x24",
        subject_id=pk,
        started_at=due - 4 * HOUR,
        due_at=due,
        completed_at=None if missed else done,
        breached_at=due if missed else None,
        used_minutes=0 if missed else ((done - (due - 4 * HOUR)).total_seconds() / 60),
    )


def test_a_promise_decided_after_the_moment_is_not_used():
    # B is missed 30 minutes before A is due: after A's moment (one hour before its due).
    a = promise(1, due=T0 + 10 * HOUR, missed=True)
    b = promise(2, due=T0 + 10 * HOUR - 30 * dt.timedelta(minutes=1), missed=True)
    flags = {
        f.promise_id: f for f in backtest.replay([a, b], {}, {}, calendar=builtin_calendar).flags
    }
    assert flags[1].history_size == 0
    assert flags[2].history_size == 0


def test_a_promise_decided_before_the_moment_is_used():
    early = promise(1, due=T0 + 2 * HOUR, missed=True)
    later = promise(2, due=T0 + 10 * HOUR, missed=True)
    flags = {
        f.promise_id: f
        for f in backtest.replay([early, later], {}, {}, calendar=builtin_calendar).flags
    }
    assert flags[2].history_size == 1


def test_a_promise_done_before_its_moment_is_not_replayed():
    done_early = promise(1, due=T0 + 10 * HOUR, missed=False, done=T0 + 7 * HOUR)
    assert backtest.replay([done_early], {}, {}, calendar=builtin_calendar).flags == []


def test_precision_and_recall_count_flags_at_the_threshold():
    result = backtest.Result(threshold=0.7)
    for pk, (p, missed) in enumerate([(0.9, True), (0.8, False), (0.75, True), (0.2, True)]):
        result.flags.append(backtest.Flag(pk, T0, p, p, missed, 0))
    figures = result.figures()
    assert figures["flagged"] == 3
    assert figures["precision"] == pytest.approx(2 / 3)
    assert figures["recall"] == pytest.approx(2 / 3)


def test_on_a_generated_history_the_model_flags_misses_better_than_chance():
    cases, promises = backtest._simulate(1500, seed=3, start=T0, calendar=builtin_calendar)
    records, case_records = [], {}
    for pk, (c, rows) in enumerate(zip(cases, promises, strict=True), start=1):
        case_records[pk] = backtest.CaseRecord(
            pk, c["engineer"], c["created_at"], c["resolved_at"], c["responded_at"],
            c["diagnosed_at"],
        )  # fmt: skip
        for p in rows:
            records.append(
                backtest.PromiseRecord(
                    id=len(records) + 1,
                    kind="case",
                    target=p["target"],
                    priority=p["priority"],
                    rule="service_minutes",
                    minutes=p["minutes"],
                    calendar=p["calendar"],
                    subject_id=pk,
                    started_at=p["started_at"],
                    due_at=p["due_at"],
                    completed_at=p["completed_at"],
                    breached_at=p["breached_at"],
                    used_minutes=p["used"].total_seconds() / 60,
                )  # fmt: skip
            )
    figures = backtest.replay(records, case_records, {}, calendar=builtin_calendar).figures()
    share_missed = figures["missed"] / figures["replayed"]
    assert figures["precision"] is not None and figures["precision"] > share_missed


def test_the_records_read_from_the_database_are_the_decided_promises(db):
    user = factories.staff_user("eng_team", role="engineer")
    Engineer.objects.create(user=user, name="工程师", team="华东一组")
    base = {"subject_kind": "rma", "target": "ship", "priority": "", "minutes": 60}
    Promise.objects.create(subject_id=1, started_at=T0, due_at=T0 + HOUR, **base)
    Promise.objects.create(
        subject_id=2, started_at=T0, due_at=T0 + HOUR, breached_at=T0 + HOUR, **base
    )
    promises, _cases, teams = backtest.load_records()
    assert [p.subject_id for p in promises] == [2]
    assert teams[user.pk] == "华东一组"
    assert risk.decided_q() is not None
