"""Demo organizational life (issue 4): a year and a bit of 三会一课 and the rest, realistic and imperfect.

From 1 January of the year before the seed's reference day (`--today`) through that day, every grassroots
organization holds what its kind owes (orglife.rules.requirements) — or, on purpose, does not:

- most organizations hold everything (`model`); some skip a few months of 支委会 or 主题党日 or a quarter's
  党员大会 (`patchy`, `lax`); a few held almost nothing last year and started again this year after the county
  chased them (`dormant`); a few had no 组织生活会 or 民主评议 last year (`no_review`). The featured township
  (xiangzhen) has one of each; zhibu's branch holds everything but one 支委会 this year.
- held meetings carry a topic, place, host (the current secretary), recorder, minutes and resolutions, the
  主题党日's "4+X" items, 组织生活会's `held_as`, and attendance of the people the organization may list
  (its members; a 党小组's members; a 支委会's or 党委's team; mobile members hosted here), mostly present;
- 党课 (2–4 h) and 集中培训 (8 or 16 h over 1–2 days, some across New Year's Eve) carry study hours, so most
  members reach 32 h a year and most secretaries and committee members 56, some not;
- votes at 党员大会 (every admission and 转正 in the window on its day, other motions now and then) and at some
  支委会, with figures counted from the attendance written here and the outcome from rules.decide_vote; grades
  at each 民主评议 (优秀 ≤ 1/3);
- a few meetings cancelled with a reason (most then held a few days later), and meetings falling in the
  next four weeks written as planned, for the calendar.

Rows are written with bulk inserts exactly as the orglife services would write them (`org_path` = the
organization's path, no account as creator); nothing goes through the services, and the audit trail gets
no entry per meeting (the seed's own entry stands for all).

At DETAIL_BELOW members or more (a province-sized seed) only what the pages need in bulk is written in full:
every meeting, but attendance only at 党课 and training (study hours) — no talks, votes, grades or minutes —
except in the featured township, which keeps every detail for the demo accounts.
"""

import datetime as dt
import random
import time

from django.utils import translation

from dangjian.orglife.models import AppraisalGrade, Meeting, MeetingAttendee, Vote

from .. import bulk
from ..county import CountyPlan
from .rows import CANCELLED, HELD, PLANNED
from .seeder import Seeder

DETAIL_BELOW = 100_000  # members; see the module docstring


def seed_orglife(*, plan: CountyPlan, seed: int, today: dt.date, members: int, say) -> dict[str, int]:
    """Write the demo organizational life (see the module docstring); returns what was written, by kind."""
    started = time.perf_counter()
    detail = members < DETAIL_BELOW
    seeder = Seeder(plan=plan, rng=random.Random(f"dangjian:{seed}:orglife"), today=today, detail=detail)
    # Attendance lands in meeting order but its indexes are by member too: on SQLite they are dropped for the
    # load and built again from sorted data (several times faster than growing them row by row).
    with (
        translation.override("zh-hans"),
        bulk.indexes_rebuilt_after(Meeting),
        bulk.indexes_rebuilt_after(MeetingAttendee),
    ):
        seeder.run()
    bulk.reset_sequences(Meeting, MeetingAttendee, Vote, AppraisalGrade)
    w = seeder.writer
    written = {
        "meetings": w.counts["meetings"],
        "held": w.states[HELD],
        "planned": w.states[PLANNED],
        "cancelled": w.states[CANCELLED],
        "attendees": w.counts["meetingattendee"],
        "votes": w.counts["votes"],
        "votes_failed": w.counts["votes_failed"],
        "grades": w.counts["appraisalgrade"],
    }
    note = (
        ""
        if detail
        else f"（党员 {DETAIL_BELOW:,} 名以上：除演示乡镇外只记党课和集中培训的参会情况，不记谈心谈话、表决和评议）"
    )
    say(
        f"组织生活 {written['meetings']:,} 次（已召开 {written['held']:,}，计划 {written['planned']:,}，"
        f"取消 {written['cancelled']:,}），参会记录 {written['attendees']:,} 条，表决 {written['votes']:,} 项"
        f"（未通过 {written['votes_failed']:,}），评议等次 {written['grades']:,} 条，"
        f"用时 {time.perf_counter() - started:.1f} 秒{note}"
    )
    return written
