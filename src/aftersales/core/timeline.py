"""The one timeline helper (architecture rule 3): record() writes, for_subject() reads.

Every write service of every app calls record() inside its own transaction, so the activity row
commits or rolls back with the change it describes. Subjects are registered per model in the
apps' AppConfig.ready (core.subjects.register_subject).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from aftersales.core.db import bulk_insert
from aftersales.core.models import Activity
from aftersales.core.subjects import (  # noqa: F401  (re-exported: one import for callers)
    GENERIC_KINDS,
    kind_label,
    register_subject,
    subject_kind_of,
    subject_of,
)

NOT_IN_TRANSACTION = "timeline.record() must run inside the transaction of the change it records"


def _actor(actor: Any) -> Any:
    # AnonymousUser and other stand-ins (tasks, the system) are recorded as "no actor".
    return actor if getattr(actor, "is_authenticated", False) and actor.pk else None


def entry(
    *,
    subject: models.Model | None = None,
    kind: str,
    text: str = "",
    actor: Any = None,
    internal: bool = False,
    changes: dict | None = None,
    data: dict | None = None,
    at: dt.datetime | None = None,
    customer_id: int | None = None,
    subject_kind: str | None = None,
    subject_id: int | None = None,
) -> Activity:
    """An unsaved activity row for `subject` (or explicit subject_kind/subject_id)."""
    if subject is not None:
        registered = subject_of(subject)
        subject_kind, subject_id = registered.name, subject.pk
        if customer_id is None:
            customer_id = registered.customer_of(subject)
    if not subject_kind or subject_id is None:
        raise ValueError("record() needs a subject or subject_kind and subject_id")
    return Activity(
        subject_kind=subject_kind,
        subject_id=subject_id,
        customer_id=customer_id,
        at=at or timezone.now(),
        actor=_actor(actor),
        kind=str(kind),
        text=text or "",
        internal=internal,
        changes=changes or {},
        data=data or {},
    )


def _check_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(NOT_IN_TRANSACTION)


def record(**kwargs: Any) -> Activity:
    """Write one activity row in the caller's transaction (keyword arguments as entry())."""
    _check_atomic()
    activity = entry(**kwargs)
    activity.save(force_insert=True)
    return activity


def record_many(activities: Iterable[Activity]) -> list[Activity]:
    """Write many rows built with entry() by COPY on PostgreSQL (bulk generators)."""
    _check_atomic()
    return bulk_insert(Activity, list(activities))


def record_all(activities: Iterable[Activity]) -> list[Activity]:
    """Write rows built with entry() in one INSERT (sweeps), in the caller's transaction."""
    _check_atomic()
    return Activity.objects.bulk_create(list(activities))


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value, readable in a history card."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (Decimal, models.Model)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        return sorted(str(v) for v in value)
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` before a change, for changes_between()."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changes_between(
    before: dict[str, Any], obj: models.Model | dict[str, Any], fields: Iterable[str] | None = None
) -> dict[str, list]:
    """{field: [old, new]} for each of `fields` (default: those in `before`) that changed."""
    after = obj if isinstance(obj, dict) else None
    changed = {}
    for name in fields if fields is not None else before:
        new = _plain(after[name]) if after is not None else _plain(getattr(obj, name))
        old = before.get(name)
        if old != new:
            changed[name] = [old, new]
    return changed


def for_subject(
    subject_kind: str, subject_id: int, *, include_internal: bool
) -> models.QuerySet[Activity]:
    """A subject's timeline in order, with actors; internal rows only when asked for."""
    qs = Activity.objects.filter(subject_kind=subject_kind, subject_id=subject_id)
    if not include_internal:
        qs = qs.filter(internal=False)
    return qs.select_related("actor").order_by("at", "id")


def for_customer(
    customer_id: int, *, subject_kinds: Iterable[str], limit: int = 30
) -> list[Activity]:
    """The newest rows of these subject kinds at one customer (a staff history card)."""
    qs = Activity.objects.filter(customer_id=customer_id, subject_kind__in=list(subject_kinds))
    return list(qs.select_related("actor").order_by("-at", "-id")[:limit])


def activity_rows(activities: Iterable[Activity], *, internal_flag: bool = True) -> list[dict]:
    """Timeline rows as the API shows them (who, when, what, and whether internal)."""
    rows = []
    for a in activities:
        row = {
            "at": a.at,
            "actor": str(a.actor) if a.actor_id else None,
            "kind": a.kind,
            "text": a.text,
        }
        if internal_flag:
            row["internal"] = a.internal
        rows.append(row)
    return rows
