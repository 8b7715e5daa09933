"""A read that runs beside the request's own: in a worker thread with its own connection.

Only outside transactions and on PostgreSQL: a second connection would not see rows the caller
has not committed (tests run inside one), and SQLite answers one reader per core anyway. The
worker takes the caller's language and time zone, and closes its connection when done: a
connection left open in a pool thread would outlive every request (and block dropping a test
database); opening one costs a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection
from django.utils import timezone, translation

T = TypeVar("T")
WORKERS = 2
_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="alongside")


def may_run_alongside() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def alongside(fn: Callable[[], T]) -> Callable[[], T]:
    """Start `fn` now and return a function that waits for its result (inline when a second
    connection could not see what the caller sees)."""
    if not may_run_alongside():
        result = fn()
        return lambda: result
    language = translation.get_language()
    zone = timezone.get_current_timezone()

    def run() -> T:
        try:
            with translation.override(language), timezone.override(zone):
                return fn()
        finally:
            connection.close()

    return _pool.submit(run).result
