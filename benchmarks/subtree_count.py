"""Subtree member counts on a seeded database: the ORM selector beside the equivalent raw SQL.

    DANGJIAN_VAR_DIR=/tmp/dangjian-bench .venv/bin/python benchmarks/subtree_count.py
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/subtree_count.py

Times orgs.selectors.member_counts for the root (the whole county or province) and for a township, and the
same count written by hand in SQL; prints the median of several runs of each and their ratio.
"""

import argparse
import os
import sys

from _timing import pad, timed_pair  # benchmarks/_timing.py (scripts run from this folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DANGJIAN_TESTING", "1")
    os.environ.setdefault("DANGJIAN_VAR_DIR", "/tmp/dangjian-bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

    import django

    django.setup()
    from django.db import connection

    from dangjian.members.models import GONE_STATUSES, Member
    from dangjian.orgs.models import Organization
    from dangjian.orgs.selectors import member_counts

    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None:
        sys.exit("数据库中没有组织：请先运行 dangjian seed（或 benchmarks/seed.py）")
    township = Organization.objects.filter(parent=root, domain="township").order_by("sort_order").first()
    table = connection.ops.quote_name(Member._meta.db_table)
    gone = ", ".join(f"'{status}'" for status in GONE_STATUSES)
    # On SQLite, the same index range that core.tree.within asks for.
    pg = connection.vendor == "postgresql"
    where = "org_path LIKE %s" if pg else "org_path >= %s AND org_path < %s"
    sql = f"SELECT category, COUNT(*) FROM {table} WHERE {where} AND status NOT IN ({gone}) GROUP BY category"

    def raw(path: str) -> dict[str, int]:
        params = [path + "%"] if pg else [path, path[:-1] + "0"]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            counts = dict(cursor.fetchall())
        full, probationary = counts.get("full", 0), counts.get("probationary", 0)
        return {"full": full, "probationary": probationary, "total": full + probationary}

    print(
        f"数据库：{connection.vendor}，党员 {Member.objects.count():,} 名，组织 {Organization.objects.count():,} 个"
    )
    print(f"{'subtree':<24}{'members':>10}{'ORM ms':>10}{'raw ms':>10}{'ORM/raw':>9}")
    for org in (root, township):
        if org is None:
            continue
        orm_seconds, raw_seconds, orm_counts, raw_counts = timed_pair(
            lambda org=org: member_counts(org), lambda org=org: raw(org.path), args.repeat
        )
        assert orm_counts == raw_counts, (orm_counts, raw_counts)
        print(
            f"{pad(org.name, 24)}{orm_counts['total']:>10,}{orm_seconds * 1000:>10.1f}{raw_seconds * 1000:>10.1f}"
            f"{orm_seconds / raw_seconds:>9.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
