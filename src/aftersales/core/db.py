"""Database helpers shared by the apps: PostgreSQL planner settings for list reads."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

# The settings a queryset may carry (names go into SQL: only these, values checked too).
PLANNER_SETTINGS = frozenset({"enable_sort", "enable_bitmapscan"})


@dataclass(frozen=True)
class CountHint:
    """A count already taken: `counted` rows found when reading stopped at `limit` rows."""

    counted: int
    limit: int

    def count(self, cap: int | None) -> int | None:
        """The count (at most cap + 1) this hint answers without a query, or None."""
        if self.counted < self.limit:
            return self.counted if cap is None else min(self.counted, cap + 1)
        if cap is not None and cap + 1 <= self.limit:
            return cap + 1
        return None


class PlannedQuerySet(models.QuerySet):
    """A queryset that carries planner settings for the statements that read it (see page()),
    and the count its maker already took, until another filter changes its rows."""

    planner_settings: Mapping[str, bool] = {}
    count_hint: CountHint | None = None

    def with_planner_settings(self, **settings: bool) -> PlannedQuerySet:
        unknown = set(settings) - PLANNER_SETTINGS
        if unknown:
            raise ValueError(f"unknown planner settings: {sorted(unknown)}")
        clone = self._chain()
        clone.planner_settings = {**self.planner_settings, **settings}
        return clone

    def with_count_hint(self, counted: int, limit: int) -> PlannedQuerySet:
        clone = self._chain()
        clone.count_hint = CountHint(counted, limit)
        return clone

    def _clone(self) -> PlannedQuerySet:
        clone = super()._clone()
        clone.planner_settings = self.planner_settings
        clone.count_hint = self.count_hint
        return clone

    def _filter_or_exclude(self, negate: bool, args: Any, kwargs: Any) -> PlannedQuerySet:
        clone = super()._filter_or_exclude(negate, args, kwargs)
        clone.count_hint = None
        return clone


@contextlib.contextmanager
def planned_per_call(settings: Mapping[str, bool] | None = None) -> Iterator[None]:
    """Plan every statement inside for its own values, even when psycopg has prepared it.

    Lists filter skewed columns (most cases are closed, few unassigned): PostgreSQL's generic
    plan for a prepared statement suits the common value and is slow for the rare one.
    `settings` (from PlannedQuerySet) apply to the same statements only.
    """
    if connection.vendor != "postgresql":
        yield
        return
    names = ["plan_cache_mode", *(settings or {})]
    if not set(names[1:]) <= PLANNER_SETTINGS:
        raise ValueError(f"unknown planner settings: {sorted(set(names[1:]) - PLANNER_SETTINGS)}")
    nested = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            for name, on in (settings or {}).items():
                cursor.execute(f"SET LOCAL {name} = {'on' if on else 'off'}")
        try:
            yield
        finally:
            # Inside a caller's transaction SET LOCAL would outlive this block: undo it here.
            if nested and not connection.needs_rollback:
                with connection.cursor() as cursor:
                    for name in names:
                        cursor.execute(f"SET LOCAL {name} TO DEFAULT")


def planned_for(queryset: models.QuerySet) -> contextlib.AbstractContextManager[None]:
    """planned_per_call with the queryset's own planner settings, if it carries any."""
    return planned_per_call(getattr(queryset, "planner_settings", None))
