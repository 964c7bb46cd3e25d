"""`dangjian fill_name_keys`: give members loaded in bulk their surname stroke-order key (姓氏笔画)."""

import time

from django.core.management.base import BaseCommand, CommandParser

from dangjian.core import audit
from dangjian.core.seeding.bulk import analyze
from dangjian.members.models import Member
from dangjian.members.services.records import name_keys_fill

REFRESH_STATISTICS_FROM = 10_000


class Command(BaseCommand):
    help = "为缺少姓氏笔画排序键的党员补齐排序键（花名册按姓氏笔画排序要用）。可重复运行，只处理缺少的。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=5_000, help="每批处理的党员数（默认 5000）")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        verbose = options["verbosity"] > 1

        def progress(filled: int) -> None:
            if verbose:
                self.stdout.write(f"  已补齐 {filled:,} 名")

        filled = name_keys_fill(batch_size=max(1, options["batch"]), progress=progress)
        if filled >= REFRESH_STATISTICS_FROM:
            analyze(Member)  # the planner's statistics still describe the index full of empty keys
        if filled:
            audit.record(
                actor=None,
                action="update",
                object_type="members.member",
                summary=f"补齐 {filled} 名党员的姓氏笔画排序键",
            )
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"已补齐 {filled:,} 名党员的姓氏笔画排序键，用时 {seconds:.1f} 秒。")
        )
