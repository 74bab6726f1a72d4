"""A vote spike against the real stack, measured against the cheapest possible write.

    .venv/bin/python bench/vote_spike.py     # 3 rounds of 10 s each; BENCH_ROUNDS, BENCH_SECONDS change them
    .venv/bin/python bench/vote_spike.py --instructions   # instructions per request (valgrind; slow)

In one run:

1. creates the scratch PostgreSQL database ``bench_votes`` (``bench.harness.postgres_database``:
   dropped again at the end) and empties Redis db 12; migrates; opens two rounds of 10 candidates
   (1 like per candidate per day, 10 a day); creates 10,000 phone-verified voters in bulk and
   signs a voter token for each (no database lookup is needed to check one);
2. serves the project with gunicorn (``bench.harness.gunicorn``, 2 sync workers, BENCH_WORKERS)
   on PostgreSQL and Redis, with ``bench.bare`` adding a view that does one plain INSERT;
3. drives ``wrk`` (LuaJIT cycling through the voters' tokens, 2 threads, 16 connections) at: the
   one-INSERT view; the plain vote endpoint ``POST /rolemodels/rounds/{id}/votes/``; the API's
   ``POST /api/rolemodels/rounds/{id}/votes`` (django-ninja), in turn, 3 rounds of 10 s each: 30 s
   of voting for each endpoint, and on a shared machine, where another tenant can slow everything
   for a minute, three ratios taken side by side instead of one taken minutes apart. Every 10th
   vote request repeats the one before it (same voter and candidate, sent concurrently from
   another connection) and must be refused. When the time is up each connection stops voting and
   the thread stops once every vote it sent is answered, so no vote is in flight at the end;
4. runs ``pgbench`` with a one-INSERT script: PostgreSQL's own insert rate;
5. prints requests/s, accepted votes/s, p50 and p99 for each run, the medians of the per-round
   ratios, and the CPU each request cost gunicorn, PostgreSQL and Redis
   (``bench.harness.cpu_used``); then checks against PostgreSQL that the stored votes equal the
   accepted (201) answers exactly and that no voter exceeded either limit.

Every request comes from 127.0.0.1, so the per-address challenge threshold is lifted for the
run (ROLEMODELS_VOTES_PER_ADDRESS_MINUTE); behind a proxy, PROXY_COUNT gives real addresses.
The per-voter threshold (20 a minute) stays: each voter votes a few times in the run.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    WRK,
    WSGI_POST,
    LoadSpec,
    alternate,
    cpu_ms_per_request,
    cpu_used,
    gunicorn,
    instructions_per_call,
    median,
    postgres_database,
)
from bench.harness import wrk as plain_wrk

PGBENCH = shutil.which("pgbench") or "/usr/bin/pgbench"
DB = "bench_votes"
REDIS = "redis://127.0.0.1:6379/12"
TAIL_PATH = "/rolemodels/rounds/0/votes/"  # answers 405 to a GET without touching the database
VOTERS = int(os.environ.get("BENCH_VOTERS", "10000"))
CANDIDATES = 10
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WRK_THREADS = 2
DUPLICATE_EVERY = 10

ENV = {
    "REDIS_URL": REDIS,
    "DJANGO_SETTINGS_MODULE": "bench.bare.settings",
    "ROLEMODELS_VOTES_PER_ADDRESS_MINUTE": "1000000000",
}

VOTE_LUA = r"""
local threads = {}
local counter = 1
ids_path = os.getenv("BENCH_IDS_PATH")
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end
function init(args)
  nthreads = tonumber(args[1])
  tokens = {}
  for line in io.lines(args[2]) do tokens[#tokens + 1] = line end
  entries = {}
  for e in string.gmatch(args[3], "%d+") do entries[#entries + 1] = e end
  path = args[4]
  dup_every = tonumber(args[5])
  seconds = tonumber(args[6])
  tail_path = args[7]
  OK_STATUS = tonumber(args[8])
  offset = tonumber(args[9])
  n = 0; s201 = 0; s400 = 0; s429 = 0; other = 0; sent = 0; answered = 0; started = nil; finished = 0
  in_window = 0; ok_in_window = 0
  ids = {}
  -- wrk calls request() once on the first thread's script before the run, to check what it
  -- returns, and never sends that request: it must not count as a vote sent (the thread would
  -- then wait for its answer until wrk's -d ran out, driving the tail all the while).
  verifying = (id == 1)
end
-- After `seconds`, each connection asks for a cheap page that answers 405 instead of voting; once
-- every vote sent has been answered the thread stops, so no vote is in flight when wrk ends and
-- the accepted answers can be compared with the stored rows exactly.
function request()
  if verifying then
    verifying = false
    return wrk.format("GET", tail_path)
  end
  if started == nil then started = now() end
  if now() - started >= seconds then
    return wrk.format("GET", tail_path)
  end
  sent = sent + 1
  local i = offset + n * nthreads + (id - 1)
  n = n + 1
  if dup_every > 0 and i % dup_every == dup_every - 1 then i = i - 1 end
  local v = i % #tokens
  local c = math.floor(i / #tokens) % #entries
  return wrk.format("POST", path,
    {["Content-Type"] = "application/json", ["X-Voter-Token"] = tokens[v + 1]},
    '{"candidate": ' .. entries[c + 1] .. '}')
end
function response(status, headers, body)
  if status == 405 then
    if started ~= nil and now() - started >= seconds and answered == sent then
      if finished == 0 then finished = now() - started end
      wrk.thread:stop()
    end
    return
  end
  answered = answered + 1
  -- The rate is what was answered within the window (as wrk's own), so that one slow straggler
  -- after it does not stretch the time the run is divided by.
  local inside = now() - started < seconds
  if inside then in_window = in_window + 1 end
  if status == OK_STATUS then
    s201 = s201 + 1
    if inside then ok_in_window = ok_in_window + 1 end
    -- The stored vote's id, from {"id": N}: the accepted answers are checked row by row.
    local id = body and string.match(body, '"id":%s*(%d+)')
    if id then ids[#ids + 1] = id end
  elseif status == 400 then s400 = s400 + 1
  elseif status == 429 then s429 = s429 + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local ok, refused, challenged, oth, sent_all, longest, unfinished, unanswered = 0, 0, 0, 0, 0, 0, 0, 0
  local window, ok_window = 0, 0
  local out = io.open(ids_path, "w")
  for _, t in ipairs(threads) do
    if t:get("finished") == 0 then unfinished = unfinished + 1 end
    unanswered = unanswered + t:get("sent") - t:get("answered")
    for _, id in ipairs(t:get("ids")) do out:write(id, "\n") end
    ok = ok + t:get("s201"); refused = refused + t:get("s400")
    challenged = challenged + t:get("s429"); oth = oth + t:get("other"); sent_all = sent_all + t:get("sent")
    if t:get("finished") > longest then longest = t:get("finished") end
    window = window + t:get("in_window"); ok_window = ok_window + t:get("ok_in_window")
  end
  out:close()
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "ok": %d, "refused": %d, "challenged": %d, "other": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "socket_errors": %d, "unanswered_threads": %d, "unanswered": %d, ' ..
    '"in_window": %d, "ok_in_window": %d, "errors": "connect %d, read %d, write %d, timeout %d"}\n',
    sent_all, longest * 1e6, ok, refused, challenged, oth,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout, unfinished, unanswered,
    window, ok_window, e.connect, e.read, e.write, e.timeout))
end
"""

PGBENCH_SQL = "INSERT INTO bench_insert (body, created_at) VALUES ('', now());\n"


def setup_data(db_env: dict[str, str], tmp: Path) -> tuple[int, list[int], int]:
    """Migrate, open two rounds (one per vote endpoint), create the voters and sign their tokens;
    returns the page round's id, its entry ids and the API round's id."""
    os.environ.update(db_env)
    import django

    django.setup()
    import datetime

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.bare.views import create_table_sql
    from gongjian.accounts.models import User
    from gongjian.rolemodels import security, services
    from gongjian.rolemodels.models import Category, Nomination, NominationStatus, NominatorKind, Voter

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(create_table_sql(connection.vendor))
    now = timezone.now()
    nominations = [
        Nomination.objects.create(
            category=Category.HELPING_OTHERS,
            nominee_name=f"候选人{i + 1}",
            headline="压测",
            story="压测",
            nominator_kind=NominatorKind.RESIDENT,
            consent_given=True,
            consent_method="压测",
            consent_recorded_at=now,
            status=NominationStatus.APPROVED,
        )
        for i in range(CANDIDATES)
    ]
    rounds = [
        services.round_create(
            title=f"压测评议 {label}",
            categories=[Category.HELPING_OTHERS],
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(days=1),
            votes_per_candidate_per_day=1,
            votes_per_day=CANDIDATES,
            show_counts_while_open=True,
            candidates=nominations,
        )
        for label in ("view", "api")
    ]
    started = time.perf_counter()
    users = User.objects.bulk_create(
        [User(username=f"bench-voter-{i}", password="!") for i in range(VOTERS)],  # noqa: S106 (unusable)
        batch_size=2000,
    )
    voters = Voter.objects.bulk_create(
        [
            Voter(
                user=u,
                phone_hash=security.phone_hash(f"139{i:08d}"),
                phone_hint=f"{i % 10000:04d}",
                verified_at=now,
                created_ip=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    (tmp / "tokens.txt").write_text("\n".join(security.voter_token(v.pk) for v in voters) + "\n")
    print(f"setup: {VOTERS} verified voters and their signed tokens in {time.perf_counter() - started:.1f} s")
    entries = [list(r.entries.order_by("pk").values_list("pk", flat=True)) for r in rounds]
    connection.close()
    return rounds[0].pk, entries[0], rounds[1].pk, entries[1]  # type: ignore[return-value]


def wrk(
    url: str, path: str, *, entries: list[int], tmp: Path, ok_status: int, dup_every: int, offset: int = 0
) -> dict[str, Any]:
    """One run of ``SECONDS``; its votes start at position ``offset`` of the (voter, candidate)
    sequence, so that a later round's voters like candidates they have not liked yet."""
    script = tmp / "spike.lua"
    script.write_text(VOTE_LUA)
    args = [str(WRK_THREADS), str(tmp / "tokens.txt"), ",".join(map(str, entries)), path, str(dup_every),
            str(SECONDS), TAIL_PATH, str(ok_status), str(offset)]  # fmt: skip
    cmd = [WRK, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS + 5}s", "--latency", "-s", str(script), url]
    ids_path = tmp / "accepted-ids.txt"
    env = {**os.environ, "BENCH_IDS_PATH": str(ids_path)}
    with cpu_used() as cpu:
        out = subprocess.run([*cmd, "--", *args], capture_output=True, text=True, check=True, env=env).stdout  # noqa: S603
    if os.environ.get("BENCH_DEBUG"):
        print(out)
    line = next(ln for ln in out.splitlines() if ln.startswith("BENCH "))
    data: dict[str, Any] = json.loads(line[6:])
    data["ids"] = {int(x) for x in ids_path.read_text().split()} if ok_status == 201 else set()
    data["rps"] = data["in_window"] / SECONDS
    data["ok_rps"] = data["ok_in_window"] / SECONDS
    # Milliseconds of CPU per request (the tail's cheap 405s are a few dozen of many thousands).
    data["cpu_ms"] = cpu_ms_per_request(cpu, data["requests"])
    return data


def pgbench(pg_url: str, tmp: Path) -> float:
    script = tmp / "insert.sql"
    script.write_text(PGBENCH_SQL)
    seconds = min(SECONDS, 15)
    cmd = [PGBENCH, "-n", "-c", "4", "-j", "2", "-T", str(seconds), "-f", str(script), pg_url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    tps = next(ln for ln in out.splitlines() if ln.startswith("tps"))
    return float(tps.split("=")[1].split()[0])


def check(round_id: int, vote: dict[str, Any]) -> list[str]:
    """Stored rows against accepted answers, id by id, and both limits, straight from PostgreSQL.

    Every 201 carries the stored vote's id. A vote is lost if an accepted id is not stored; a vote
    whose connection broke before its answer (a socket error) may or may not be stored, so stored
    ids that no answer named must be no more than the requests left unanswered."""
    from django.db.models import Count, Max

    from gongjian.rolemodels.models import Vote

    problems = []
    rows = Vote.objects.filter(round_id=round_id)
    stored_ids = set(rows.values_list("id", flat=True))
    accepted: set[int] = vote["ids"]
    lost = accepted - stored_ids
    unnamed = stored_ids - accepted
    if len(accepted) != vote["ok"]:
        problems.append(f"round {round_id}: {int(vote['ok'])} accepted answers but {len(accepted)} ids in them")
    if lost:
        problems.append(f"round {round_id}: {len(lost)} accepted votes are not stored")
    if len(unnamed) > vote["unanswered"]:
        problems.append(
            f"round {round_id}: {len(unnamed)} stored votes no answer named, more than the "
            f"{int(vote['unanswered'])} requests left unanswered"
        )
    per_pair = rows.values("voter", "candidate", "day").annotate(n=Count("id")).aggregate(m=Max("n"))["m"] or 0
    per_day = rows.values("voter", "day").annotate(n=Count("id")).aggregate(m=Max("n"))["m"] or 0
    if per_pair > 1 or per_day > CANDIDATES:
        problems.append(f"round {round_id}: a voter exceeded a limit ({per_pair} for one candidate, {per_day} a day)")
    if vote["other"] or vote["challenged"]:
        problems.append(f"round {round_id}: unexpected answers")
    print(
        f"check round {round_id}: stored {len(stored_ids)}, accepted {int(vote['ok'])}, every accepted id stored "
        f"({len(lost)} missing); {len(unnamed)} stored by requests left unanswered (of {int(vote['unanswered'])}); "
        f"refused {int(vote['refused'])}, challenged {int(vote['challenged'])}, other {int(vote['other'])}; most "
        f"likes by one voter for one candidate in a day {per_pair} (limit 1), in a day {per_day} (limit {CANDIDATES})"
    )
    return problems


def bare_rows() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_insert")
        (n,) = cursor.fetchone()
    return int(n)


def combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds of one endpoint as one run: counts added up, accepted ids joined, rates over the
    time voted, and the medians of the per-round figures (rates, p50, p99, CPU per request)."""
    total: dict[str, Any] = {k: sum(r[k] for r in runs) for k in ("requests", "ok", "refused", "challenged", "other")}
    total["unanswered"] = sum(r["unanswered"] for r in runs)
    total["ids"] = set().union(*(r["ids"] for r in runs))
    total["errors"] = "; ".join(r["errors"] for r in runs)
    for key in ("rps", "ok_rps", "p50_us", "p99_us"):
        total[key] = median([r[key] for r in runs])
    total["cpu_ms"] = {name: median([r["cpu_ms"][name] for r in runs]) for name in runs[0]["cpu_ms"]}
    return total


def report(name: str, r: dict[str, Any]) -> None:
    print(
        f"{name:<26} {r['rps']:7.0f} req/s {r['ok_rps']:7.0f} ok/s  p50 {r['p50_us'] / 1000:6.1f} ms  "
        f"p99 {r['p99_us'] / 1000:6.1f} ms  ({int(r['requests'])} requests; socket errors: {r['errors']}; "
        f"{int(r['unanswered'])} requests unanswered)"
    )
    cpu = r["cpu_ms"]
    print(
        f"{'':<26} CPU per request {sum(cpu.values()):.2f} ms: gunicorn {cpu['gunicorn']:.2f}, "
        f"PostgreSQL {cpu['postgres']:.2f}, Redis {cpu['redis-server']:.2f}"
    )


# One request after another, in-process through the WSGI application, for instructions_per_call:
# each repetition a like from a voter who has not liked yet (the start depends on the count of
# repetitions, so the two counted runs use different voters), or one bare INSERT.
WSGI_LOOP = """
tokens = open(%(tokens)r).read().split()
entries, path = %(entries)r, %(path)r
def call(i):
    if entries:
        post(path, b'{"candidate": %%d}' %% entries[0], "application/json", "201", HTTP_X_VOTER_TOKEN=tokens[i])
    else:
        post(path, b"description=x", "application/x-www-form-urlencoded", "200")
start = {n} * 10
for i in range(start, start + 30 + {n}):  # the first 30 warm up: imports, memos, connections
    call(i)
"""


def instructions() -> int:
    """Instructions per request, in-process (callgrind), of the bare view and the plain vote view:
    this process only, not the PostgreSQL and Redis servers' part."""
    tmp = Path(tempfile.mkdtemp(prefix="vote-spike-"))
    subprocess.run(["/usr/bin/redis-cli", "-n", "12", "FLUSHDB"], check=True, capture_output=True)
    try:
        with postgres_database(DB) as db:
            env = db.env(**ENV)
            round_id, entries, _api_round_id, _api_entries = setup_data(env, tmp)  # type: ignore[misc]
            from django.db import connections

            connections.close_all()
            counted = {}
            for label, path, candidates in (
                ("one-INSERT view", "/bench/insert/", []),
                ("vote, plain view", f"/rolemodels/rounds/{round_id}/votes/", entries),
            ):
                code = WSGI_POST + WSGI_LOOP % {"tokens": str(tmp / "tokens.txt"), "entries": candidates, "path": path}
                counted[label] = instructions_per_call(env, code)
                print(f"{label:<18} {counted[label] / 1e6:6.2f} M instructions per request", flush=True)
            bare, vote = counted.values()
            print(f"one-INSERT view / vote by instructions = {bare / vote:.0%} (this process only)")
    finally:
        subprocess.run(["/usr/bin/redis-cli", "-n", "12", "FLUSHDB"], check=True, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main() -> int:
    if "--instructions" in sys.argv[1:]:
        return instructions()
    tmp = Path(tempfile.mkdtemp(prefix="vote-spike-"))
    subprocess.run(["/usr/bin/redis-cli", "-n", "12", "FLUSHDB"], check=True, capture_output=True)
    problems: list[str] = []
    try:
        with postgres_database(DB) as db:
            env = db.env(**ENV)
            round_id, entries, api_round_id, api_entries = setup_data(env, tmp)  # type: ignore[misc]
            with gunicorn(env, workers=WORKERS, settings="bench.bare.settings", ready_path=TAIL_PATH) as server:
                base = server.url("")
                first_token = (tmp / "tokens.txt").read_text().split()[0]
                print(
                    f"serving: gunicorn, {WORKERS} sync workers, PostgreSQL {DB}, Redis db 12; wrk {WRK_THREADS} "
                    f"threads, {CONNECTIONS} connections, {VOTERS} voters; {ROUNDS} rounds of {SECONDS} s each of "
                    "the one-INSERT view, the plain vote view and the API, in turn"
                )
                path = f"/rolemodels/rounds/{round_id}/votes/"
                api_path = f"/api/rolemodels/rounds/{api_round_id}/votes"
                # Each round's votes go to candidates the earlier rounds' did not reach (a round
                # of up to `stride` requests), so that a later round is not all repeats.
                stride = VOTERS * max(1, CANDIDATES // ROUNDS)

                def bare_run(number: int) -> dict[str, Any]:
                    return wrk(f"{base}/bench/insert/", "/bench/insert/", entries=entries, tmp=tmp, ok_status=200,
                               dup_every=0)  # fmt: skip

                def vote_run(number: int) -> dict[str, Any]:
                    return wrk(base + path, path, entries=entries, tmp=tmp, ok_status=201, dup_every=DUPLICATE_EVERY,
                               offset=number * stride)  # fmt: skip

                def api_run(number: int) -> dict[str, Any]:
                    return wrk(base + api_path, api_path, entries=api_entries, tmp=tmp, ok_status=201,
                               dup_every=DUPLICATE_EVERY, offset=number * stride)  # fmt: skip

                # Warm-up, storing nothing: each worker's first requests import, connect and fill
                # its memos (the API's first one took seconds); a like for a candidate outside
                # the round is refused after the token check, the same for both endpoints.
                stranger = {"Content-Type": "application/json", "X-Voter-Token": first_token}
                for warm in (path, api_path):
                    spec = LoadSpec("POST", '{"candidate": 999999999}', stranger, CONNECTIONS, 1, 1, 0)
                    plain_wrk(base + warm, spec, label="warm-up")
                plain_wrk(f"{base}/bench/insert/", LoadSpec(connections=CONNECTIONS, seconds=1, warmup_seconds=0),
                          label="warm-up")  # fmt: skip
                runs = alternate({"bare": bare_run, "vote": vote_run, "api": api_run}, ROUNDS)
                inserted = bare_rows()
            tps = pgbench(db.url, tmp)
            print()
            for number in range(ROUNDS):
                print(f"round {number + 1}:")
                report("  one-INSERT view", runs["bare"][number])
                report("  vote, plain view", runs["vote"][number])
                report("  vote, ninja API", runs["api"][number])
            print(f"{'pgbench, one INSERT':<26} {tps:7.0f} tx/s  (4 clients, {min(SECONDS, 15)} s)")
            print(f"every {DUPLICATE_EVERY}th vote request repeats the one before it and must be refused")
            bare, vote, api = combined(runs["bare"]), combined(runs["vote"]), combined(runs["api"])
            for name, key in (("plain view", "vote"), ("ninja API", "api")):
                pairs = list(zip(runs["bare"], runs[key], strict=True))
                by_rate = [r["rps"] / b["rps"] for b, r in pairs]
                by_ok = [r["ok_rps"] / b["rps"] for b, r in pairs]
                by_cpu = [sum(b["cpu_ms"].values()) / sum(r["cpu_ms"].values()) for b, r in pairs]
                print(
                    f"ratio {name}, median of {ROUNDS} rounds: vote requests/s {median(by_rate):.0%} and votes/s "
                    f"(accepted) {median(by_ok):.0%} of the one-INSERT view's requests/s; by the servers' CPU per "
                    f"request {median(by_cpu):.0%}; p99 {median([r['p99_us'] for r in runs[key]]) / 1000:.1f} ms; "
                    f"{median([r['rps'] for r in runs[key]]) / tps:.1%} of pgbench's inserts/s"
                )
                print(
                    f"  per round: requests/s {', '.join(f'{x:.0%}' for x in by_rate)}; "
                    f"by CPU {', '.join(f'{x:.0%}' for x in by_cpu)}"
                )
            print(f"ratio one-INSERT view : pgbench = {bare['rps'] / tps:.1%}")
            print(f"check one-INSERT view: rows {inserted}, accepted {int(bare['ok'])}")
            if not bare["ok"] <= inserted <= bare["ok"] + bare["unanswered"]:
                problems.append(f"one-INSERT view: rows {inserted} != accepted {int(bare['ok'])}")
            problems += check(round_id, vote) + check(api_round_id, api)
            from django.db import connections

            connections.close_all()
    finally:
        subprocess.run(["/usr/bin/redis-cli", "-n", "12", "FLUSHDB"], check=True, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("RESULT: " + ("OK: nothing lost, nothing double-counted" if not problems else "; ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
