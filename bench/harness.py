"""What every HTTP benchmark of Gongjian shares: a fresh database, the app served by gunicorn on
a free port, and a fixed-time load from ``wrk`` whose figures are parsed and printed.

A benchmark script is a few lines on top of this::

    from bench.harness import LoadSpec, fresh_databases, gunicorn, manage, print_results, wrk

    for db in fresh_databases("bench_votes"):            # SQLite file, then PostgreSQL scratch db
        with db:                                          # created here, dropped on leaving
            env = db.env(RATELIMIT_ENABLED="false")       # the environment for every process
            manage(env, "migrate", "-v0")
            manage(env, "load_demo")
            with gunicorn(env, workers=2) as server:      # 127.0.0.1:<free port>, waits until up
                result = wrk(server.url("/vote/"), LoadSpec(method="POST", body="…"), label="vote")
            print_results(db.label, [result])

Rules it keeps so that figures mean something and nothing is left behind:

* The database is always new: a temporary SQLite file, or a PostgreSQL database created for the
  run and dropped after it (never ``test`` or any database the project's sessions use).
* The server is started and stopped here, by its process id (never by name); its log goes to a
  temporary file that is printed if it fails to start.
* Load is closed-loop (``wrk``: each connection sends its next request when the last answer
  arrives), for a fixed time, after a short warm-up; non-2xx answers and socket errors are
  counted and reported, since a fast error is not a fast request.
"""

# ruff: noqa: S603 (it runs only this venv's python and gunicorn, and wrk, with arguments built here)
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Databases a benchmark must never create or drop: CI's, and the ones the sessions work in.
PROTECTED = {"postgres", "template0", "template1", "test", "root"}

