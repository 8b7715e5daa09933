"""The case's time promises, as the case actions see them (the engine is sla.clockwork).

Each hook runs inside the action's transaction with the case row locked, after the action
changed the case's status, and keeps the case's SLA fields (due moments, next sweep check)
in step with its promises (cases.promises).
"""

from __future__ import annotations

import datetime as dt

from aftersales.cases import promises
from aftersales.cases.models import Case
from aftersales.sla.models import Target


def on_create(case: Case, now: dt.datetime) -> None:
    """Before the new case is saved: policy, contract, calendar and due moments."""
    case._sla_clocks = promises.prepare(case, now)


def on_created(case: Case) -> None:
    """After the new case is saved: store the promises on_create computed."""
    promises.start(case, getattr(case, "_sla_clocks", []))


def on_priority_change(case: Case, now: dt.datetime) -> bool:
    return promises.recompute(case, now)


def on_wait(case: Case, now: dt.datetime) -> None:
    promises.pause(case, now)


def on_resume(case: Case, now: dt.datetime) -> None:
    promises.resume(case, now)


def on_respond(case: Case, now: dt.datetime) -> None:
    promises.complete(case, [Target.RESPONSE], now)


def on_diagnose(case: Case, now: dt.datetime) -> None:
    promises.complete(case, [Target.RESPONSE, Target.DIAGNOSIS], now)


def on_resolve(case: Case, now: dt.datetime) -> None:
    promises.complete(case, [Target.RESPONSE, Target.DIAGNOSIS, Target.RESOLUTION], now)


def on_onsite_arrival(case: Case, now: dt.datetime) -> None:
    """For the field-service visit that records the engineer's arrival."""
    promises.complete(case, [Target.ONSITE], now)


def on_close(case: Case, now: dt.datetime) -> None:
    promises.stop(case, now)


def on_reopen(case: Case, now: dt.datetime) -> None:
    promises.reopen(case, now)
