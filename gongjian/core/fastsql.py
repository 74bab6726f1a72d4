"""One-row INSERTs for the hot write paths (case intake, the audit trail, the case timeline).

``Model.save()`` on a new row compiles its INSERT anew on every call, which on these machines
costs several times the statement itself (measured in bench/case_intake.py --profile). ``insert``
builds each model's statement once per process and database vendor, then only prepares the
values, the same way the ORM does (field defaults, ``auto_now``/``auto_now_add``, foreign keys as
ids, JSON), and sets the new primary key from ``RETURNING``. A plain str, int, bool or None in a
field of Django's own text, integer, boolean or integer-key class goes as it is (what the ORM's
several calls would return for it); any other value is prepared by its field.

It sends no signals, so it refuses models that something listens to (the audited ones, the ones a
memo watches): those keep ``save()``.

Inside ``with batch():`` an ``insert(obj, defer=True)`` whose new id nobody needs (a timeline
event, an audit entry) is queued instead, and the queue is written when the block ends: on
PostgreSQL as one statement (the first INSERT, with the others as its WITH queries), which
:func:`prepared_cursor` keeps prepared on the connection; on SQLite one by one (it has no round
trips). A None value is written as a literal NULL, so a new row's many empty columns bind nothing.
A failing statement raises at the end of the block, inside the caller's transaction,
so the caller's rollback takes everything back.

``with atomic():`` is all-or-nothing like ``transaction.atomic()``, for a block whose writes are
deferred inserts. On PostgreSQL outside any transaction it opens none: the queue goes as one
single statement, which PostgreSQL runs as one implicit transaction, so the block costs one
round trip instead of three (BEGIN, the batch, COMMIT). Any other write inside it is refused
there, so nothing can slip out of the all-or-nothing; functions given to :func:`on_commit` run
once the queue is written. Everywhere else (SQLite, or inside a transaction already) it is
``transaction.atomic()`` around ``batch()``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, models, transaction
from django.db.models.signals import post_save, pre_save

_statements: dict[tuple[type[models.Model], str], tuple[str, list[models.Field[Any, Any]], list[Any]]] = {}
_RETURNING = " RETURNING "
_nulled: dict[tuple[str, tuple[int, ...]], str] = {}
_queue: contextvars.ContextVar[list[tuple[str, str, list[Any]]] | None] = contextvars.ContextVar(
    "fastsql_queue", default=None
)
# The functions to run once an atomic() block without a transaction has written its queue.
_after: contextvars.ContextVar[list[Callable[[], Any]] | None] = contextvars.ContextVar("fastsql_after", default=None)
_TEXT = (str, type(None))
_INTEGER = (int, type(None))
# Fields whose value goes to the database as it is when it has one of these exact types: what
# get_db_prep_save() would return for it after several calls (to_python, get_prep_value, the
# backend's adapt_*). Exact classes only, so a subclass with conversions of its own keeps them.
_AS_IS: dict[type, tuple[type, ...]] = {
    **dict.fromkeys((models.CharField, models.TextField, models.EmailField, models.SlugField, models.URLField), _TEXT),
    **dict.fromkeys(
        (
            models.IntegerField,
            models.SmallIntegerField,
            models.BigIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.PositiveBigIntegerField,
        ),
        _INTEGER,
    ),
    models.BooleanField: (bool, type(None)),
}
_AUTO = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def _as_is(field: models.Field[Any, Any]) -> tuple[type, ...] | None:
    """The value types ``field`` passes through unchanged, or None where it must be prepared."""
    if type(field) is models.ForeignKey:
        # The id of an automatic integer key: the target's preparation leaves an int as it is.
        return _INTEGER if type(field.target_field) in _AUTO else None
    return _AS_IS.get(type(field))


def _statement(
    model: type[models.Model], connection: Any, *, with_pk: bool = False
) -> tuple[str, list[models.Field[Any, Any]], list[Any]]:
    key = (model, connection.vendor + (":pk" if with_pk else ""))
    found = _statements.get(key)
    if found is None:
        meta = model._meta
        if pre_save.has_listeners(model) or post_save.has_listeners(model):
            raise TypeError(f"{meta.label} has save signal receivers: use save()")
        if not isinstance(meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            raise TypeError(f"{meta.label} has no automatic primary key: use save()")
        # An id taken beforehand (from the table's sequence) is written like any other column.
        fields = [f for f in meta.local_concrete_fields if with_pk or f is not meta.pk]
        if any(f.db_default is not models.NOT_PROVIDED or getattr(f, "generated", False) for f in fields):
            raise TypeError(f"{meta.label} has database defaults or generated fields: use save()")
        quote = connection.ops.quote_name
        sql = ("INSERT INTO {} ({}) VALUES ({})" + _RETURNING + "{}").format(  # noqa: S608 (names from the model)
            quote(meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
            quote(meta.pk.column),
        )
        found = _statements[key] = (sql, fields, [_as_is(f) for f in fields])
    return found


def _with_nulls(sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    """``sql`` with a literal NULL for each None of ``params``, and the other values. A new row
    leaves many columns empty (a new case has no unit, rating or later dates yet): bound values
    cost time on both sides, and psycopg keeps the parsed form only of statements of up to 50."""
    nulls = tuple(i for i, p in enumerate(params) if p is None)
    if not nulls:
        return sql, params
    key = (sql, nulls)
    found = _nulled.get(key)
    if found is None:
        head, values = sql.rsplit(" VALUES (", 1)
        marks = values.split(", ", len(params) - 1)
        for i in nulls:
            marks[i] = "NULL" + marks[i][2:]  # "%s" (the last one followed by ")…")
        found = _nulled[key] = head + " VALUES (" + ", ".join(marks)
    return found, [p for p in params if p is not None]


def insert[M: models.Model](obj: M, *, using: str = "default", defer: bool = False) -> M:
    """INSERT ``obj`` as a new row, as ``obj.save()`` would, and return it with its primary key;
    with ``defer`` inside :func:`batch`, queue it and return it without one."""
    connection = connections[using]
    sql, fields, as_is = _statement(type(obj), connection, with_pk=obj.pk is not None)
    values = []
    for f, types in zip(fields, as_is, strict=True):
        if types is not None:  # pre_save() of these classes is the attribute itself
            value = getattr(obj, f.attname)
            if type(value) in types:
                values.append(value)
                continue
        values.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    sql, params = _with_nulls(sql, values)
    queue = _queue.get() if defer else None
    if queue is not None:
        queue.append((using, sql.split(_RETURNING, 1)[0], params))
        if obj.pk is not None:  # its row is there once the batch is written
            obj._state.adding = False
            obj._state.db = using
        return obj
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (obj.pk,) = cursor.fetchone()
    obj._state.adding = False
    obj._state.db = using
    return obj


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Queue the deferrable inserts made inside, and write them when the block ends."""
    queue: list[tuple[str, str, list[Any]]] = []
    token = _queue.set(queue)
    try:
        yield
    finally:
        _queue.reset(token)
    _flush(queue)


