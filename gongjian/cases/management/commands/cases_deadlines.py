"""``manage.py cases_deadlines``: warn before case deadlines, escalate overdue cases to the city
admins, close verified cases nobody rated. Idempotent: run it as often as you like (``manage.py
periodic`` runs it every ten minutes); nobody is told twice."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from gongjian.cases.jobs import cases_deadlines_task
from gongjian.cases.services import cases_deadlines_run
from gongjian.core import audit


class Command(BaseCommand):
    help = "Warn before case deadlines, escalate overdue cases, close verified cases left unrated."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the job for the task worker instead.")

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            result = cases_deadlines_task.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        with audit.context(actor=None, request_id="cases_deadlines"):
            counts = cases_deadlines_run()
        self.stdout.write("cases_deadlines: warned {warned}, overdue {overdue}, closed {closed}".format(**counts))
