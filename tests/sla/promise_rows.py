"""Cases with promises in chosen states, for the promise list and the "due next" board."""

from __future__ import annotations

import datetime as dt

from aftersales.sla.models import Promise
from tests.repairs.conftest import open_case
from tests.sla.conftest import at

NOW = at(2026, 3, 2, 10, 0)


def case_without_promises(seat, engineer, customer, contact):
    """An open case assigned to `engineer`, its own promises removed so a test sets them."""
    case = open_case(seat, engineer, customer, contact, serial="")
    Promise.objects.filter(subject_kind="case", subject_id=case.pk).delete()
    return case


def promise_on(case, target: str, *, due: dt.datetime | None, **fields) -> Promise:
    """A promise of the case due at `due`; fields set its state (breached_at, completed_at...)."""
    return Promise.objects.create(
        subject_kind="case",
        subject_id=case.pk,
        customer_id=case.customer_id,
        target=target,
        minutes=60,
        started_at=NOW - dt.timedelta(hours=1),
        running_since=NOW - dt.timedelta(hours=1),
        due_at=due,
        **fields,
    )
