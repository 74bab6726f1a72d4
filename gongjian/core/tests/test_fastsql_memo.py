"""core.fastsql writes what save() writes; core.memo keeps reference data and lets go of it."""

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError
from django.utils import timezone

from gongjian.core import fastsql, memo
from gongjian.core.models import AuditEntry
from gongjian.places.models import Place, PlaceKind
from gongjian.places.services import place_create

pytestmark = pytest.mark.django_db


def _row(entry: AuditEntry) -> dict[str, Any]:
    row = AuditEntry.objects.filter(pk=entry.pk).values().get()
    row.pop("id")
    row.pop("timestamp")
    return row


def test_it_inserts_the_same_row_as_save(world: dict[str, Any]) -> None:
    fields = {
        "action": "event",
        "event": "x.done",
        "content_type": ContentType.objects.get_for_model(Place),
        "object_id": "7",
        "object_repr": "北岭社区",
        "changes": {"金额": ["1.50", None], "list": [1, 2]},
        "remote_addr": "10.0.0.1",
    }
    saved = AuditEntry(**fields)
    saved.save()
    fast = fastsql.insert(AuditEntry(**fields))
    assert fast.pk and fast.pk != saved.pk and not fast._state.adding
    assert _row(fast) == _row(saved)
    assert AuditEntry.objects.get(pk=fast.pk).timestamp is not None  # auto_now_add applied


def test_values_that_need_converting_are_converted_as_save_converts_them(world: dict[str, Any]) -> None:
    # Plain str, int, bool and None go to the database as they are; anything else is prepared by
    # its field, as save() prepares it: an int in a text column, a lazy translation, a str id.
    from django.utils.translation import gettext_lazy

    fields = {
        "action": "event",
        "event": gettext_lazy("系统"),
        "content_type_id": str(ContentType.objects.get_for_model(Place).pk),
        "object_id": 7,
        "object_repr": gettext_lazy("市文明办"),
        "changes": {},
    }
    saved = AuditEntry(**fields)
    saved.save()
    fast = fastsql.insert(AuditEntry(**fields))
    assert _row(fast) == _row(saved)
    assert _row(fast)["object_id"] == "7" and _row(fast)["event"] == "系统"


def test_it_refuses_models_with_save_signals() -> None:
    with pytest.raises(TypeError, match="save signal receivers"):
        fastsql.insert(Place(kind=PlaceKind.DISTRICT, name="x"))  # audited, and watched by memos


def test_a_memo_loads_once_and_forgets_on_a_change(settings: Any, world: dict[str, Any]) -> None:
    settings.REFERENCE_CACHE_SECONDS = 60
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return Place.objects.count()

    counted = memo.Memo("test.places", load, models=[Place])
    first = counted.get()
    assert counted.get() == first and len(loads) == 1
    place_create(kind=PlaceKind.DISTRICT, name="渌口区")  # a save in this process: forgotten at once
    assert counted.get() == first + 1 and len(loads) == 2
    Place.objects.filter(name="渌口区").delete()  # a queryset delete sends signals per row too
    assert counted.get() == first
    Place.objects.bulk_create([Place(kind=PlaceKind.DISTRICT, name="醴陵市", path="/0/")])
    assert counted.get() == first  # bulk writes send nothing: the service says so itself
    memo.changed(Place)
    assert counted.get() == first + 1


def test_a_memo_of_zero_seconds_always_asks(settings: Any) -> None:
    settings.REFERENCE_CACHE_SECONDS = 0
    calls: list[int] = []
    m = memo.Memo("test.zero", lambda: calls.append(1) or len(calls), models=[])
    assert [m.get(), m.get()] == [1, 2]


def test_clear_all_forgets_every_memo(settings: Any) -> None:
    settings.REFERENCE_CACHE_SECONDS = 60
    m = memo.Memo("test.all", object, models=[])
    a = m.get()
    assert m.get() is a
    memo.clear_all()
    assert m.get() is not a


def test_a_batch_writes_its_deferred_rows_at_the_end_and_none_if_it_fails(world: dict[str, Any]) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    def entry(n: int) -> AuditEntry:
        return AuditEntry(action="event", event=f"x.{n}", changes={})

    before = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries, fastsql.batch():
        first = fastsql.insert(entry(1), defer=True)
        fastsql.insert(entry(2), defer=True)
        assert first.pk is None and AuditEntry.objects.count() == before  # nothing written yet
        now = fastsql.insert(entry(3))  # not deferred: written at once, with its id
        assert now.pk is not None
    assert AuditEntry.objects.filter(event__in=["x.1", "x.2", "x.3"]).count() == 3
    assert AuditEntry.objects.count() == before + 3
    writes = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(writes) == 2 and writes[-1].count("INSERT INTO") == 2  # the two deferred in one round trip
    with pytest.raises(RuntimeError), transaction.atomic(), fastsql.batch():
        fastsql.insert(entry(4), defer=True)
        raise RuntimeError("the caller failed")
    assert not AuditEntry.objects.filter(event="x.4").exists()
    fastsql.insert(entry(5), defer=True)  # outside a batch, defer changes nothing
    assert AuditEntry.objects.filter(event="x.5").exists()


