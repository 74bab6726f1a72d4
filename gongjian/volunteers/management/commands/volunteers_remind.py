import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongjian.volunteers.reminders import reminders_send


class Command(BaseCommand):
    help = "在每月最后一周提醒尚未到社区服务的在职党员及其单位联络员（可每天运行，同一月每人只提醒一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="按这一天运行（YYYY-MM-DD），默认今天")
        parser.add_argument("--force", action="store_true", help="不在最后一周也发送")

    def handle(self, *args: Any, **options: Any) -> None:
        result = reminders_send(today=options["today"], force=options["force"])
        if not result.in_window:
            self.stdout.write(f"{result.month:%Y-%m}: not in the month's last week, nothing sent")
            return
        self.stdout.write(f"{result.month:%Y-%m}: reminded {result.volunteers} members and {result.units} units")
