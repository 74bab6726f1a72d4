"""How long the ranking page (红黑榜) takes for 111 and for 2,000 units, each with a year of data,
and how many database queries it runs (the same for both sizes, or the page has an N+1).

    .venv/bin/python bench/cobuilding_ranking.py [REQUESTS]

Runs on a fresh SQLite file, then on a PostgreSQL scratch database ``bench_ranking`` (created and
dropped here; BENCH_PG_URL names the server, default postgres://postgres@127.0.0.1:5432/postgres).
Each unit gets, for the campaign year: 12 visits (one in four led by the head), an approved plan
of 6 items (some done on time, some late), 12 ledger entries (money and person-times), now and
then a pennant, and 10 cases of its community (most closed, some late, rated). The data is
written with bulk_create (it is a benchmark's fixture, not a user's work, so it is not audited).
The page is requested in-process through Django's test client, signed in as the city admin:
the figure is the server's time per request, without network or a WSGI server.
"""

# ruff: noqa: S603 (runs only this venv's python on this file)
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import PYTHON, fresh_databases  # noqa: E402

SIZES = (111, 2000)


def populate(upto: int, start: int) -> None:
    """Add units ``start`` … ``upto - 1`` with their pairing and a year of data."""
    import datetime
    import hashlib
    import random
    from decimal import Decimal

    from django.utils import timezone

    from gongjian.cobuilding.models import Commendation, Contribution, Plan, PlanItem, PlanStatus, WorkArea
    from gongjian.pairings.models import Campaign, Pairing, Visit
    from gongjian.places.models import Place, PlaceKind
    from gongjian.units.models import Unit, UnitKind

    rng = random.Random(start)
    campaign = Campaign.objects.get(year=2023)
    districts = list(Place.objects.filter(kind=PlaceKind.DISTRICT).order_by("id"))
    subs = list(Place.objects.filter(kind=PlaceKind.SUBDISTRICT).order_by("id"))
    kinds = [k for k, _label in UnitKind.choices]
    communities = Place.objects.bulk_create(
        [
            Place(kind=PlaceKind.COMMUNITY, name=f"社区{i}", parent=subs[i % len(subs)], path="")
            for i in range(start, upto)
        ]
    )
    for c in communities:  # the materialised path, as place_create would write it
        c.path = f"{c.parent.path}{c.pk}/"
    Place.objects.bulk_update(communities, ["path"])
    units = Unit.objects.bulk_create(
        [Unit(name=f"单位{i}", short_name=f"单位{i}", kind=kinds[i % len(kinds)]) for i in range(start, upto)]
    )
    pairings = Pairing.objects.bulk_create(
        [Pairing(campaign=campaign, unit=u, community=c) for u, c in zip(units, communities, strict=True)]
    )
    span = (campaign.ends_on - campaign.starts_on).days
    days = [campaign.starts_on + datetime.timedelta(days=d) for d in range(span)]
    Visit.objects.bulk_create(
        [
            Visit(pairing=p, visited_on=rng.choice(days), led_by_head=rng.random() < 0.25, participant_count=5)
            for p in pairings
            for _ in range(12)
        ],
        batch_size=2000,
    )
    plans = Plan.objects.bulk_create(
        [Plan(pairing=p, title=f"{p.unit.name}实施方案", status=PlanStatus.APPROVED, revision=1) for p in pairings]
    )
    areas = [a for a, _label in WorkArea.choices]
    items = PlanItem.objects.bulk_create(
        [
            PlanItem(
                plan=plan,
                area=areas[n % 5],
                title=f"事项{n}",
                budget=Decimal(rng.randint(0, 50) * 1000),
                due_on=rng.choice(days),
                status="done" if n % 3 else "in_progress",
                progress=100 if n % 3 else 40,
            )
            for plan in plans
            for n in range(6)
        ],
        batch_size=2000,
    )
    for item in items:
        if item.status == "done":
            item.completed_on = item.due_on + datetime.timedelta(days=rng.randint(-20, 10))
    PlanItem.objects.bulk_update(items, ["completed_on"], batch_size=2000)
    by_plan: dict[int, list[PlanItem]] = {}
    for item in items:
        by_plan.setdefault(item.plan_id, []).append(item)
    Contribution.objects.bulk_create(
        [
            Contribution(
                pairing=plan.pairing,
                kind="money" if n % 2 else "volunteers",
                made_on=rng.choice(days),
                amount=Decimal(rng.randint(1, 900) * 100) if n % 2 else Decimal(0),
                person_times=0 if n % 2 else rng.randint(5, 40),
                plan_item=by_plan[plan.pk][n % 6],
            )
            for plan in plans
            for n in range(12)
        ],
        batch_size=2000,
    )
    Commendation.objects.bulk_create(
        [
            Commendation(pairing=p, text="为民福祉，排忧解难", given_on=rng.choice(days))
            for p in pairings
            if rng.random() < 0.3
        ]
    )
    try:
        from gongjian.cases.models import Case, Category
    except ImportError:  # the cases app is not there: the ranking is measured without cases
        return
    category = Category.objects.first() or Category.objects.create(code="bench", name="下水道", klass="facility")
    tz = timezone.get_current_timezone()
    cases = []
    for p in pairings:
        for n in range(10):
            created = datetime.datetime.combine(rng.choice(days[:-20]), datetime.time(9), tzinfo=tz)
            due = created + datetime.timedelta(hours=72)
            resolved = created + datetime.timedelta(hours=rng.randint(4, 120)) if n < 8 else None
            key = f"{p.pk}-{n}"
            cases.append(
                Case(
                    number=f"B{p.pk:06d}{n:02d}",
                    category=category,
                    status="closed" if resolved else "in_progress",
                    description="下水道堵塞",
                    place=p.community,
                    community=p.community,
                    district=districts[p.pk % len(districts)],
                    unit=p.unit,
                    follow_token_hash=hashlib.sha256(key.encode()).hexdigest(),
                    created_at=created,
                    due_at=due,
                    resolved_at=resolved,
                    closed_at=resolved,
                    rating=rng.randint(3, 5) if resolved else None,
                )
            )
    Case.objects.bulk_create(cases, batch_size=2000)