def _event(n: int | str) -> AuditEntry:
    return AuditEntry(action="event", event=f"atomic.{n}", changes={"n": n})


@pytest.mark.django_db(transaction=True)
def test_atomic_writes_all_or_nothing_and_runs_on_commit_after() -> None:
    """Outside a transaction on PostgreSQL, atomic() opens none: its deferred inserts go as one
    statement (no BEGIN or COMMIT), which the server runs all or nothing; elsewhere it is an
    ordinary transaction. Either way a failure anywhere leaves nothing and tells nobody."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    told: list[str] = []
    with CaptureQueriesContext(connection) as queries, fastsql.atomic():
        for n in (1, 2, 3):
            fastsql.insert(_event(n), defer=True)
        fastsql.on_commit(lambda: told.append(f"{AuditEntry.objects.filter(event__startswith='atomic.').count()}"))
        assert not AuditEntry.objects.filter(event__startswith="atomic.").exists() and told == []
    assert told == ["3"]  # after the rows were written
    written = AuditEntry.objects.filter(event__startswith="atomic.").order_by("id")
    assert [e.event for e in written] == ["atomic.1", "atomic.2", "atomic.3"]  # ids in the order queued
    sent = [q["sql"] for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert [s.count("INSERT INTO") for s in sent if "INSERT" in s] == [3]
        assert not any(s in ("BEGIN", "COMMIT") for s in sent)

    # A statement the database refuses (action may not be NULL) takes the whole queue back with it.
    with pytest.raises(IntegrityError), fastsql.atomic():
        fastsql.insert(_event(4), defer=True)
        fastsql.insert(AuditEntry(action=None, event="atomic.null", changes={}), defer=True)
        fastsql.on_commit(lambda: told.append("never"))
    assert not AuditEntry.objects.filter(event="atomic.4").exists() and told == ["3"]

    # So does a failure of the caller.
    with pytest.raises(RuntimeError, match="the caller failed"), fastsql.atomic():
        fastsql.insert(_event(5), defer=True)
        raise RuntimeError("the caller failed")
    assert not AuditEntry.objects.filter(event="atomic.5").exists()


@pytest.mark.django_db(transaction=True)
def test_atomic_without_a_transaction_refuses_any_other_write() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL runs atomic() without a transaction")
    with pytest.raises(RuntimeError, match="not a deferred insert"), fastsql.atomic():
        fastsql.insert(_event(6), defer=True)
        AuditEntry.objects.filter(event="nothing").update(event="x")  # would escape the all-or-nothing
    assert not AuditEntry.objects.filter(event="atomic.6").exists()
    with fastsql.atomic():  # reads are let through
        assert AuditEntry.objects.filter(event="atomic.6").count() == 0
        fastsql.insert(_event(7), defer=True)
    assert AuditEntry.objects.filter(event="atomic.7").exists()


def test_empty_values_are_written_as_null_and_the_rest_in_their_columns(world: dict[str, Any]) -> None:
    """A None value is written as a NULL in the statement (fewer values to bind): the row is the
    same as save() writes, whichever columns are empty, deferred or not."""
    kinds = ContentType.objects.get_for_model(Place)
    variants = [
        {"action": "event", "event": "n.1", "changes": {}},
        {"action": "event", "event": "n.2", "changes": {}, "content_type": kinds, "remote_addr": "10.0.0.2"},
        {"action": "event", "event": "n.3", "changes": {"a": None}, "object_id": "9", "remote_addr": "10.0.0.3"},
    ]
    with fastsql.batch():
        deferred = [fastsql.insert(AuditEntry(**v), defer=True) for v in variants]
    assert all(e.pk is None for e in deferred)
    for fields in variants:
        saved = AuditEntry(**{**fields, "event": fields["event"] + ".saved"})
        saved.save()
        fast = AuditEntry.objects.get(event=fields["event"])
        expected = _row(saved)
        expected["event"] = fields["event"]
        assert _row(fast) == expected


@pytest.mark.django_db(transaction=True)
def test_the_hot_statements_are_prepared_once_per_connection_unless_turned_off(settings: Any) -> None:
    """On PostgreSQL a deferred batch is one statement that the server parses and plans once per
    connection; PREPARED_STATEMENTS=False (a pooler that keeps no prepared statements) turns that off."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no prepared statements to keep")

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%%core_auditentry%%'")
            return [row[0] for row in cursor.fetchall()]

    connection.close()  # a new session, with nothing prepared yet
    settings.PREPARED_STATEMENTS = False
    with fastsql.atomic():
        fastsql.insert(_event("p.0"), defer=True)
    assert prepared() == []
    settings.PREPARED_STATEMENTS = True
    for n in (1, 2, 3):
        with fastsql.atomic():
            fastsql.insert(_event(f"p.{n}"), defer=True)
            fastsql.insert(_event(f"p.{n}.b"), defer=True)
    statements = prepared()
    assert len(statements) == 1 and statements[0].count("INSERT INTO") == 2  # one statement, reused
    events = AuditEntry.objects.filter(event__startswith="atomic.p.").order_by("id").values_list("event", flat=True)
    assert list(events) == ["atomic.p.0"] + [f"atomic.p.{n}{b}" for n in (1, 2, 3) for b in ("", ".b")]


