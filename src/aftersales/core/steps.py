"""One plain step of a numbered record (an RMA, a return request): who, when, what it stamps.

The record's model has `status` and `updated_at`; its module's predicate refuses the wrong
user (403) and the wrong state (409); `at` is the moment as recorded afterwards (422 naming
`at` when in the future or before the previous step).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from aftersales.core import timeline
from aftersales.core.moments import recorded_moment


def take_step(
    record: models.Model,
    *,
    by: Any,
    predicate: Any,
    at: dt.datetime | None,
    previous: Callable[[Any], dt.datetime | None],
    field: str,
    status: str | Callable[[Any], str],
    kind: str,
    text: str = "",
    changes: dict[str, Any] | None = None,
    more: Callable[[Any, dt.datetime], None] | None = None,
    related: Iterable[str] = ("customer",),
) -> Any:
    """Lock the row, check `at`, stamp `field` and `changes`, move to `status` (or what it says
    of the locked row), run `more`, and write the timeline row: one transaction."""
    predicate.enforce_who(by, record)
    now = timezone.now()
    changes = changes or {}
    with transaction.atomic():
        locked = (
            type(record)
            .objects.select_for_update(of=("self",))
            .select_related(*related)
            .get(pk=record.pk)
        )
        predicate.enforce(by, locked)
        moment = recorded_moment(at, now=now, previous=previous(locked))
        setattr(locked, field, moment)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.status = status(locked) if callable(status) else status
        locked.updated_at = now
        locked.save(update_fields=[field, "status", "updated_at", *changes])
        if more is not None:
            more(locked, moment)
        timeline.record(subject=locked, kind=kind, actor=by, text=text, at=moment, data={})
    return locked
