"""`dangjian expire_transfers`: write down that introduction letters past their validity have expired.

Run it daily (cron or a scheduled task). Pages and the API already read an overdue letter as expired
before this runs; the command makes it permanent and records each expiry in the audit log.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.members.services.transfers import transfers_expire_overdue


class Command(BaseCommand):
    help = "将超过有效期仍未接收的组织关系介绍信登记为“已过期”（RULES.md 第95条）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按哪一天判断（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **options) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD") from None
        count = transfers_expire_overdue(today=today)
        self.stdout.write(f"已过期的介绍信：{count} 封")
