"""Member statistics of a subtree: stats.selectors.member_stats beside the same figures in one hand-written SQL.

    DANGJIAN_VAR_DIR=/tmp/bench1m .venv/bin/python benchmarks/stats.py          # 1,000,000 members (seed first)
    DANGJIAN_VAR_DIR=/tmp/recordsvar .venv/bin/python benchmarks/stats.py       # the demo county
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/stats.py

Build the big database once with
    DANGJIAN_TESTING=1 DANGJIAN_VAR_DIR=/tmp/bench1m dangjian migrate
    DANGJIAN_TESTING=1 DANGJIAN_VAR_DIR=/tmp/bench1m dangjian seed --members 1000000

For the root (the whole county or province) and for one township: the selector (three queries: the
breakdowns, the minority groups, the members no longer counted) and one SQL query written by hand that
computes the figures of GET /api/v1/stats/members (total, gender, ethnicity, category, status, age bands,
education, join-time bands). Both are checked to agree; the median of several alternating runs is printed
with their ratio.
"""

import argparse
import datetime as dt
import os
import sys

from _timing import pad, timed_pair  # benchmarks/_timing.py (scripts run from this folder)


def hand_written_sql(table: str, today: dt.date, postgres: bool) -> tuple[str, list[str]]:
    """One SELECT with a filtered count per figure; (sql, names of the columns in order)."""
    from dangjian.members import rules
    from dangjian.members.codes import EDUCATION
    from dangjian.members.selectors.records import latest_birth_for_age

    def count(condition: str) -> str:
        return f"COUNT(*) FILTER (WHERE {condition})"  # PostgreSQL, and SQLite since 3.30

    columns = [("total", "COUNT(*)"), ("female", count("gender = 'female'"))]
    columns += [("han", count("ethnicity = '01'")), ("minority", count("ethnicity BETWEEN '02' AND '56'"))]
    columns += [("probationary", count("category = 'probationary'"))]
    columns += [(f"status_{s}", count(f"status = '{s}'")) for s in ("mobile", "lost_contact", "suspended")]
    columns += [
        (f"age_{i}", count(f"birth_date > '{latest_birth_for_age(high + 1, today).isoformat()}'"))
        for i, (_low, high, _label) in enumerate(rules.AGE_BANDS[:-1])
    ]
    columns += [
        (f"join_{i}", count(f"joined_on <= '{high.isoformat()}'"))
        for i, (_low, high, _label) in enumerate(rules.JOIN_PERIODS[:-1])
    ]
    columns += [(f"edu_{code}", count(f"education = '{code}'")) for code, _label in EDUCATION]
    where = "org_path LIKE %s" if postgres else "org_path >= %s AND org_path < %s"
    sql = (
        f"SELECT {', '.join(expression for _name, expression in columns)} FROM {table} "
        f"WHERE {where} AND status NOT IN ('left', 'deceased', 'transferred_out')"
    )
    return sql, [name for name, _expression in columns]


def api_figures(row: dict) -> dict:
    """The figures of the API contract from the hand-written query's columns."""
    from dangjian.members import rules
    from dangjian.members.codes import EDUCATION
    from dangjian.stats.selectors import NOT_FILLED, _bands

    total = row["total"]
    statuses = {s: row[f"status_{s}"] for s in ("mobile", "lost_contact", "suspended")}
    education = {label: row[f"edu_{code}"] for code, label in EDUCATION}
    education[NOT_FILLED] = total - sum(education.values())
    return {
        "total": total,
        "gender": {"male": total - row["female"], "female": row["female"]},
        "ethnicity": {
            "han": row["han"],
            "minority": row["minority"],
            "other": total - row["han"] - row["minority"],
        },
        "category": {"full": total - row["probationary"], "probationary": row["probationary"]},
        "status": {"active": total - sum(statuses.values()), **statuses},
        "age_band": _bands(total, row, "age", [label for _l, _h, label in rules.AGE_BANDS]),
        "education": education,
        "join_year_band": _bands(total, row, "join", [label for _l, _h, label in rules.JOIN_PERIODS]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DANGJIAN_TESTING", "1")
    os.environ.setdefault("DANGJIAN_VAR_DIR", "/tmp/bench1m")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization
    from dangjian.stats.selectors import member_stats

    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None:
        sys.exit("数据库中没有组织：请先运行 dangjian seed --members 1000000（见本文件开头）")
    township = Organization.objects.filter(parent=root, domain="township").order_by("sort_order").first()
    today = timezone.localdate()
    postgres = connection.vendor == "postgresql"
    sql, names = hand_written_sql(connection.ops.quote_name(Member._meta.db_table), today, postgres)

    def raw(path: str) -> dict:
        params = [path + "%"] if postgres else [path, path[:-1] + "0"]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = dict(zip(names, cursor.fetchone(), strict=True))
        return api_figures({name: int(value or 0) for name, value in row.items()})

    def orm(org) -> dict:
        return member_stats(org=org, today=today).as_api()

    print(
        f"数据库：{connection.vendor}，党员 {Member.objects.count():,} 名，组织 {Organization.objects.count():,} 个，"
        f"每项取 {args.repeat} 次的中位数"
    )
    print(f"{'subtree':<26}{'members':>10}{'ORM ms':>10}{'queries':>9}{'raw ms':>10}{'ORM/raw':>9}")
    for org in (root, township):
        if org is None:
            continue
        with CaptureQueriesContext(connection) as queries:
            orm(org)
        orm_seconds, raw_seconds, orm_figures, raw_figures = timed_pair(
            lambda org=org: orm(org), lambda org=org: raw(org.path), args.repeat
        )
        contract = {key: orm_figures[key] for key in raw_figures}
        assert contract == raw_figures, (contract, raw_figures)
        print(
            f"{pad(org.name, 26)}{orm_figures['total']:>10,}{orm_seconds * 1000:>10.1f}{len(queries):>9}"
            f"{raw_seconds * 1000:>10.1f}{orm_seconds / raw_seconds:>9.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
