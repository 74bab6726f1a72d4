"""``manage.py periodic``: run the platform's scheduled work (deadline warnings, escalations,
monthly reminders) at the intervals in ``settings.PERIODIC_COMMANDS``.

Each entry is ``(command name, seconds between runs)``; every command it names is idempotent, so a
restart or a second scheduler never warns anybody twice. ``make run`` starts one beside the web
server and the task worker; in production run it under the process supervisor (or call the
commands from cron and skip this loop). ``--once`` runs every command once and exits.
"""

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the scheduled commands of settings.PERIODIC_COMMANDS, each at its interval (or all once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every scheduled command once, then exit.")
        parser.add_argument("--tick", type=float, default=15.0, help="Seconds between checks for due commands.")

    def handle(self, *args: Any, once: bool = False, tick: float = 15.0, **options: Any) -> None:
        schedule = [(str(name), float(every)) for name, every in settings.PERIODIC_COMMANDS]
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for name, every in schedule:
                if once or now - last_run.get(name, -every) >= every:
                    last_run[name] = now
                    self._run(name)
            if once:
                return
            time.sleep(tick)

    def _run(self, name: str) -> None:
        try:
            call_command(name, stdout=self.stdout, stderr=self.stderr)
        except Exception as exc:  # one failing job must not stop the others
            self.stderr.write(f"{name} failed: {exc!r}")
