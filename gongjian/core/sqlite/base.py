"""Django's SQLite backend, with writers that take turns.

SQLite lets one writer in at a time. Django opens each transaction with ``BEGIN IMMEDIATE``
(``transaction_mode``), and a writer that finds the lock taken is put to sleep by SQLite's busy
handler for 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 ms at a time. Meanwhile the
writer that holds the lock finishes, answers, takes its next request and locks again, so the
sleeper can miss the free moments over and over: under load most reports waited a few
milliseconds but the slowest waited over 100. Here the BEGIN is retried every fraction of a
millisecond instead (up to the same ``timeout``), so a waiting writer gets the lock soon after it is
let go. Statements outside a transaction keep SQLite's busy handler.
"""

from __future__ import annotations

import sqlite3
import time

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

# Between two tries: short at first, a little longer while the wait goes on, never over 2 ms.
_FIRST_PAUSE = 0.0002
_LONGEST_PAUSE = 0.002


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self) -> None:
        # Both are in Django's SQLite backend, not in its type stubs.
        if getattr(self, "transaction_mode", None) != "IMMEDIATE":
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        raw = self.connection
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        busy_ms = int(timeout * 1000)
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            deadline = time.monotonic() + timeout
            pause = _FIRST_PAUSE
            while True:
                try:
                    self.cursor().execute("BEGIN IMMEDIATE")
                    return
                except OperationalError as exc:  # Django's, wrapping sqlite3's
                    cause = exc.__cause__
                    code = getattr(cause, "sqlite_errorcode", 0)
                    busy = code & 0xFF == sqlite3.SQLITE_BUSY  # also its extended forms (BUSY_RECOVERY, …)
                    if not busy or time.monotonic() >= deadline:
                        raise
                time.sleep(pause)
                pause = min(pause * 1.5, _LONGEST_PAUSE)
        finally:
            raw.execute(f"PRAGMA busy_timeout = {busy_ms}")
