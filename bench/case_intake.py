"""Case intake under load: new reports (no photo) POSTed through Open311 at 32 concurrent clients,
beside a bare Django view that does one plain INSERT, on SQLite and on PostgreSQL.

    .venv/bin/python bench/case_intake.py                 # both databases, 10 s per run
    .venv/bin/python bench/case_intake.py --seconds 20
    .venv/bin/python bench/case_intake.py --only sqlite
    .venv/bin/python bench/case_intake.py --profile 200   # where an intake request spends its time
    .venv/bin/python bench/case_intake.py --instructions  # instructions per request (valgrind; slow)
    BENCH_WORKERS=1 .venv/bin/python bench/case_intake.py --only sqlite  # one worker: no lock contention

Each database is new (a temporary SQLite file; a PostgreSQL database ``bench_intake`` created and
dropped here), migrated and loaded with the Zhuzhou demo (places with coordinates, the case
catalogue, the demo Open311 key), with rate limits off. One gunicorn (2 sync workers, 127.0.0.1,
a free port) serves the three endpoints with the same settings and middleware:

* ``POST /open311/v2/requests.json`` — GeoReport v2 intake: api_key check, validation, the
  nearest community from lat/long, ``cases.services.case_report`` (numbering, case, timeline
  event, audit entry, notifications) and the Open311 submission row;
* ``POST /bench/insert/`` — one ``INSERT`` into a table this script creates (bench/bare/);
* ``POST /bench/orm-report/`` — the same report's rows written the usual Django way (a lookup per
  input, ``objects.create()`` per row, in ``transaction.atomic()``; bench/bare/): not the target's
  yardstick, but what a plain implementation of the same work would serve.

Load comes from wrk (closed loop, 32 connections, 1 thread, fixed time after a short warm-up), on
the bare view, intake and the ORM view in turn, 5 rounds of 6 s each by default: on a shared machine
the median of the per-round ratios is steadier than one long run of each, which can land on either
side of a minute when another tenant slows the machine.
Target: intake at least half the bare view's rate, with p99 under 100 ms (medians of the rounds).

``--instructions`` counts, with valgrind's callgrind, the instructions one request of each costs
in-process through the WSGI application: a figure another tenant of the machine cannot move, for
telling whether a change made intake cheaper when requests/s swing by more than the change.
"""

import argparse
import os
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    WSGI_POST,
    Database,
    LoadResult,
    LoadSpec,
    alternate,
    django_shell,
    gunicorn,
    instructions_per_call,
    manage,
    median,
    postgres_available,
    postgres_database,
    print_results,
    sqlite_database,
    wrk,
)

SETTINGS = "bench.bare.settings"
PG_NAME = "bench_intake"
DESCRIPTION = "田心路 12 号门口雨水篦子被垃圾堵住，下雨就积水，请尽快疏通。"
# One worker takes SQLite's write lock out of the picture: what intake costs without waiting for it.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

SETUP = """
from django.db import connection
from bench.bare.views import create_table_sql
from gongjian.places.models import Place
with connection.cursor() as c:
    c.execute(create_table_sql(connection.vendor))
p = Place.objects.filter(kind="community", latitude__isnull=False).order_by("id").first()
print(p.latitude, p.longitude)
"""

COUNTS = """
from django.db import connection
from gongjian.cases.models import Case
with connection.cursor() as c:
    c.execute("SELECT COUNT(*) FROM bench_insert")
    inserted = c.fetchone()[0]
print(Case.objects.filter(source="open311").count(), inserted)
"""


def prepare(db: Database) -> tuple[dict[str, str], str, str]:
    env = db.env(RATELIMIT_ENABLED="false", DJANGO_SETTINGS_MODULE=SETTINGS)
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable")
    manage(env, "load_demo")
    lat, lng = django_shell(env, SETUP).split()[-2:]
    return env, lat, lng


def intake_body(lat: str, lng: str) -> str:
    return urllib.parse.urlencode(
        {
            "api_key": "demo-open311-key",
            "service_code": "drain-cover",
            "lat": lat,
            "long": lng,
            "address_string": "田心路 12 号",
            "description": DESCRIPTION,
        }
    )