def _counter(queries: list[str]) -> Any:
    """A database execute wrapper that records each statement it sees."""

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    return count


def measure(requests: int) -> None:
    """In the child process: migrate, then for each size populate and time the ranking page."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gongjian.accounts.models import Role
    from gongjian.accounts.services import membership_grant, user_create
    from gongjian.pairings.services import campaign_create
    from gongjian.places.models import PlaceKind
    from gongjian.places.services import place_create

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    import datetime

    year = (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    campaign_create(year=2023, name="株事有礼·社区联点共建", starts_on=year[0], ends_on=year[1])
    for d in range(5):
        district = place_create(kind=PlaceKind.DISTRICT, name=f"区{d}")
        for s in range(8):
            place_create(kind=PlaceKind.SUBDISTRICT, name=f"街道{d}-{s}", parent=district)
    admin = user_create(username="bench-admin", password=None, display_name="市文明办")
    membership_grant(user=admin, role=Role.CITY_ADMIN)
    client = Client()
    client.force_login(admin)
    done = 0
    for size in SIZES:
        started = time.perf_counter()
        populate(size, done)
        done = size
        fill = time.perf_counter() - started
        url = "/cobuilding/ranking/"
        for _ in range(2):  # warm-up
            assert client.get(url).status_code == 200
        queries: list[str] = []
        with connection.execute_wrapper(_counter(queries)):
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"data-unit=") == min(size, 120), "the first page of the full table"
        timings = []
        for _ in range(requests):
            t = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        client.get("/cobuilding/ranking.xlsx")
        xlsx = (time.perf_counter() - t) * 1000
        print(
            f"{connection.vendor:<11}{size:>6} units  ranking page {statistics.mean(timings):8.1f} ms/request "
            f"(median {statistics.median(timings):.1f}, n={requests})  queries {len(queries):>3}  "
            f"xlsx {xlsx:8.1f} ms  (data written in {fill:.1f} s)",
            flush=True,
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        measure(int(sys.argv[2]))
        return
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for db in fresh_databases("bench_ranking"):
        with db:
            env = db.env()
            done = subprocess.run(
                [PYTHON, __file__, "--child", str(requests)], env=env, cwd=ROOT, capture_output=True, text=True
            )
            sys.stdout.write(done.stdout)
            if done.returncode != 0:
                sys.stderr.write(done.stderr[-4000:])
                raise SystemExit(f"{db.label}: the benchmark failed")


if __name__ == "__main__":
    main()