# The settings every benchmarked process shares: production-like (no debug, real static
# storage off so that nothing needs collectstatic), quiet mail, no notification spam.
BASE_ENV = {
    "DEBUG": "false",
    "DEMO_MODE": "false",
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
    "LOG_LEVEL": "ERROR",
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- Databases ---------------------------------------------------------------------------------


@dataclass
class Database:
    """A fresh database for one run; use as a context manager (created on entry, removed on exit)."""

    label: str  # "sqlite" or "postgresql"
    url: str
    _cleanup: list[object] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for manage.py and the server: this database, BASE_ENV, ``extra``."""
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(BASE_ENV)
        env["DATABASE_URL"] = self.url
        env["PYTHONPATH"] = str(ROOT)
        env.update(extra)
        return env

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        for action in reversed(self._cleanup):
            action()  # type: ignore[operator]


def sqlite_database() -> Database:
    """A SQLite file in a new temporary directory (deleted afterwards)."""
    tmp = tempfile.mkdtemp(prefix="gongjian-bench-")
    db = Database("sqlite", f"sqlite:///{tmp}/bench.sqlite3")
    db._cleanup.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
    return db


def postgres_database(name: str, admin_url: str = PG_ADMIN_URL) -> Database:
    """A PostgreSQL database ``name`` created now (dropped first if a failed run left it) and
    dropped on exit. Refuses the databases in :data:`PROTECTED`."""
    import psycopg

    if name in PROTECTED or not re.fullmatch(r"bench_[a-z0-9_]+", name):
        raise ValueError(f"refusing to create or drop database {name!r}: benchmark databases are named bench_*")

    def admin(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    db = Database("postgresql", f"{base}/{name}")
    db._cleanup.append(lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return db


def postgres_available(admin_url: str = PG_ADMIN_URL) -> bool:
    try:
        import psycopg

        with psycopg.connect(admin_url, connect_timeout=3):
            return True
    except Exception:
        return False


def fresh_databases(pg_name: str) -> Iterator[Database]:
    """SQLite, then PostgreSQL (``pg_name``) when a server answers at BENCH_PG_URL."""
    yield sqlite_database()
    if postgres_available():
        yield postgres_database(pg_name)
    else:
        print(f"(PostgreSQL not reachable at {PG_ADMIN_URL}: skipped)", file=sys.stderr)


def manage(env: dict[str, str], *args: str, settings: str | None = None) -> str:
    """Run ``manage.py args`` in ``env`` (optionally with another settings module); returns stdout."""
    if settings:
        env = {**env, "DJANGO_SETTINGS_MODULE": settings}
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def django_shell(env: dict[str, str], code: str, settings: str | None = None) -> str:
    """Run Python ``code`` with Django set up in ``env`` (``manage.py shell -c``); returns stdout."""
    return manage(env, "shell", "-c", code, settings=settings)


# --- The server --------------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    app: str = "gongjian.wsgi:application",
    workers: int = 2,
    settings: str | None = None,
    ready_path: str = "/",
    timeout: float = 30,
) -> Iterator[Server]:
    """Serve ``app`` with gunicorn sync workers on 127.0.0.1:<free port> until the block ends."""
    port = free_port()
    if settings:
        env = {**env, "DJANGO_SETTINGS_MODULE": settings}
    log = Path(tempfile.mkstemp(prefix="gongjian-bench-gunicorn-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                GUNICORN,
                app,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "2048",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, process, log)
    try:
        _wait_until_up(server, ready_path, timeout)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the session this process leads: gunicorn and its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.unlink(missing_ok=True)


def _wait_until_up(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            urllib.request.urlopen(server.url(path), timeout=2)  # noqa: S310 (our own server)
            return
        except urllib.error.HTTPError:
            return  # it answers, even if not 200
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not come up on port {server.port}:\n{server.log.read_text()[-4000:]}")


# --- Load --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadSpec:
    """What each request of a load run is."""

    method: str = "GET"
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    connections: int = 32
    # One wrk thread drives thousands of requests a second: on a 2-core machine it leaves the
    # other core to the server instead of competing with it.
    threads: int = 1
    seconds: int = 10
    warmup_seconds: int = 2


@dataclass(frozen=True)
class LoadResult:
    label: str
    requests: int
    seconds: float
    rate: float  # requests per second
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    # Milliseconds of CPU per request used by each serving program during the measured run.
    cpu_ms: dict[str, float] = field(default_factory=dict)

    @property
    def cpu_total_ms(self) -> float:
        return sum(self.cpu_ms.values())

    @property
    def ok(self) -> bool:
        return self.non_2xx == 0 and self.socket_errors == 0


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _lua(spec: LoadSpec) -> str:
    def quote(s: str) -> str:
        return "[==[" + s + "]==]"

    lines = [f"wrk.method = {quote(spec.method)}"]
    if spec.body:
        lines.append(f"wrk.body = {quote(spec.body)}")
    for name, value in spec.headers.items():
        lines.append(f"wrk.headers[ {quote(name)} ] = {quote(value)}")
    return "\n".join(lines) + "\n"


def parse_wrk(label: str, output: str) -> LoadResult:
    """The figures of ``wrk --latency`` output."""
    requests = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    if not (requests and rate and p50 and p99):
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return LoadResult(
        label=label,
        requests=int(requests.group(1)),
        seconds=_ms(requests.group(2) + requests.group(3)) / 1000,
        rate=float(rate.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def wrk(url: str, spec: LoadSpec, *, label: str) -> LoadResult:
    """Drive ``url`` with ``spec`` for ``spec.seconds`` (after an unmeasured warm-up)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(spec))
    try:
        base = [WRK, "-t", str(spec.threads), "-c", str(spec.connections), "-s", script.name, "--latency"]
        if spec.warmup_seconds:
            subprocess.run([*base, "-d", f"{spec.warmup_seconds}s", url], capture_output=True, check=True)
        with cpu_used() as cpu:
            done = subprocess.run(
                [*base, "-d", f"{spec.seconds}s", "--timeout", "10s", url], capture_output=True, text=True, check=True
            )
    finally:
        os.unlink(script.name)
    result = parse_wrk(label, done.stdout)
    return dataclasses.replace(result, cpu_ms=cpu_ms_per_request(cpu, result.requests))


VALGRIND = shutil.which("valgrind") or "/usr/bin/valgrind"

