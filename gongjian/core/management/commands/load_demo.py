"""``manage.py load_demo``: load the Zhuzhou demo into an empty database."""

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongjian.demo import data
from gongjian.demo.loader import DemoNotEmptyError, database_is_empty, load_demo

PLACE_PLURALS = {
    "district": "districts",
    "subdistrict": "subdistricts",
    "community": "communities",
    "estate": "estates",
    "grid": "grids",
    "building": "buildings",
}


class Command(BaseCommand):
    help = (
        "Load the Zhuzhou demo (districts, communities, 111 units, the 2022 and 2023 campaigns, pairings and "
        "visits) into an empty database. Demo accounts are created only when DEMO_MODE is on."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) if the database already holds places, units or campaigns.",
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        if if_empty and not database_is_empty():
            self.stdout.write("The database already holds data: the demo was not loaded.")
            return
        started = time.perf_counter()
        try:
            summary = load_demo(create_accounts=settings.DEMO_MODE)
        except DemoNotEmptyError as exc:
            raise CommandError(
                "The database already holds places, units or campaigns; the demo loads only into an empty "
                "database. Use --if-empty to skip quietly."
            ) from exc
        elapsed = time.perf_counter() - started

        places = ", ".join(f"{n} {PLACE_PLURALS.get(kind, kind)}" for kind, n in summary.places.items())
        pairings = ", ".join(f"{year}: {n}" for year, n in summary.pairings.items())
        visits = ", ".join(f"{year}: {n} by {summary.visited_units[year]} units" for year, n in summary.visits.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded the Zhuzhou demo in {elapsed:.1f} s."))
        self.stdout.write(f"  places: {places}")
        self.stdout.write(f"  units: {summary.units}; campaigns: {summary.campaigns}")
        self.stdout.write(f"  pairings: {pairings}")
        self.stdout.write(f"  visits: {visits}")
        for app, line in summary.extra.items():
            self.stdout.write(f"  {app}: {line}")
        if not settings.DEMO_MODE:
            self.stdout.write("  DEMO_MODE is off: demo accounts skipped.")
            return
        if summary.accounts:
            self.stdout.write(f"  demo accounts (password {data.DEMO_PASSWORD}): {', '.join(summary.accounts)}")
        if summary.accounts_existing:
            self.stdout.write(f"  accounts left as they were (username taken): {', '.join(summary.accounts_existing)}")