def run(db: Database, seconds: int, rounds: int) -> tuple[float, float]:
    """Bare view and intake in turn, ``rounds`` times each for ``seconds``; prints every run and
    the medians, and returns the median intake/bare ratio and the median intake p99."""
    env, lat, lng = prepare(db)
    intake = intake_body(lat, lng)
    bare_body = urllib.parse.urlencode({"description": DESCRIPTION})
    before = django_shell(env, COUNTS).split()[-2:]

    def load(path: str, body: str, label: str) -> Callable[[int], LoadResult]:
        def one(number: int) -> LoadResult:
            # The first run of each warms the workers up for longer; later ones only refill the pipes.
            spec = LoadSpec(
                method="POST", body=body, headers=FORM, seconds=seconds, warmup_seconds=2 if number == 0 else 1
            )
            return wrk(server.url(path), spec, label=f"{label}, round {number + 1}")

        return one

    with gunicorn(env, ready_path="/open311/v2/services.json", workers=WORKERS) as server:
        runs = alternate(
            {
                "bare": load("/bench/insert/", bare_body, "bare view (one INSERT)"),
                "intake": load("/open311/v2/requests.json", intake, "case intake (Open311 POST)"),
                "orm": load("/bench/orm-report/", intake, "same rows, plain ORM view"),
            },
            rounds,
        )
    bares, intakes, orms = runs["bare"], runs["intake"], runs["orm"]
    cases, inserted = (int(n) - int(b) for n, b in zip(django_shell(env, COUNTS).split()[-2:], before, strict=True))
    print_results(db.label, [r for trio in zip(bares, intakes, orms, strict=True) for r in trio])
    ratios = [i.rate / b.rate for b, i in zip(bares, intakes, strict=True) if b.rate]
    cpu_ratios = [b.cpu_total_ms / i.cpu_total_ms for b, i in zip(bares, intakes, strict=True) if i.cpu_total_ms]
    ratio, p99 = median(ratios), median([i.p99_ms for i in intakes])
    print(
        f"per round, intake/bare: {', '.join(f'{r:.2f}' for r in ratios)}; by CPU per request: "
        f"{', '.join(f'{r:.2f}' for r in cpu_ratios)}"
    )
    print(
        f"medians of {rounds} rounds: bare {median([b.rate for b in bares]):.0f}/s, intake "
        f"{median([i.rate for i in intakes]):.0f}/s (p50 {median([i.p50_ms for i in intakes]):.1f} ms); "
        f"intake p99 {p99:.1f} ms (worst round {max(i.p99_ms for i in intakes):.1f})"
    )
    orm_ratios = [i.rate / o.rate for o, i in zip(orms, intakes, strict=True) if o.rate]
    print(
        f"beside the plain ORM view that writes the same rows ({median([o.rate for o in orms]):.0f}/s, "
        f"{median([o.rate / b.rate for b, o in zip(bares, orms, strict=True) if b.rate]):.2f}x the bare view): "
        f"intake {median(orm_ratios):.2f}x (per round {', '.join(f'{r:.2f}' for r in orm_ratios)})"
    )
    met = ratio >= 0.5 and p99 < 100 and all(r.ok for r in bares + intakes)
    print(
        f"intake/bare = {ratio:.2f} (median; target >= 0.50), intake p99 = {p99:.1f} ms (median; target < 100), "
        f"by CPU {median(cpu_ratios):.2f}: {'MET' if met else 'NOT MET'}"
    )
    print(f"rows written, warm-ups included: {cases} cases (intake and the ORM view), {inserted} bare rows")
    failed = [r for r in bares + intakes + orms if not r.ok]
    for r in failed:
        print(f"WARNING: {r.label}: {r.non_2xx} non-2xx answers, {r.socket_errors} socket errors")
    return ratio, p99


# One request after another, in-process through the WSGI application: what
# instructions_per_call() counts.
WSGI_LOOP = """
path, body = %(path)r, %(body)r.encode()
form = "application/x-www-form-urlencoded; charset=utf-8"
for _ in range(30):  # warm: imports, memos, the statements' first preparation
    post(path, body, form, "200")
for _ in range({n}):
    post(path, body, form, "200")
"""


def instructions(db: Database) -> None:
    """Instructions per request of the bare view and of intake, in-process (callgrind)."""
    env, lat, lng = prepare(db)
    counted = {}
    for label, path, body in (
        ("bare view (one INSERT)", "/bench/insert/", urllib.parse.urlencode({"description": DESCRIPTION})),
        ("case intake (Open311 POST)", "/open311/v2/requests.json", intake_body(lat, lng)),
    ):
        counted[label] = instructions_per_call(env, WSGI_POST + WSGI_LOOP % {"path": path, "body": body})
        print(f"{db.label}: {label:<28} {counted[label] / 1e6:6.2f} M instructions per request", flush=True)
    bare, intake = counted.values()
    print(
        f"{db.label}: bare/intake by instructions = {bare / intake:.2f} (this process only: "
        "not gunicorn's own work, nor the PostgreSQL server's)"
    )