def deferring() -> bool:
    """Whether inserts with ``defer=True`` are queued here (inside batch() or atomic())."""
    return _queue.get() is not None


@contextlib.contextmanager
def atomic(using: str = "default") -> Iterator[None]:
    """All or nothing, for a block whose writes are deferred inserts (see the module's doc)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        with transaction.atomic(using=using), batch():
            yield
        return
    queue: list[tuple[str, str, list[Any]]] = []
    after: list[Callable[[], Any]] = []
    tokens = _queue.set(queue), _after.set(after)
    try:
        with connection.execute_wrapper(_reads_only):
            yield
    finally:
        _queue.reset(tokens[0])
        _after.reset(tokens[1])
    if any(entry[0] != using for entry in queue):
        raise RuntimeError(f"fastsql.atomic({using!r}) queued a write for another database")
    _flush(queue)
    for function in after:
        function()


def _reads_only(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    if sql.lstrip()[:6].upper() != "SELECT":
        raise RuntimeError(f"a write inside fastsql.atomic() that is not a deferred insert: {sql[:80]}")
    return execute(sql, params, many, context)


def on_commit(function: Callable[[], Any], using: str = "default") -> None:
    """Run ``function`` once the surrounding writes are committed: after the queue of an atomic()
    block without a transaction, or as ``transaction.on_commit`` does."""
    after = _after.get()
    if after is not None:
        after.append(function)
    else:
        transaction.on_commit(function, using=using)


@contextlib.contextmanager
def prepared_cursor(using: str = "default", *, repeatable: bool = False) -> Iterator[Any]:
    """A cursor whose statements PostgreSQL parses and plans once per connection: its values are
    bound on the server and each statement is prepared on first use (the project's other cursors
    bind on the client and prepare nothing). For the few statements of the hot write paths, whose
    text is the same on every call. Elsewhere, or with PREPARED_STATEMENTS off (a transaction-mode
    pooler that keeps no prepared statements), it is the ordinary cursor.

    ``repeatable``: the caller's first statement may run twice without harm (a second copy is
    refused by a constraint, or only leaves a gap in a sequence). Before a request's first query
    Django checks a kept connection with a ``SELECT 1`` (CONN_HEALTH_CHECKS): a round trip that
    costs a hot path of one statement about as much as the statement itself. Here that statement
    is the check instead: where it fails because the connection turns out dead (the server
    restarted, or closed it while idle), the connection is opened again and the statement run once
    more. Outside a transaction only; inside one, and otherwise, the check is Django's."""
    connection: Any = connections[using]  # its health-check flags are not in the type stubs
    check = (
        repeatable
        and connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if check:
        connection.health_check_done = True
    else:
        connection.close_if_health_check_failed()  # as connection.cursor() does
    cursor = _FirstStatementChecks(connection, check)
    try:
        yield cursor
    finally:
        cursor.close()


def _open_cursor(connection: Any) -> Any:
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # Django's default: psycopg then prepares nothing, even when asked
        raw.prepare_threshold = 2**31 - 1  # only what is asked (client-bound cursors never prepare)
    with connection.wrap_database_errors:
        cursor = _prepared_class()(raw)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)


