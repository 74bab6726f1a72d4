"""Recompute every round's counts from the vote rows (run it from cron every few minutes, or by
hand after a quarantine); with --publish, also publish the results of rounds that have closed."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongjian.core import audit
from gongjian.rolemodels.models import Round
from gongjian.rolemodels.services import round_recount


class Command(BaseCommand):
    help = "按点赞记录重新计票（--round 指定评议；默认全部进行中和刚截止的评议）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--round", type=int, dest="round_id")
        parser.add_argument("--all", action="store_true", help="每一轮评议，包括早已截止的")

    def handle(self, *args: Any, round_id: int | None = None, all: bool = False, **options: Any) -> None:
        rounds = Round.objects.all()
        if round_id:
            rounds = rounds.filter(pk=round_id)
        elif not all:
            rounds = rounds.filter(results_published_at__isnull=True, opens_at__lte=timezone.now())
        with audit.context(actor=None, request_id="rolemodels_recount"):
            for rnd in rounds:
                counts = round_recount(round=rnd)
                counted = sum(c for c, _e in counts.values())
                excluded = sum(e for _c, e in counts.values())
                self.stdout.write(f"{rnd.pk} {rnd.title}: {counted} counted, {excluded} excluded")
