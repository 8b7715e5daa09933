"""Django's SQLite backend, plus a queue for writers and `PRAGMA optimize` on close.

Writers queue: an atomic block takes an exclusive `flock` on `<database>-writelock` before
`BEGIN IMMEDIATE` and drops it at commit or rollback. SQLite's own wait (busy_timeout) makes
a blocked writer sleep 1, 2, 5, 10, 15, 20, 25... ms however soon the lock frees; on the lock
file the kernel wakes the next writer at once (2 processes x 2 threads, 1 ms transactions:
238-337/s with busy_timeout alone, 413-711/s queued). Single autocommit statements still rely
on busy_timeout, and an in-memory database (the tests') has no file to lock.

`PRAGMA optimize` on close is SQLite's own advice: it re-analyzes a table the connection's
queries used whose statistics are missing or whose size changed 25-fold, so it is almost always
a no-op costing microseconds. Connections live up to CONN_MAX_AGE; the periodic task
(core/tasks.py) catches smaller drifts and the tables no closing connection looked at.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from typing import IO

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock: IO[bytes] | None = None
    _write_locked = False

    def _start_transaction_under_autocommit(self) -> None:
        self._lock_writers()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._unlock_writers()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._unlock_writers()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._unlock_writers()

    def _close(self) -> None:
        if self.connection is not None and not self.in_atomic_block:
            # Statistics are an optimisation: a busy or read-only database must not fail a close.
            with contextlib.suppress(base.Database.Error):
                self.connection.execute("PRAGMA optimize")
        try:
            super()._close()
        finally:
            self._unlock_writers()
            if self._write_lock is not None:
                self._write_lock.close()
                self._write_lock = None

    def _lock_writers(self) -> None:
        if self._write_locked or self.is_in_memory_db():
            return
        if self._write_lock is None:
            # One open file per connection: flock then also queues threads of one process.
            path = f"{os.fspath(self.settings_dict['NAME'])}-writelock"
            try:
                self._write_lock = open(path, "ab")  # noqa: SIM115  (kept open, closed in _close)
            except OSError:
                return  # a read-only directory: busy_timeout alone, as before
        fcntl.flock(self._write_lock, fcntl.LOCK_EX)
        self._write_locked = True

    def _unlock_writers(self) -> None:
        if self._write_locked and self._write_lock is not None:
            fcntl.flock(self._write_lock, fcntl.LOCK_UN)
        self._write_locked = False
