"""gongjian.core.sqlite: a writer that finds SQLite's lock taken tries again every fraction of a
millisecond until its ``timeout``, instead of sleeping up to 100 ms at a time in SQLite's busy handler."""

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler, OperationalError

from gongjian.core.sqlite import base


def _wrapper(path: Path, timeout: float) -> Any:
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "gongjian.core.sqlite",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
            }
        }
    )
    return handler["default"]


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: Any) -> Iterator[Path]:
    """A SQLite file of its own (not the test database), in WAL mode like the project's."""
    path = tmp_path / "writers.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")
    with django_db_blocker.unblock():
        yield path


def _hold_lock(path: Path, seconds: float) -> tuple[threading.Thread, list[float]]:
    """Another writer takes the lock now and lets it go after ``seconds``; the list gets the time it did."""
    holder = sqlite3.connect(path, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    released: list[float] = []

    def release() -> None:
        threading.Event().wait(seconds)  # not time.sleep, which a test counts
        holder.commit()
        released.append(time.monotonic())
        holder.close()

    thread = threading.Thread(target=release)
    thread.start()
    return thread, released


def _busy_timeout(conn: Any) -> int:
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return int(cursor.fetchone()[0])


def test_a_waiting_writer_gets_the_lock_soon_after_it_is_let_go(database: Path, monkeypatch: Any) -> None:
    conn = _wrapper(database, timeout=10)
    pauses: list[float] = []
    real_sleep = time.sleep
    monkeypatch.setattr(base.time, "sleep", lambda s: (pauses.append(s), real_sleep(s)))
    thread, released = _hold_lock(database, 0.45)
    try:
        with _transaction(conn):
            got = time.monotonic()
            with conn.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (2)")
    finally:
        thread.join()
    assert released and got >= released[0]
    # It kept trying, never sleeping long: SQLite's own handler would have slept 50 and 100 ms
    # at a time by then and found the lock about 80 ms after it was let go.
    assert len(pauses) > 100
    assert max(pauses) <= base._LONGEST_PAUSE
    assert got - released[0] < 0.05
    # Outside the transaction, statements wait in SQLite's busy handler as configured.
    assert _busy_timeout(conn) == 10_000
    with conn.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert [n for (n,) in cursor.fetchall()] == [1, 2]
    conn.close()


def test_a_writer_gives_up_after_its_timeout_and_writes_nothing(database: Path) -> None:
    conn = _wrapper(database, timeout=0.3)
    thread, _released = _hold_lock(database, 1.0)
    start = time.monotonic()
    try:
        with pytest.raises(OperationalError, match="locked"), _transaction(conn), conn.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        waited = time.monotonic() - start
    finally:
        thread.join()
    assert 0.3 <= waited < 0.9
    assert _busy_timeout(conn) == 300
    with conn.cursor() as cursor:
        cursor.execute("SELECT n FROM t")
        assert cursor.fetchall() == [(1,)]
    conn.close()


def test_a_statement_outside_a_transaction_still_waits_in_sqlites_handler(database: Path) -> None:
    conn = _wrapper(database, timeout=5)
    conn.ensure_connection()
    thread, released = _hold_lock(database, 0.2)
    try:
        with conn.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (3)")  # autocommit: no BEGIN of ours
    finally:
        thread.join()
    assert released
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (2,)
    conn.close()


@contextlib.contextmanager
def _transaction(conn: Any) -> Iterator[None]:
    """What transaction.atomic() does on this connection (it only takes connections by alias)."""
    conn.ensure_connection()
    conn._start_transaction_under_autocommit()
    try:
        yield
    except BaseException:
        conn.connection.rollback()
        raise
    conn.connection.commit()