def _postgresql_only() -> Any:
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's connections need no health check")
    return connection


def _counting_health_checks(connection: Any, monkeypatch: Any) -> list[bool]:
    checks: list[bool] = []
    real = type(connection).is_usable

    def is_usable(self: Any) -> bool:
        checks.append(usable := real(self))
        return usable

    monkeypatch.setattr(type(connection), "is_usable", is_usable)
    return checks


def _recording(connection: Any, statements: list[str]) -> Any:
    """Every statement the connection's cursors try, in ``statements``."""

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    return connection.execute_wrapper(record)


@pytest.mark.django_db(transaction=True)
def test_a_repeatable_first_statement_is_the_health_check_itself(monkeypatch: Any) -> None:
    """Django checks a kept connection with a SELECT 1 before a request's first query; a hot
    path's statement that can run twice without harm saves that round trip by being the check."""
    connection = _postgresql_only()
    connection.ensure_connection()
    checks = _counting_health_checks(connection, monkeypatch)
    connection.health_check_done = False  # what Django does when a request starts
    with fastsql.prepared_cursor(repeatable=True) as cursor:
        cursor.execute("SELECT 41 + 1")
        assert cursor.fetchone() == (42,)
    assert checks == [] and connection.health_check_done
    connection.health_check_done = False
    with fastsql.prepared_cursor() as cursor:  # any other statement: Django's check first
        cursor.execute("SELECT 1")
    assert checks == [True]


@pytest.mark.django_db(transaction=True)
def test_a_connection_found_dead_is_opened_again_and_the_statement_runs_once(monkeypatch: Any) -> None:
    import psycopg

    from gongjian.cases.models import CaseNumberCounter
    from gongjian.cases.services import _next_number

    connection = _postgresql_only()
    connection.ensure_connection()
    dead_pid = connection.connection.info.backend_pid
    # The server ends the kept connection between two requests (a restart, an idle timeout).
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [dead_pid])
    checks = _counting_health_checks(connection, monkeypatch)
    attempts: list[str] = []
    connection.health_check_done = False
    moment = timezone.now()
    with _recording(connection, attempts):
        number, _id, _row = _next_number(moment, with_id=True)
    assert number.endswith("00001")
    # Tried on the kept connection, found dead only then (no SELECT 1 before), run again on a new one.
    assert len(attempts) == 2 and attempts[0] == attempts[1]
    assert checks == [False]
    assert connection.connection.info.backend_pid != dead_pid
    assert CaseNumberCounter.objects.get(day=timezone.localtime(moment).date()).last == 1


@pytest.mark.django_db(transaction=True)
def test_a_statement_that_fails_on_a_live_connection_is_not_run_again(monkeypatch: Any) -> None:
    from django.db import OperationalError

    connection = _postgresql_only()
    connection.ensure_connection()
    checks = _counting_health_checks(connection, monkeypatch)
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 50")
    attempts: list[str] = []
    connection.health_check_done = False
    try:
        with (
            pytest.raises(OperationalError, match="statement timeout"),
            _recording(connection, attempts),
            fastsql.prepared_cursor(repeatable=True) as cursor,
        ):
            cursor.execute("SELECT pg_sleep(1)")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    # Django's check, then this one: the connection works, so the error is the statement's own.
    assert checks == [True, True] and attempts == ["SELECT pg_sleep(1)"]
