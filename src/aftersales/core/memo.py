"""Per-process memo of rows read on every request (case types, SLA policies, user roles,
the contract covering a customer's asset).

Exact within a process: saving or deleting a row of a watched model empties the memo (again
at commit). Other processes see the change within `ttl` seconds (docs/decisions.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_memos: list[ConfigMemo] = []


class ConfigMemo:
    """Values loaded by key, dropped after `ttl` seconds or when a watched model changes."""

    def __init__(
        self,
        name: str,
        *models: type[Model],
        links: tuple[type[Model], ...] = (),
        ttl: float = 5.0,
        max_entries: int = 10_000,
    ) -> None:
        """`models`: rows whose save or delete forgets the memo; `links`: many-to-many
        tables (`Model.field.through`) whose changes do; past `max_entries` keys it starts over."""
        self.name = name
        self.ttl = ttl
        self.max_entries = max_entries
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(self._changed, sender=model, dispatch_uid=f"memo:{name}:{model}")
        for through in links:
            uid = f"memo:{name}:{through}"
            m2m_changed.connect(self._changed, sender=through, dispatch_uid=uid)
        _memos.append(self)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        now = time.monotonic()
        hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = load()
        with self._lock:
            if len(self._values) >= self.max_entries:
                self._values.clear()
            self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def forget(self) -> None:
        """Forget now and again at commit: a read between the change and the commit may have
        memoised the old row again. For changes no signal reports (queryset updates)."""
        self.clear()
        transaction.on_commit(self.clear)

    def _changed(self, **kwargs: Any) -> None:
        self.forget()


def clear_all() -> None:
    """Forget every memoised row (tests: rows change under rolled-back transactions)."""
    for memo in _memos:
        memo.clear()