# Python for instructions_per_call(): post(path, body, content_type, *statuses, **environ) sends one
# POST through the project's WSGI application in-process, as gunicorn calls it (without
# gunicorn), and checks the answer's status. A benchmark appends its own loop.
WSGI_POST = """
import io, sys
from gongjian.wsgi import application
def post(path, body, content_type, *statuses, **environ):
    environ.update({"REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
                    "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
                    "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1", "CONTENT_TYPE": content_type,
                    "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
                    "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
                    "wsgi.run_once": False})
    answered = []
    answer = application(environ, lambda status, headers, exc_info=None: answered.append(status))
    b"".join(answer)
    answer.close()
    assert answered[0][:3] in statuses, answered
"""


def instructions_per_call(env: dict[str, str], code: str, *, fewer: int = 20, more: int = 120) -> float:
    """Instructions the CPU executes per repetition of ``code`` (Python with Django set up, which
    repeats its work ``{n}`` times), counted by valgrind's callgrind in this process only: a figure
    that another tenant of the machine cannot move, unlike seconds. Two runs, ``fewer`` and
    ``more`` repetitions, and their difference, so that start-up and warm-up cancel out. Slow
    (Python runs some 50 times slower under valgrind)."""
    counts = []
    for n in (fewer, more):
        done = subprocess.run(
            [VALGRIND, "--tool=callgrind", "--callgrind-out-file=/dev/null", PYTHON, str(ROOT / "manage.py"),
             "shell", "-c", code.replace("{n}", str(n))],
            env={**env, "PYTHONHASHSEED": "0"}, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or not found:
            raise RuntimeError(f"callgrind run failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) / (more - fewer)


def alternate[T](runs: dict[str, Callable[[int], T]], rounds: int) -> dict[str, list[T]]:
    """Each run of ``runs`` once per round, in turn (A, B, A, B, …), given the round's number.

    On a shared machine another tenant can slow everything by 10–30 % for a minute at a time, so
    one long run of A followed by one of B can compare two different machines. Short runs taken
    in turn, and the median of their per-round ratios, compare A and B on the same one."""
    results: dict[str, list[T]] = {name: [] for name in runs}
    for number in range(rounds):
        for name, run in runs.items():
            results[name].append(run(number))
    return results


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def print_results(database: str, results: Sequence[LoadResult], *, baseline: LoadResult | None = None) -> None:
    """One line per result: rate, p50, p99, errors, and the ratio of its rate to ``baseline``'s."""
    print(f"\n== {database} ==")
    print(
        f"{'':<40}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'errors':>8}{'vs baseline':>13}"
        f"{'CPU ms/req':>12}  (gunicorn + postgres + redis)"
    )
    for r in results:
        ratio = f"{r.rate / baseline.rate:.2f}x" if baseline and baseline.rate else ""
        errors = r.non_2xx + r.socket_errors
        parts = " + ".join(f"{r.cpu_ms.get(name, 0):.2f}" for name in SERVING_PROGRAMS)
        print(
            f"{r.label:<40}{r.rate:>9.1f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{r.requests:>10}{errors:>8}{ratio:>13}"
            f"{r.cpu_total_ms:>12.2f}  ({parts})"
        )


# CPU time of the processes that serve a run, by program: what a request costs the machine, which
# stays steady when another tenant of a shared machine makes requests/s swing by 10 % or more.
SERVING_PROGRAMS = ("gunicorn", "postgres", "redis-server")


def _cpu_by_program(programs: Sequence[str]) -> dict[str, float]:
    """Seconds of CPU (user + system) used so far by the running processes of each program."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(programs, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name in used:
            fields = stat[stat.rindex(")") + 2 :].split()
            used[name] += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return used


@contextlib.contextmanager
def cpu_used(programs: Sequence[str] = SERVING_PROGRAMS) -> Iterator[dict[str, float]]:
    """``with cpu_used() as cpu:`` fills ``cpu`` with the CPU seconds each program used inside the
    block. Processes that start and end inside it are not counted: keep the servers' workers and
    database connections open across it (gunicorn workers, CONN_MAX_AGE)."""
    before = _cpu_by_program(programs)
    used: dict[str, float] = {}
    yield used
    after = _cpu_by_program(programs)
    used.update({name: after[name] - before[name] for name in programs})


def cpu_ms_per_request(cpu: dict[str, float], requests: int) -> dict[str, float]:
    """What :func:`cpu_used` filled in, as milliseconds per request."""
    return {name: used * 1000 / max(requests, 1) for name, used in cpu.items()}