PROFILE = """
import cProfile, pstats, time
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
data = {"api_key": "demo-open311-key", "service_code": "drain-cover", "lat": "%(lat)s", "long": "%(lng)s",
        "address_string": "田心路 12 号", "description": "%(description)s"}
from urllib.parse import urlencode
class FormClient(Client):  # urlencoded like the load test's wrk, not the test client's multipart
    def post(self, path, data=None, **extra):
        return super().post(path, urlencode(data or {}), content_type="application/x-www-form-urlencoded", **extra)
client = FormClient()
for _ in range(20):  # warm caches (content types, translations, url resolvers)
    assert client.post("/open311/v2/requests.json", data).status_code == 200
with CaptureQueriesContext(connection) as queries:
    client.post("/open311/v2/requests.json", data)
print("queries for one intake request:", len(queries.captured_queries))
for q in queries.captured_queries:
    print("   ", q["sql"][:160])
with CaptureQueriesContext(connection) as queries:
    client.post("/bench/insert/", {"description": "%(description)s"})
print("queries for one bare request:", len(queries.captured_queries))
profiler = cProfile.Profile()
start = time.perf_counter()
profiler.enable()
for _ in range(%(n)d):
    client.post("/open311/v2/requests.json", data)
profiler.disable()
elapsed = time.perf_counter() - start
print(f"in-process: {%(n)d / elapsed:.0f} intake requests/s on one core ({elapsed / %(n)d * 1000:.2f} ms each)")
start = time.perf_counter()
for _ in range(%(n)d):
    client.post("/bench/insert/", {"description": "x"})
elapsed = time.perf_counter() - start
print(f"in-process: {%(n)d / elapsed:.0f} bare requests/s on one core ({elapsed / %(n)d * 1000:.2f} ms each)")
pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)

# Wall time of the pieces of case_report, without the profiler (ms per call).
from decimal import Decimal
from django.db import transaction
from django.utils import timezone
from gongjian.cases import services as cs
from gongjian.cases.models import Case, Category
from gongjian.open311.services import api_key_authenticate
lat, lng = Decimal("%(lat)s"), Decimal("%(lng)s")
case = Case.objects.select_related("community").last()
category = Category.objects.get(code="drain-cover")
def clock(label, fn, n=%(n)d):
    start = time.perf_counter()
    for _ in range(n):
        fn()
    print(f"  {label:<48}{(time.perf_counter() - start) / n * 1000:7.2f} ms")
def numbered():
    with transaction.atomic():
        cs._next_number(timezone.now(), with_id=connection.vendor == "postgresql")
def reported():
    cs.case_report(category=category, description="x", lat=lat, lng=lng, source="open311")
print("breakdown (wall time per call, no profiler):")
clock("whole Open311 POST (test client)", lambda: client.post("/open311/v2/requests.json", data))
clock("bare INSERT view (test client)", lambda: client.post("/bench/insert/", {"description": "x"}))
clock("case_report (lat/long)", reported)
clock("  place_nearest (memo: lat/long -> community)", lambda: cs.place_nearest(lat=lat, lng=lng))
clock("  _place_context (memo: ancestors)", lambda: cs._place_context(case.place))
clock("  _next_number (one upsert)", numbered)
clock("  _community_staff (memo: who to notify)", lambda: cs._community_staff(case))
clock("api_key_authenticate", lambda: api_key_authenticate(raw="demo-open311-key"))
"""


def profile(n: int) -> None:
    """Where one intake request spends its time, in-process on SQLite (cProfile), and its queries."""
    with sqlite_database() as db:
        env, lat, lng = prepare(db)
        print(django_shell(env, PROFILE % {"lat": lat, "lng": lng, "description": DESCRIPTION, "n": n}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=6, help="measured seconds per run (default 6)")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each, taken in turn (default 5)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--profile", type=int, metavar="N", help="profile N intake requests in-process instead")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions per request with valgrind instead (slow)"
    )
    args = parser.parse_args()
    if args.profile:
        profile(args.profile)
        return
    if args.instructions:
        if args.only != "postgresql":
            with sqlite_database() as db:
                instructions(db)
        if args.only != "sqlite" and postgres_available():
            with postgres_database(PG_NAME) as db:
                instructions(db)
        return
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(
        f"case intake vs one INSERT: 32 connections, {WORKERS} gunicorn workers, {args.rounds} rounds of "
        f"{args.seconds} s each, taken in turn"
    )
    print(f"machine: {os.cpu_count()} cores, load average {load} before the run")
    if args.only != "postgresql":
        with sqlite_database() as db:
            run(db, args.seconds, args.rounds)
    if args.only != "sqlite":
        if postgres_available():
            with postgres_database(PG_NAME) as db:
                run(db, args.seconds, args.rounds)
        else:
            print("\n(PostgreSQL not reachable: skipped)")


if __name__ == "__main__":
    main()
