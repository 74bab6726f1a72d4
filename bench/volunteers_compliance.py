"""The monthly compliance report of in-service party members over 100,000 volunteers with a year
of service records, on SQLite and on PostgreSQL; prints the time of each query of the report.

    .venv/bin/python bench/volunteers_compliance.py [VOLUNTEERS] [RECORDS_PER_VOLUNTEER_YEAR]

SQLite runs in a temporary file; PostgreSQL in a scratch database ``bench_volunteers`` created for
the run and dropped after it (admin connection: BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/postgres; skipped if it cannot connect). Each database runs in
its own process (Django is configured once per process). The data: 100 communities in 5
districts, 200 units, 60 % of volunteers in-service party members, each volunteer with about 10
service records spread over June 2023 – May 2024; the report is for May 2024. Target: under a
second for the whole report (rates by unit, by district, and the count not yet served).
"""

# ruff: noqa: S603 (runs only this venv's python; SQL built from constants here)
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "bench_volunteers"
TZ = datetime.timezone(datetime.timedelta(hours=8))
MONTH = datetime.date(2024, 5, 1)
YEAR_START = datetime.datetime(2023, 6, 1, tzinfo=TZ)


def child(volunteers: int, per_year: int) -> None:
    """Load the data into DATABASE_URL and time the report (runs in its own process)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from gongjian.core.policy import Scope
    from gongjian.volunteers.selectors import compliance_month, not_served

    call_command("migrate", verbosity=0)
    rng = random.Random(2024)
    engine = connection.vendor
    t0 = time.perf_counter()
    now = datetime.datetime(2023, 5, 1, tzinfo=TZ)
    with transaction.atomic(), connection.cursor() as cur:
        place_rows = []
        for d in range(1, 6):
            place_rows.append((d, "district", f"区{d}", None, f"/{d}/"))
        for c in range(1, 101):
            d = 1 + c % 5
            place_rows.append((100 + c, "community", f"社区{c}", d, f"/{d}/{100 + c}/"))
        cur.executemany(
            "INSERT INTO places_place (id, kind, name, parent_id, code, path, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, '', %s, %s, %s)",
            [(*r, now, now) for r in place_rows],
        )
        cur.executemany(
            "INSERT INTO units_unit (id, name, short_name, kind, head_name, head_title, phone, address, is_active, "
            "created_at, updated_at) VALUES (%s, %s, '', 'other', '', '', '', '', TRUE, %s, %s)",
            [(u, f"单位{u}", now, now) for u in range(1, 201)],
        )
        vrows = []
        for v in range(1, volunteers + 1):
            party = rng.random() < 0.6
            community = 101 + rng.randrange(100)
            district = 1 + (community - 100) % 5
            vrows.append(
                (
                    v,
                    f"志愿者{v}",
                    "x",
                    f"{v:064d}",
                    "138****0000",
                    party,
                    1 + rng.randrange(200) if party else None,
                    community,
                    district,
                    now,
                    now,
                )
            )
        cur.executemany(
            "INSERT INTO volunteers_volunteer (id, name, phone_encrypted, phone_hash, phone_masked, "
            "id_number_encrypted, id_number_hash, id_number_masked, is_party_member, unit_id, community_id, "
            "district_id, source, is_active, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, '', '', '', %s, %s, %s, %s, 'import', TRUE, %s, %s)",
            vrows,
        )
        records = []
        rid = 0
        for v in range(1, volunteers + 1):
            # About per_year records a year, at most one a day (records of one person never overlap).
            days = rng.sample(range(366), rng.randint(per_year // 2, per_year + per_year // 2))
            for day in days:
                rid += 1
                start = YEAR_START + datetime.timedelta(days=day, hours=8 + rng.randrange(8))
                status = "approved" if rng.random() < 0.9 else rng.choice(["pending", "declined"])
                records.append(
                    (
                        rid,
                        v,
                        101 + rng.randrange(100),
                        start,
                        start + datetime.timedelta(hours=2),
                        "qr",
                        "qr",
                        "2.00",
                        status,
                        "未到场" if status == "declined" else "",
                        start,
                    )
                )
        sql = (
            "INSERT INTO volunteers_servicerecord (id, volunteer_id, community_id, checked_in_at, checked_out_at, "
            "check_in_method, check_out_method, hours, status, note, decline_reason, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '', %s, %s)"
        )
        if engine == "postgresql":  # COPY: a million rows in seconds rather than minutes
            columns = (
                "id, volunteer_id, community_id, checked_in_at, checked_out_at, check_in_method, "
                "check_out_method, hours, status, note, decline_reason, created_at"
            )
            with cur.copy(f"COPY volunteers_servicerecord ({columns}) FROM STDIN") as copy:
                for row in records:
                    copy.write_row((*row[:9], "", *row[9:]))
        else:
            for i in range(0, len(records), 50_000):
                cur.executemany(sql, records[i : i + 50_000])
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    print(
        f"{engine}: loaded {volunteers:,} volunteers, {len(records):,} service records in "
        f"{time.perf_counter() - t0:.1f} s",
        flush=True,
    )

    class City:
        is_authenticated = True
        is_active = True
        pk = None
        _gongjian_scope = Scope(user_id=0, is_authenticated=True, is_city_admin=True)

    city = City()

    def report() -> tuple[int, int, int, int]:
        result = compliance_month(user=city, month=MONTH)
        return result.total.members, result.total.served, len(result.by_district), len(result.by_unit)

    def page() -> None:  # what the compliance page reads: the report, then 50 of those not yet served
        compliance_month(user=city, month=MONTH)
        list(not_served(user=city, month=MONTH)[:50])

    labels = {
        "report (one query)": report,
        "not yet served, 50": lambda: list(not_served(user=city, month=MONTH)[:50]),
        "not yet served, count": lambda: not_served(user=city, month=MONTH).count(),  # the export's list
        "whole page": page,
    }
    timings: dict[str, list[float]] = {label: [] for label in labels}
    members, served, districts, units = report()  # warm-up
    for _i in range(5):
        for label, fn in labels.items():
            start = time.perf_counter()
            fn()
            timings[label].append(time.perf_counter() - start)
    print(
        f"{engine}: May 2024: {served:,} of {members:,} party members served ({served / members:.1%}) "
        f"in {units} units and {districts} districts; {members - served:,} not yet served"
    )
    for label, values in timings.items():
        median, best = statistics.median(values) * 1000, min(values) * 1000
        print(f"{engine}:   {label:<24} median {median:7.1f} ms   best {best:7.1f} ms")


def main() -> None:
    volunteers = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    per_year = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    python = str(ROOT / ".venv" / "bin" / "python")
    base_env = {
        **os.environ,
        "BENCH_CHILD": "1",
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "LOG_LEVEL": "ERROR",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    base_env.pop("REDIS_URL", None)
    with tempfile.TemporaryDirectory(prefix="gongjian-bench-") as tmp:
        env = {**base_env, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        subprocess.run([python, __file__, str(volunteers), str(per_year)], env=env, check=True)

    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
    except Exception as exc:
        print(f"postgresql: skipped ({exc})")
        return
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        admin.execute(f"CREATE DATABASE {PG_DB}")
        try:
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB}"
            env = {**base_env, "DATABASE_URL": url, "CONN_MAX_AGE": "0"}
            subprocess.run([python, __file__, str(volunteers), str(per_year)], env=env, check=True)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


if __name__ == "__main__":
    if os.environ.get("BENCH_CHILD"):
        child(int(sys.argv[1]), int(sys.argv[2]))
    else:
        main()
