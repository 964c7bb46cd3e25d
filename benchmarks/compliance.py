"""Compliance of every organization for a year on a seeded database: the selector beside hand-written SQL.

    DANGJIAN_VAR_DIR=/tmp/dangjian-bench .venv/bin/python benchmarks/compliance.py
    DANGJIAN_VAR_DIR=/tmp/bench-1m .venv/bin/python benchmarks/compliance.py --repeat 3
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/compliance.py

Times orglife.selectors_compliance.compliance_within (as the county admin: scoped, the ORM) for the root — every
organization of the county or province — and for one township, beside a baseline that reads the same facts with
hand-written SQL (one GROUP BY query for the held meetings per organization, kind and month; one each for the
members per organization and party group, the current team sizes and the talk coverage) and applies the same pure
rules.compliance. Prints the median of alternating runs of each, their ratio, the time of the pure rules alone
(facts already in memory), and checks that both give the same items.

Meetings: when the database holds no held meeting in the year (a seed made before the organizational-life demo
existed), the script first writes a year of synthetic ones (`--generate`, implied then): for every organization
that owes something, each month, quarter and year item held with probability 0.85 on a day of its period up to
today, and one 谈心谈话 per branch with 80 % of its members present; bulk inserts, topic "基准测试", removed again
with `--drop-generated`.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time

from _timing import pad, timed_pair  # benchmarks/_timing.py (scripts run from this folder)

GENERATED_TOPIC = "基准测试"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=None, help="默认今年")
    parser.add_argument("--generate", action="store_true", help="先写入一年的合成会议（库中没有时自动写入）")
    parser.add_argument("--drop-generated", action="store_true", help="删除本脚本写入的合成会议后退出")
    args = parser.parse_args()
    os.environ.setdefault("DANGJIAN_TESTING", "1")
    os.environ.setdefault("DANGJIAN_VAR_DIR", "/tmp/dangjian-bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone, translation

    from dangjian.accounts.models import User
    from dangjian.members.models import GONE_STATUSES, Member
    from dangjian.orglife import rules
    from dangjian.orglife import selectors_compliance as selectors
    from dangjian.orglife.models import Meeting, MeetingAttendee
    from dangjian.orgs.models import LeadershipPosition, Organization
    from dangjian.orgs.rules import TEAM_POSTS

    if args.drop_generated:
        generated = Meeting.objects.filter(topic=GENERATED_TOPIC)
        MeetingAttendee.objects.filter(meeting__in=generated).delete()
        print(f"已删除合成会议 {generated.delete()[0]:,} 行（含出席记录）")
        return

    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None:
        sys.exit("数据库中没有组织：请先运行 dangjian seed（或 benchmarks/seed.py）")
    admin = User.objects.filter(role="county_admin", org=root).first()
    if admin is None:
        admin = User(
            username="bench-admin", role="county_admin", org=root
        )  # never saved: scoping reads role/org
    today = timezone.localdate()
    year = args.year or today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    held_in_year = Meeting.objects.filter(state="held", held_on__gte=start, held_on__lte=end)
    if args.generate or not held_in_year.exists():
        generate(year, today, root)

    township = (
        Organization.objects.filter(parent=root, domain="township").order_by("sort_order", "id").first()
    )
    pg = connection.vendor == "postgresql"
    q = connection.ops.quote_name
    org_t, member_t, position_t = (q(m._meta.db_table) for m in (Organization, Member, LeadershipPosition))
    meeting_t, attendee_t = q(Meeting._meta.db_table), q(MeetingAttendee._meta.db_table)
    gone = ", ".join(f"'{status}'" for status in GONE_STATUSES)
    talkable = ", ".join(f"'{status}'" for status in selectors.TALKABLE_STATUSES)
    posts = ", ".join(f"'{post}'" for post in sorted(TEAM_POSTS))
    month = "EXTRACT(MONTH FROM held_on)::int" if pg else "CAST(substr(held_on, 6, 2) AS integer)"

    def within(column: str) -> str:
        # The same index range that core.tree.within asks for.
        return f"{column} LIKE %s" if pg else f"{column} >= %s AND {column} < %s"

    def path_params(path: str) -> list[str]:
        return [path + "%"] if pg else [path, path[:-1] + "0"]

    sql = {
        "orgs": f"SELECT id, name, kind, domain, path, parent_id, depth, sort_order, is_grassroots, established_on,"
        f" dissolved_on FROM {org_t} WHERE {within('path')} AND (established_on IS NULL OR established_on <= %s)"
        f" AND (dissolved_on IS NULL OR dissolved_on >= %s)",
        "members": f"SELECT org_id, party_group_id, COUNT(*),"
        f" SUM(CASE WHEN status IN ({talkable}) AND joined_on <= %s THEN 1 ELSE 0 END)"
        f" FROM {member_t} WHERE {within('org_path')} AND status NOT IN ({gone}) GROUP BY org_id, party_group_id",
        "team": f"SELECT p.org_id, COUNT(*) FROM {position_t} p JOIN {org_t} o ON o.id = p.org_id"
        f" WHERE {within('o.path')} AND p.ended_on IS NULL AND p.post IN ({posts}) GROUP BY p.org_id",
        "held": f"SELECT org_id, kind, {month}, COUNT(*) FROM {meeting_t} WHERE {within('org_path')}"
        f" AND state = 'held' AND held_on >= %s AND held_on <= %s GROUP BY org_id, kind, {month}",
        # 谈心谈话 of a whole tree: from the year's talks; of anything below it: from its members' attendance.
        "talk_tree": f"SELECT m.org_id, COUNT(DISTINCT a.member_id) FROM {attendee_t} a"
        f" JOIN {member_t} m ON m.id = a.member_id WHERE {within('m.org_path')} AND a.attendance = 'present'"
        f" AND m.status IN ({talkable}) AND m.joined_on <= %s AND a.meeting_id IN (SELECT id FROM {meeting_t}"
        " WHERE kind = 'talk' AND state = 'held' AND held_on >= %s AND held_on <= %s) GROUP BY m.org_id",
        "talk_below": f"SELECT m.org_id, COUNT(DISTINCT a.member_id) FROM {attendee_t} a"
        f" JOIN {member_t} m ON m.id = a.member_id JOIN {meeting_t} t ON t.id = a.meeting_id"
        f" WHERE a.member_id IN (SELECT id FROM {member_t} WHERE {within('org_path')} AND status IN ({talkable})"
        " AND joined_on <= %s)"
        " AND a.attendance = 'present' AND t.kind = 'talk' AND t.state = 'held' AND t.held_on >= %s"
        " AND t.held_on <= %s GROUP BY m.org_id",
    }
    lecture_period = settings.DANGJIAN_RULES["LECTURE_PERIOD"]

    def facts_by_sql(path: str):
        with connection.cursor() as cursor:
            cursor.execute(sql["orgs"], [*path_params(path), end, start])
            orgs = cursor.fetchall()
            cursor.execute(sql["members"], [end, *path_params(path)])
            members = cursor.fetchall()
            cursor.execute(sql["team"], path_params(path))
            team = dict(cursor.fetchall())
            cursor.execute(sql["held"], [*path_params(path), start, end])
            held_rows = cursor.fetchall()
            cursor.execute(
                sql["talk_tree" if path.count("/") == 1 else "talk_below"],
                [*path_params(path), end, start, end],
            )
            talked = dict(cursor.fetchall())
        direct, can_talk, in_group, held = {}, {}, {}, {}
        for org_id, group_id, n, talk_n in members:
            direct[org_id] = direct.get(org_id, 0) + n
            can_talk[org_id] = can_talk.get(org_id, 0) + talk_n
            if group_id is not None:
                in_group[group_id] = in_group.get(group_id, 0) + n
        for org_id, kind, month_number, n in held_rows:
            held.setdefault(org_id, {}).setdefault(kind, {})[int(month_number)] = n
        facts = []
        for (
            org_id,
            _name,
            kind,
            _domain,
            _path,
            _parent,
            _depth,
            _sort,
            grassroots,
            set_up,
            dissolved,
        ) in orgs:
            as_date = lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v  # noqa: E731 (SQLite text)
            fact = rules.OrgFacts(
                kind=kind,
                is_grassroots=bool(grassroots),
                has_committee=rules.has_committee(team.get(org_id, 0)),
                members=in_group.get(org_id, 0) if kind == "group" else direct.get(org_id, 0),
                established_on=as_date(set_up) if set_up else None,
                dissolved_on=as_date(dissolved) if dissolved else None,
            )
            talk = (can_talk.get(org_id, 0), talked.get(org_id, 0)) if kind == "branch" else None
            facts.append((org_id, fact, held.get(org_id, {}), talk))
        return facts

    def apply_rules(facts) -> list[tuple]:
        items = []
        language = translation.get_language()
        for org_id, fact, held, talk in facts:
            for s in rules.compliance_by_month(
                fact, year, held, today, lecture_period=lecture_period, talk=talk, language=language
            ):
                items.append((org_id, s.meeting_kind, s.period.label, s.required, s.held, s.state))
        return items

    def baseline(path: str) -> list[tuple]:
        return sorted(apply_rules(facts_by_sql(path)))

    def selector(org) -> list[tuple]:
        report = selectors.compliance_within(user=admin, root=org, year=year, today=today)
        return sorted(
            (o.org_id, s.meeting_kind, s.period.label, s.required, s.held, s.state)
            for o in report.orgs
            for s in o.statuses
        )

    held_count = held_in_year.count()
    print(
        f"数据库：{connection.vendor}，党员 {Member.objects.count():,} 名，组织 {Organization.objects.count():,} 个，"
        f"{year} 年已召开的会议 {held_count:,} 次（截至 {today}）"
    )
    print(
        f"{'subtree':<24}{'orgs':>9}{'items':>11}{'selector ms':>13}{'raw SQL ms':>12}{'ratio':>7}{'rules ms':>10}"
    )
    for org in (root, township):
        if org is None:
            continue
        sel_seconds, raw_seconds, sel_items, raw_items = timed_pair(
            lambda org=org: selector(org), lambda org=org: baseline(org.path), args.repeat
        )
        assert sel_items == raw_items, "the selector and the baseline disagree"
        facts = facts_by_sql(org.path)
        rule_times = []
        for _ in range(max(1, args.repeat // 2)):
            started = time.perf_counter()
            apply_rules(facts)
            rule_times.append(time.perf_counter() - started)
        print(
            f"{pad(org.name, 24)}{len(facts):>9,}{len(sel_items):>11,}{sel_seconds * 1000:>13.0f}"
            f"{raw_seconds * 1000:>12.0f}{sel_seconds / raw_seconds:>7.2f}{statistics.median(rule_times) * 1000:>10.0f}"
        )


def generate(year: int, today: dt.date, root) -> None:
    """A year of synthetic held meetings for every organization that owes something (see the module docstring)."""
    from django.db import transaction

    from dangjian.members.models import Member
    from dangjian.orglife import selectors_compliance as selectors
    from dangjian.orglife.models import Meeting, MeetingAttendee

    started = time.perf_counter()
    rng = random.Random(f"bench:{year}")
    as_of = min(today, dt.date(year, 12, 31))
    report = selectors.compliance_of_subtree(root, year, as_of)
    meetings: list[Meeting] = []
    talks: dict[int, Meeting] = {}
    for org in report.orgs:
        for status in org.statuses:
            last = min(status.period.end, as_of)
            if status.meeting_kind == "talk":
                day = status.period.start + dt.timedelta(
                    days=rng.randrange((last - status.period.start).days + 1)
                )
                talks[org.org_id] = Meeting(
                    org_id=org.org_id,
                    org_path=org.path,
                    kind="talk",
                    state="held",
                    held_on=day,
                    topic=GENERATED_TOPIC,
                )
                continue
            if rng.random() < 0.85:
                day = status.period.start + dt.timedelta(
                    days=rng.randrange((last - status.period.start).days + 1)
                )
                meetings.append(
                    Meeting(
                        org_id=org.org_id,
                        org_path=org.path,
                        kind=status.meeting_kind,
                        state="held",
                        held_on=day,
                        topic=GENERATED_TOPIC,
                    )
                )
    with transaction.atomic():
        Meeting.objects.bulk_create(meetings, batch_size=2000)
        Meeting.objects.bulk_create(list(talks.values()), batch_size=2000)
        saved = {m.org_id: m.pk for m in Meeting.objects.filter(topic=GENERATED_TOPIC, kind="talk")}
        attendees = []
        members = (
            Member.objects.counted().filter(org_id__in=list(saved)).values_list("id", "org_id").iterator()
        )
        for member_id, org_id in members:
            if rng.random() < 0.8:
                attendees.append(
                    MeetingAttendee(meeting_id=saved[org_id], member_id=member_id, attendance="present")
                )
            if len(attendees) >= 20000:
                MeetingAttendee.objects.bulk_create(attendees)
                attendees = []
        MeetingAttendee.objects.bulk_create(attendees)
    print(
        f"已写入合成会议 {len(meetings) + len(talks):,} 次（含谈心谈话 {len(talks):,} 次），"
        f"用时 {time.perf_counter() - started:.1f} 秒；删除：--drop-generated"
    )


if __name__ == "__main__":
    sys.exit(main())
