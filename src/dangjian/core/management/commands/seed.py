"""`dangjian seed`: generate the demo county (organizations, members, teams, the four demo accounts)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.core.seeding import DEFAULT_MEMBERS, DEFAULT_SEED, PASSWORD, SeedRefused, seed_county


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = (
        "生成演示县（旌德县）的党组织、党员、班子成员和演示账号。同一 --seed 生成相同的数据；"
        "数据库中已有组织时不做任何事，除非加 --flush。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument(
            "--members", type=int, default=DEFAULT_MEMBERS, help=f"党员人数（默认 {DEFAULT_MEMBERS:,}）"
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help="组织规模系数：1 约为 10 个乡镇；默认按党员人数推算（每 15,000 名党员为 1）",
        )
        parser.add_argument(
            "--today", type=_date, default=None, help="参照日期 YYYY-MM-DD：年龄、届期按此计算（默认今天）"
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="先清空组织、党员、班子、账号等数据再生成；操作日志只能追加，"
            "其中已有涉及用户或组织的记录时拒绝清空",
        )

    def handle(self, *args, **options) -> None:
        def progress(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        try:
            summary = seed_county(
                seed=options["seed"],
                members=options["members"],
                scale=options["scale"],
                today=options["today"],
                flush=options["flush"],
                progress=progress if options["verbosity"] > 0 else None,
            )
        except SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        if summary.skipped:
            self.stdout.write("数据库中已有组织数据，未重新生成（如需重新生成，请加 --flush）。")
            return
        seconds = summary.seconds
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成（种子 {summary.seed}）：组织 {summary.orgs:,} 个，党员 {summary.members:,} 名，"
                f"班子成员 {summary.positions:,} 条，用时 {seconds['total']:.1f} 秒"
                f"（党员 {summary.members / max(seconds['members'], 1e-9):,.0f} 名/秒）。"
            )
        )
        self.stdout.write(f"演示账号：{'、'.join(summary.accounts)}，密码均为 {PASSWORD}")