class _FirstStatementChecks:
    """A cursor (Django's wrapper) whose first statement, when ``check``, doubles as the
    connection's health check: see :func:`prepared_cursor`."""

    def __init__(self, connection: Any, check: bool) -> None:
        self._connection, self._check = connection, check
        self._cursor = _open_cursor(connection)

    def execute(self, sql: str, params: Any = None) -> Any:
        if not self._check:
            return self._cursor.execute(sql, params)
        self._check = False
        try:
            return self._cursor.execute(sql, params)
        except (OperationalError, InterfaceError):
            if self._connection.is_usable():  # a live connection: the statement itself failed
                raise
        with contextlib.suppress(Exception):
            self._cursor.close()
        self._connection.close()
        self._cursor = _open_cursor(self._connection)  # a new connection: healthy by definition
        return self._cursor.execute(sql, params)

    def close(self) -> None:
        self._cursor.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


@functools.cache
def _prepared_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor

    class Prepared(ServerBindingCursor):  # type: ignore[misc,valid-type]
        """Binds on the server and asks psycopg to prepare every statement."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True)  # type: ignore[misc]

    return Prepared


def _flush(queue: list[tuple[str, str, list[Any]]]) -> None:
    by_database: dict[str, list[tuple[str, list[Any]]]] = {}
    for using, sql, params in queue:
        by_database.setdefault(using, []).append((sql, params))
    for using, statements in by_database.items():
        connection = connections[using]
        if connection.vendor == "postgresql":
            # One statement, however many rows: the first INSERT is the statement, the others its
            # data-modifying WITH queries, so it is parsed and planned once per connection. All run
            # once, on one snapshot, all or nothing. PostgreSQL runs the main INSERT first and then
            # the WITH queries from the last written to the first: listed in reverse, the rows take
            # their ids in the order they were queued (the timeline's order among equal times).
            rest = statements[:0:-1]
            sql = statements[0][0]
            if rest:
                sql = "WITH " + ", ".join(f"w{len(rest) - i} AS ({s})" for i, (s, _p) in enumerate(rest)) + " " + sql
            with prepared_cursor(using) as cursor:
                cursor.execute(sql, [value for _s, params in (*rest, statements[0]) for value in params])
        else:
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
