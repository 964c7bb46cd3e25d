"""The roster (花名册) at scale: first page and a deep keyset page, beside the same page in hand-written SQL.

    DANGJIAN_VAR_DIR=/tmp/bench1m .venv/bin/python benchmarks/roster.py        # 1,000,000 members (seed first)
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/roster.py

Build the big database once with
    DANGJIAN_TESTING=1 DANGJIAN_VAR_DIR=/tmp/bench1m dangjian migrate
    DANGJIAN_TESTING=1 DANGJIAN_VAR_DIR=/tmp/bench1m dangjian seed --members 1000000

Times members.selectors.records.roster (one page of 50 in stroke order, keyset on (name_key, id)) for the
whole root, a deep page of it (cursor at nine tenths of the roster), a township, a branch, a search by
exact ID number and one by part of a name; beside each the page read by one SQL query written by hand,
and the query plan. Then the roster page itself through the Django test client (template, count, masking).
"""

import argparse
import os
import statistics
import sys
import time

from _timing import pad, timed_pair  # benchmarks/_timing.py (scripts run from this folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DANGJIAN_TESTING", "1")
    os.environ.setdefault("DANGJIAN_VAR_DIR", "/tmp/bench1m")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dangjian.accounts.models import User
    from dangjian.core.crypto import decrypt, lookup_hash
    from dangjian.members.models import Member
    from dangjian.members.selectors import records as selectors
    from dangjian.members.selectors.records import RosterFilters
    from dangjian.orgs.models import Organization, OrgKind

    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    admin = User.objects.filter(role="county_admin", org=root).first()
    if root is None or admin is None:
        sys.exit("数据库中没有演示县：请先运行 dangjian seed --members 1000000（见本文件开头）")
    if Member.objects.filter(name_key="").exists():
        sys.exit("有党员缺少姓氏笔画排序键：请先运行 dangjian fill_name_keys")
    township = Organization.objects.filter(parent=root, domain="township").order_by("sort_order").first()
    branch = Organization.objects.filter(parent=township, kind=OrgKind.BRANCH).order_by("sort_order").first()
    on_rolls = Member.objects.counted()
    total = on_rolls.count()
    deep = on_rolls.order_by("name_key", "pk").values_list("name_key", "pk")[total * 9 // 10]
    deep_cursor = f"{deep[0]}.{deep[1]}"
    someone = on_rolls.filter(org=branch).first()
    postgres = connection.vendor == "postgresql"
    table = connection.ops.quote_name(Member._meta.db_table)
    orgs = connection.ops.quote_name(Organization._meta.db_table)
    columns = "m.id, m.name, m.gender, m.birth_date, m.ethnicity, m.education, m.category, m.joined_on, m.status, m.id_number, m.phone, o.name"
    gone = "m.status NOT IN ('left', 'deceased', 'transferred_out')"

    def raw(path: str, *, after=None, id_hash=None, name=None, sort_scope=False) -> list[int]:
        """The page by hand: LIKE leaves SQLite walking member_roster_idx in order, a range lets it sort."""
        if postgres or not sort_scope:
            where, params = "m.org_path LIKE %s", [path + "%"]
        else:
            where, params = "m.org_path >= %s AND m.org_path < %s", [path, path[:-1] + "0"]
        if after is not None:
            where += " AND m.name_key >= %s AND (m.name_key > %s OR m.id > %s)"
            params += [after[0], after[0], after[1]]
        if id_hash is not None:
            where += " AND m.id_hash = %s"
            params.append(id_hash)
        if name is not None:
            where += " AND m.name LIKE %s"
            params.append(f"%{name}%")
        sql = (
            f"SELECT {columns} FROM {table} m JOIN {orgs} o ON o.id = m.org_id WHERE {where} AND {gone} "
            "ORDER BY m.name_key, m.id LIMIT 51"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not postgres:
            # The plan, for the record (SQLite names the index it walks).
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                raw.plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
        # The page shows the masked ID number and phone, so both are decrypted, as the ORM's fields do.
        for row in rows[:50]:
            decrypt(row[9]), decrypt(row[10]) if row[10] else ""
        return [row[0] for row in rows[:50]]

    def orm(filters: RosterFilters, **kwargs) -> list[int]:
        return [m.pk for m in selectors.roster(user=admin, filters=filters, **kwargs).rows]

    cases = [
        ("root, first page", RosterFilters(), {}, lambda: raw(root.path)),
        (
            "root, deep page (90%)",
            RosterFilters(),
            {"after": deep_cursor},
            lambda: raw(root.path, after=deep),
        ),
        (
            "township, first page",
            RosterFilters(within=township),
            {},
            lambda: raw(township.path, sort_scope=True),
        ),
        ("branch, first page", RosterFilters(within=branch), {}, lambda: raw(branch.path, sort_scope=True)),
        (
            "root, exact ID number",
            RosterFilters(q=someone.id_number),
            {},
            lambda: raw(root.path, id_hash=lookup_hash(someone.id_number), sort_scope=True),
        ),
        ("root, name contains 华", RosterFilters(q="华"), {}, lambda: raw(root.path, name="华")),
    ]
    print(
        f"数据库：{connection.vendor}，党员 {Member.objects.count():,} 名（在册 {total:,}），"
        f"每项取 {args.repeat} 次的中位数；每页 {selectors.PAGE_SIZE} 名"
    )
    print(f"{'case':<26}{'ORM ms':>9}{'raw ms':>9}{'ORM/raw':>9}   plan of the hand-written query")
    for label, filters, kwargs, by_hand in cases:
        raw.plan = ""
        orm_seconds, raw_seconds, orm_ids, raw_ids = timed_pair(
            lambda filters=filters, kwargs=kwargs: orm(filters, **kwargs), by_hand, args.repeat
        )
        assert orm_ids == raw_ids, (label, orm_ids[:5], raw_ids[:5])
        print(
            f"{pad(label, 26)}{orm_seconds * 1000:>9.1f}{raw_seconds * 1000:>9.1f}"
            f"{orm_seconds / raw_seconds:>9.2f}   {raw.plan}"
        )

    client = Client()
    client.force_login(admin)
    print()
    print(f"{'page through HTTP (test client)':<34}{'ms':>8}{'queries':>9}")
    for label, url in (
        ("/members/ (root, first page)", "/members/"),
        ("/members/?after=… (deep page)", f"/members/?after={deep_cursor}"),
        ("/members/?within=township", f"/members/?within={township.pk}"),
        ("/members/<id>/ (member page)", f"/members/{someone.pk}/"),
    ):
        client.get(url)
        runs = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                runs.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        print(f"{label:<34}{statistics.median(runs) * 1000:>8.1f}{len(queries):>9}")


if __name__ == "__main__":
    sys.exit(main())
