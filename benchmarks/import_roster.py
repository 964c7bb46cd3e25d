"""Import a 100,000-row roster (花名册) and export it again; print rows per second and peak memory.

    .venv/bin/python benchmarks/import_roster.py                    # fresh SQLite in /tmp/dangjian-import-bench
    .venv/bin/python benchmarks/import_roster.py --rows 20000
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/import_roster.py   # PostgreSQL (data flushed first)

Settings are the test ones (DANGJIAN_TESTING=1) with their own var directory, so nobody's database is touched.
Four runs, each through the same service the page and the API call (members.services.importing):

1. a new roster: every row checked, every member inserted and audited (the figure of issue 3);
2. the same file again: every row matched by ID number, nothing changed, nothing written;
3. the file with one wrong row at its very end: everything read and checked, nothing written, the
   annotated error sheet built;
4. the export of all of them in stroke order (masked and in full).

Peak memory is the process's resident set (ru_maxrss) above what it was before the run, and the peak of
Python's own allocations measured by tracemalloc in a separate, smaller pass (tracemalloc slows Python
down several times, so it is not on during the timed runs).
"""

import argparse
import datetime as dt
import io
import os
import random
import resource
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬建国志强永红海燕春梅晓东"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def cpu_seconds() -> float:
    """CPU time of this process (user + system): unlike wall time, it hardly depends on what else runs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def make_roster(rows: int, branch_codes: list[str], seed: int = 2026, bad_last: bool = False) -> bytes:
    """A roster as an office would fill in the template: text cells, dates as YYYY-MM-DD text."""
    import xlsxwriter

    from dangjian.core import idnumber
    from dangjian.orgs.rules import add_years

    rng = random.Random(seed)
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = book.add_worksheet("党员信息")
    headers = [
        "姓名",
        "性别",
        "公民身份号码",
        "民族",
        "学历",
        "所在党组织编码",
        "人员类别",
        "入党日期",
        "转正日期",
        "手机号码",
        "籍贯",
        "工作单位",
    ]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header)
    education = ["大学本科", "大学专科", "普通高中", "初中", "硕士研究生", "中等专科"]
    today = dt.date.today()
    for line in range(1, rows + 1):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 62))
        male = rng.random() < 0.7
        # Area codes walk along with the sequence numbers: every number in a file is different.
        area = f"{31 + seed % 5}{(line // 400) % 10_000:04d}"  # the seed picks the province: files differ
        number = idnumber.build(area, birth, (line % 400) * 2 + (1 if male else 0))
        adult = add_years(birth, 18)
        joined = adult + dt.timedelta(days=rng.randrange(0, max(1, (today - adult).days - 800)))
        probationary = rng.random() < 0.05
        if probationary:
            joined = today - dt.timedelta(days=rng.randrange(30, 300))
        values = [
            rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
            "男" if male else "女",
            number,
            "汉族" if rng.random() < 0.95 else "回族",
            rng.choice(education),
            rng.choice(branch_codes),
            "预备党员" if probationary else "正式党员",
            joined.isoformat(),
            "" if probationary else add_years(joined, 1).isoformat(),
            f"13{rng.randrange(10**9):09d}",
            "安徽旌德",
            "旌德县某单位",
        ]
        if bad_last and line == rows:
            values[2] = number[:-1] + ("0" if number[-1] != "0" else "1")  # wrong check digit
        for col, value in enumerate(values):
            if value:
                sheet.write_string(line, col, value)
    book.close()
    return output.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--branches", type=int, default=200)
    parser.add_argument(
        "--var-dir", default="/tmp/dangjian-import-bench", help="SQLite 数据库所在目录（每次重建）"
    )
    parser.add_argument("--no-tracemalloc", action="store_true", help="跳过 tracemalloc 的内存测量")
    args = parser.parse_args()

    os.environ.setdefault("DANGJIAN_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    os.environ["DANGJIAN_VAR_DIR"] = args.var_dir
    os.environ["IMPORT_MAX_ROWS"] = str(max(args.rows, 200_000))
    if not os.environ.get("DATABASE_URL"):
        shutil.rmtree(args.var_dir, ignore_errors=True)
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from dangjian.accounts.models import User
    from dangjian.core.models import AuditEntry
    from dangjian.core.seeding.generator import wipe
    from dangjian.members.models import Member
    from dangjian.members.selectors.records import RosterFilters
    from dangjian.members.services.exporting import roster_export
    from dangjian.members.services.importing import roster_import
    from dangjian.orgs.models import Organization

    call_command("migrate", verbosity=0)
    if Organization.objects.exists():
        wipe(print)
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    root = Organization.objects.create(
        name="旌德县委", code="BENCH", kind="committee", domain="organ", path=""
    )
    root.path = f"{root.pk}/"
    root.save(update_fields=["path"])
    codes = []
    for number in range(args.branches):
        branch = Organization.objects.create(
            name=f"第{number + 1}党支部",
            code=f"B{number:04d}",
            kind="branch",
            domain="rural",
            parent=root,
            path="",
            depth=1,
        )
        branch.path = f"{root.path}{branch.pk}/"
        branch.save(update_fields=["path"])
        codes.append(branch.code)
    admin = User.objects.create_user(username="bench", password="x" * 12, role="county_admin", org=root)

    started = time.perf_counter()
    data = make_roster(args.rows, codes)
    bad = make_roster(args.rows, codes, bad_last=True)
    print(
        f"生成测试文件     {time.perf_counter() - started:>8.1f}s   {len(data) / 2**20:.1f} MB, {args.rows:,} 行"
    )

    def timed(label: str, content: bytes):
        rss_before = rss_mb()
        began, cpu = time.perf_counter(), cpu_seconds()
        outcome = roster_import(actor=admin, data=content, filename="bench.xlsx")
        seconds, cpu = time.perf_counter() - began, cpu_seconds() - cpu
        rows = outcome.rows
        print(
            f"{label:<14}{seconds:>7.1f}s {rows / seconds:>7,.0f} 行/秒 │ CPU {cpu:>6.1f}s {rows / cpu:>7,.0f} 行/CPU秒 │ "
            f"新增 {outcome.created:,} 修改 {outcome.updated:,} 未变 {outcome.unchanged:,} 错误行 {outcome.error_rows:,} │ "
            f"RSS 峰值 +{max(0.0, rss_mb() - rss_before):,.0f} MB"
        )
        return outcome

    audit_before = AuditEntry.objects.count()
    timed("1 新导入", data)
    assert Member.objects.count() == args.rows
    print(f"{'':14}操作日志新增 {AuditEntry.objects.count() - audit_before:,} 条")
    timed("2 再次导入", data)
    members_before = Member.objects.count()
    outcome = timed("3 末行有错", bad)
    assert Member.objects.count() == members_before and outcome.errors[0]["row"] == args.rows + 1

    for masked in (True, False):
        began, cpu = time.perf_counter(), cpu_seconds()
        export = roster_export(actor=admin, filters=RosterFilters(), masked=masked)
        seconds, cpu = time.perf_counter() - began, cpu_seconds() - cpu
        label = "4 导出（遮盖）" if masked else "4 导出（完整）"
        print(
            f"{label:<12}{seconds:>7.1f}s {export.count / seconds:>7,.0f} 行/秒 │ CPU {cpu:>6.1f}s "
            f"{export.count / cpu:>7,.0f} 行/CPU秒 │ {len(export.content) / 2**20:.1f} MB"
        )

    if not args.no_tracemalloc:
        # Python allocations of a fresh import of a smaller file, scaled: the import keeps per-row state,
        # so memory grows with the rows; this says by how much per 100,000.
        sample = min(args.rows, 20_000)
        small = make_roster(sample, codes, seed=7)
        tracemalloc.start()
        roster_import(actor=admin, data=small, filename="sample.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"tracemalloc    新导入 {sample:,} 行时 Python 分配峰值 {peak / 2**20:,.0f} MB"
            f"（约 {peak / sample * 100_000 / 2**20:,.0f} MB / 10 万行）"
        )
    print(f"进程 RSS 峰值   {rss_mb():,.0f} MB")
    # On a shared machine wall time follows the load; CPU seconds show what the work itself costs.
    print(f"load average    {os.getloadavg()[0]:>8.2f}   （CPU 核数 {os.cpu_count()}）")
    if connection.vendor == "sqlite":
        size = Path(connection.settings_dict["NAME"]).stat().st_size
        print(f"database file   {size / 2**20:>8.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
