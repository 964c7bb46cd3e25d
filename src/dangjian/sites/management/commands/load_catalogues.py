"""`dangjian load_catalogues [--year YYYY] [--file PATH ...]`: publish the shipped 创建标准 for a year.

Idempotent: a file whose content equals the latest published version of its year and domain creates
nothing; a changed file becomes the next version. An invalid file stops everything (nothing is loaded).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.core.errors import ServiceError
from dangjian.sites.catalogues import CatalogueDataError
from dangjian.sites.services import catalogue_load


class Command(BaseCommand):
    help = "载入党建示范点创建标准（默认为本年度）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="年度（默认今年）")
        parser.add_argument("--file", action="append", default=None, help="只载入指定的数据文件（可重复）")

    def handle(self, *args, year=None, file=None, **options):
        year = year or timezone.localdate().year
        paths = [Path(p) for p in file] if file else None
        try:
            results = catalogue_load(year=year, paths=paths)
        except CatalogueDataError as exc:
            raise CommandError(f"创建标准数据有误：{exc}") from None
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        for catalogue, created in results:
            state = "新增" if created else "未变化"
            self.stdout.write(
                f"{state}：{catalogue.year} {catalogue.title}（第{catalogue.version}版，"
                f"{catalogue.criteria.count()} 条）"
            )
        created = sum(1 for _c, new in results if new)
        self.stdout.write(
            self.style.SUCCESS(f"{year} 年创建标准：新增 {created} 个，未变化 {len(results) - created} 个")
        )
