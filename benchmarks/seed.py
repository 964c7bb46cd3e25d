"""Time `dangjian seed` at a given size and print members per second.

    .venv/bin/python benchmarks/seed.py --members 1000000            # fresh SQLite in /tmp/dangjian-bench
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/seed.py     # PostgreSQL (the data is flushed first)

Settings are the test ones (DANGJIAN_TESTING=1) with their own var directory, so nobody's database is touched.
"""

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished worker processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=15_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--var-dir", default="/tmp/dangjian-bench", help="SQLite 数据库所在目录（每次重建）")
    parser.add_argument("--keep", action="store_true", help="保留已有的 SQLite 数据库（不重建）")
    args = parser.parse_args()

    os.environ.setdefault("DANGJIAN_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    os.environ["DANGJIAN_VAR_DIR"] = args.var_dir
    if not os.environ.get("DATABASE_URL") and not args.keep:
        shutil.rmtree(args.var_dir, ignore_errors=True)
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from dangjian.core.seeding import seed_county

    call_command("migrate", verbosity=0)
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    cpu_before = _cpu()
    summary = seed_county(seed=args.seed, members=args.members, flush=True, progress=print)
    wall = time.perf_counter() - started
    main_cpu, workers_cpu = (after - before for after, before in zip(_cpu(), cpu_before, strict=True))
    seconds = summary.seconds
    print()
    print(f"members         {summary.members:>12,}")
    print(f"organizations   {summary.orgs:>12,}")
    print(f"positions       {summary.positions:>12,}")
    print(f"orgs phase      {seconds['orgs']:>11.1f}s")
    print(
        f"members phase   {seconds['members']:>11.1f}s   {summary.members / seconds['members']:>10,.0f} members/s"
    )
    print(f"teams, accounts {seconds['positions']:>11.1f}s")
    print(f"total           {wall:>11.1f}s   {summary.members / wall:>10,.0f} members/s")
    # CPU seconds do not depend on what else the machine is doing; on an idle machine with two cores the
    # wall time is about max(main, (main + workers) / 2).
    print(f"CPU, main       {main_cpu:>11.1f}s")
    print(f"CPU, workers    {workers_cpu:>11.1f}s   (encryption)")
    print(f"load average    {os.getloadavg()[0]:>12.2f}")
    if connection.vendor == "sqlite":
        size = Path(connection.settings_dict["NAME"]).stat().st_size
        print(f"database file   {size / 2**20:>10.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
