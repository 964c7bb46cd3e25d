"""`dangjian remind`: the daily reminder job — every reminder source, then the inbox, e-mail and SMS.

Run it once a day (cron or a systemd timer, see docs/deployment.md). Running it again the same day, or two
at once, sends nothing twice. `--dry-run` counts what would be new without writing or sending anything;
`--enqueue` hands the job to the background worker (`dangjian worker`) instead of running it here.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.notifications.models import Channel, Level
from dangjian.notifications.services import reminders_run


class Command(BaseCommand):
    help = "每日提醒：运行全部提醒来源，写入消息提醒，并发送电子邮件和短信（重复运行不会重复提醒）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按哪一天计算（YYYY-MM-DD，默认今天）")
        parser.add_argument("--dry-run", action="store_true", help="只统计将产生的提醒，不写入、不发送")
        parser.add_argument("--no-send", action="store_true", help="只写入消息提醒，不发送电子邮件和短信")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务进程（dangjian worker）执行")

    def handle(self, *args, **options) -> None:
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD") from None
        if options["enqueue"]:
            from dangjian.notifications.tasks import run_reminders

            result = run_reminders.enqueue(today.isoformat() if today else None)
            self.stdout.write(f"已交给后台任务进程：{result.id}")
            return
        report = reminders_run(today=today, dry_run=options["dry_run"], send=not options["no_send"])
        self._print(report)
        if report.failed_sources:
            raise CommandError(
                "以下提醒来源出错：" + "；".join(f"{s.name}（{s.error}）" for s in report.failed_sources)
            )

    def _print(self, report) -> None:
        write = self.stdout.write
        mode = "（试运行：不写入、不发送）" if report.dry_run else ""
        write(f"每日提醒 {report.today.isoformat()}{mode}")
        new_word = "将新增" if report.dry_run else "新增"
        for source in report.sources:
            levels = "，".join(f"{label} {source.by_level.get(value, 0)}" for value, label in Level.choices)
            state = f"  出错：{source.error}" if source.error else ""
            write(
                f"  {source.name}：{source.reminders} 条（{levels}），{new_word} {source.created} 条，"
                f"用时 {source.seconds:.2f} 秒{state}"
            )
        if not report.dry_run:
            delivery = report.delivery
            write(f"  消息提醒：新增 {delivery.created} 条，已提醒过 {delivery.repeated} 条")
            for value, label in Channel.choices:
                unit = "封" if value == Channel.EMAIL else "条"
                sent, failed = delivery.sent.get(value, 0), delivery.failed.get(value, 0)
                resent, refailed = report.retried.sent.get(value, 0), report.retried.failed.get(value, 0)
                write(
                    f"  {label}：发送 {sent} {unit}，失败 {failed} {unit}；"
                    f"重试成功 {resent} {unit}，重试失败 {refailed} {unit}"
                )
        write(f"  共用时 {report.seconds:.2f} 秒")
