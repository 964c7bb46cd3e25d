"""Organizational life (RULES.md section B, seed part 1 二(三)) as pure functions of plain values. No ORM here.

- Votes: who has a vote, the quorum and the passing majority of a 党员大会, a 支委会 and an election.
- Frequency: what each kind of organization must hold per month, quarter and year, and whether it did.
- Study hours, 民主评议 grades, the 主题党日 "4+X" checklist, and when to remind.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils import translation
from django.utils.translation import gettext as _

from dangjian.core import periods

# --- meeting kinds (API.md enum) -------------------------------------------------------------------------------
ASSEMBLY = "assembly"  # 党员大会
COMMITTEE = "committee"  # 支部委员会 (支委会; 总支委员会 for a 党总支)
GROUP = "group"  # 党小组会
LECTURE = "lecture"  # 党课
THEMED_DAY = "themed_day"  # 主题党日
LIFE_MEETING = "life_meeting"  # 组织生活会
APPRAISAL = "appraisal"  # 民主评议党员
TALK = "talk"  # 谈心谈话
TRAINING = "training"  # 集中培训 (counts towards study hours; no frequency of its own)

# --- votes ---------------------------------------------------------------------------------------------------
ASSEMBLY_VOTE = "assembly"  # 支部条例 第11条; 细则 第21条 for admission and 转正
COMMITTEE_VOTE = "committee"  # 支部条例 第12条
ELECTION_VOTE = "election"  # 暂行选举条例 (quorum 4/5 of 应到会; winner > 1/2 of 实到会)

VOTING_STATUSES = frozenset({"active", "mobile", "lost_contact"})


def has_vote(
    category: str, status: str, *, under_probation_watch: bool = False, rights_suspended: bool = False
) -> bool:
    # 选举条例 第5条; 党章 第7条, 第39条: only full members vote; not under 留党察看, nor with rights suspended.
    return (
        category == "full"
        and status in VOTING_STATUSES
        and not under_probation_watch
        and not rights_suspended
    )


@dataclass(frozen=True)
class VoteOutcome:
    rule: str
    should_attend: int  # 应到会: voting members, less those left out by rule 30 (中组部 rule, with consent)
    present: int  # voting members present
    yes: int
    no: int
    abstain: int
    written_yes: (
        int  # written opinions of absent voting members, in favour (细则 第21条; admission/转正 only)
    )
    written_no: int
    quorum_met: bool
    passed: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)  # why, in Chinese, one line per test


class VoteInvalid(ValueError):
    """The figures of a vote cannot be true (more ballots than voters present, ...). Message in Chinese."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def check_vote_figures(
    should_attend: int,
    present: int,
    yes: int,
    no: int,
    abstain: int,
    written_yes: int = 0,
    written_no: int = 0,
) -> None:
    for name, value in (
        ("should_attend", should_attend),
        ("present", present),
        ("yes", yes),
        ("no", no),
        ("abstain", abstain),
        ("written_yes", written_yes),
        ("written_no", written_no),
    ):
        if value < 0:
            raise VoteInvalid(_("票数和人数不能为负数"), name)
    if present > should_attend:
        raise VoteInvalid(
            _("实到会有表决权的人数（%(present)d）不能超过应到会人数（%(should)d）")
            % {"present": present, "should": should_attend},
            "present",
        )
    if yes + no + abstain > present:
        raise VoteInvalid(
            _("赞成、反对、弃权票合计（%(total)d）不能超过实到会有表决权的人数（%(present)d）")
            % {"total": yes + no + abstain, "present": present},
            "yes",
        )
    if written_yes + written_no > should_attend - present:
        raise VoteInvalid(
            _("书面意见（%(written)d 份）只能来自未到会的有表决权党员（%(absent)d 人）")
            % {"written": written_yes + written_no, "absent": should_attend - present},
            "written_yes",
        )


def more_than_half(count: int, of: int) -> bool:
    return 2 * count > of


def decide_vote(
    rule: str,
    should_attend: int,
    present: int,
    yes: int,
    no: int = 0,
    abstain: int = 0,
    *,
    written_yes: int = 0,
    written_no: int = 0,
) -> VoteOutcome:
    """Whether a vote had its quorum and whether the motion passed, with the reasons.

    - 党员大会 (支部条例 第11条; 细则 第20–21条): quorum when voting members present > 1/2 of 应到会; passes when
      "yes" (with absent members' written opinions in favour) > 1/2 of 应到会.
    - 支委会 (支部条例 第12条): quorum when committee members present > 1/2 of the committee; passes when "yes"
      > 1/2 of the committee (the same majority of those who should attend).
    - election (暂行选举条例 第22–24条): quorum when present > 4/5 of 应到会; a candidate wins with "yes" > 1/2 of
      those present (实到会).
    An inquorate meeting passes nothing. Raises VoteInvalid when the figures cannot be true.
    """
    check_vote_figures(should_attend, present, yes, no, abstain, written_yes, written_no)
    reasons = []
    if rule == ELECTION_VOTE:
        quorum_met = 5 * present > 4 * should_attend
        reasons.append(
            _(
                "选举有效须实到会有选举权的党员超过应到会的五分之四：应到 %(should)d 人，实到 %(present)d 人，%(verdict)s"
            )
            % {
                "should": should_attend,
                "present": present,
                "verdict": _("达到") if quorum_met else _("未达到"),
            }
        )
        carried = more_than_half(yes, present)
        if quorum_met:
            reasons.append(
                _(
                    "当选须赞成票超过实到会有选举权党员的半数：赞成 %(yes)d 票，实到 %(present)d 人，%(verdict)s"
                )
                % {"yes": yes, "present": present, "verdict": _("通过") if carried else _("未通过")}
            )
    else:
        body = _("支委会") if rule == COMMITTEE_VOTE else _("党员大会")
        source = (
            _("支部条例第十二条")
            if rule == COMMITTEE_VOTE
            else _("支部条例第十一条、发展党员工作细则第二十条")
        )
        quorum_met = more_than_half(present, should_attend)
        reasons.append(
            _(
                "%(body)s须有表决权的到会人数超过应到会人数的半数（%(source)s）：应到 %(should)d 人，实到 %(present)d 人，%(verdict)s"
            )
            % {
                "body": body,
                "source": source,
                "should": should_attend,
                "present": present,
                "verdict": _("达到法定人数") if quorum_met else _("不足法定人数，不能表决"),
            }
        )
        counted_yes = yes + written_yes
        carried = more_than_half(counted_yes, should_attend)
        if quorum_met:
            written = _("（含未到会党员书面赞成意见 %(n)d 份）") % {"n": written_yes} if written_yes else ""
            reasons.append(
                _(
                    "通过须赞成票超过应到会有表决权人数的半数：赞成 %(yes)d 票%(written)s，应到 %(should)d 人，%(verdict)s"
                )
                % {
                    "yes": counted_yes,
                    "written": written,
                    "should": should_attend,
                    "verdict": _("通过") if carried else _("未通过"),
                }
            )
    return VoteOutcome(
        rule=rule,
        should_attend=should_attend,
        present=present,
        yes=yes,
        no=no,
        abstain=abstain,
        written_yes=written_yes,
        written_no=written_no,
        quorum_met=quorum_met,
        passed=quorum_met and carried,
        reasons=tuple(reasons),
    )


def committee_meeting_valid(committee_size: int, present: int) -> bool:
    # 支部条例 第12条: a 支委会 meeting is valid only if more than half of its members are present.
    return more_than_half(present, committee_size)


# --- what each organization must hold (frequency) ------------------------------------------------------------

COMMITTEE_MIN_SIZE = (
    3  # 支部条例 第20条: a 支委会 has 3–5 members; with fewer, a secretary (and a deputy) only
)


def has_committee(team_size: int) -> bool:
    # 支部条例 第20条: an organization with 3 or more people in its current team has a committee (支委会).
    return team_size >= COMMITTEE_MIN_SIZE


@dataclass(frozen=True)
class Requirement:
    meeting_kind: str
    period_kind: str  # core.periods.MONTH / QUARTER / YEAR
    source: str


@dataclass(frozen=True)
class OrgFacts:
    """What the frequency rules need to know about one organization."""

    kind: str
    is_grassroots: bool = True
    has_committee: bool = False  # a 支委会 (3 or more team members) is in place
    members: int = 0  # counted members (full + probationary) attached to it directly
    established_on: dt.date | None = None
    dissolved_on: dt.date | None = None


def requirements(facts: OrgFacts, lecture_period: str = periods.QUARTER) -> list[Requirement]:
    """The meetings this organization has to hold, and how often. Not required → not listed, never flagged."""
    return list(
        _requirements(
            facts.kind,
            facts.is_grassroots,
            facts.has_committee,
            facts.members > 0,
            lecture_period,
            translation.get_language(),
        )
    )


@functools.lru_cache(maxsize=512)
def _requirements(
    kind: str, is_grassroots: bool, has_committee: bool, has_members: bool, lecture_period: str, _language
) -> tuple[Requirement, ...]:
    # Cached per language too: the sources are translated strings.
    if not is_grassroots:
        return ()
    found: list[Requirement] = []
    if kind == "branch":
        if not has_members:
            return ()
        found.append(Requirement(ASSEMBLY, periods.QUARTER, _("支部条例第十一条：党员大会一般每季度召开1次")))
        if has_committee:
            found.append(Requirement(COMMITTEE, periods.MONTH, _("支部条例第十二条：支委会一般每月召开1次")))
        found.append(Requirement(LECTURE, lecture_period, _("支部条例第十五条及本地规定：按期上党课")))
        found.append(
            Requirement(THEMED_DAY, periods.MONTH, _("支部条例第十六条：每月相对固定1天开展主题党日"))
        )
        found.append(Requirement(LIFE_MEETING, periods.YEAR, _("支部条例第十七条：组织生活会每年至少1次")))
        found.append(Requirement(APPRAISAL, periods.YEAR, _("支部条例第十九条：民主评议党员一般每年1次")))
        found.append(Requirement(TALK, periods.YEAR, _("支部条例第十八条：谈心谈话每年至少1次")))
    elif kind == "general_branch":
        if has_committee:
            found.append(
                Requirement(COMMITTEE, periods.MONTH, _("支部条例第十二条：总支委员会一般每月召开1次"))
            )
        found.append(Requirement(LIFE_MEETING, periods.YEAR, _("支部条例第十七条：组织生活会每年至少1次")))
    elif kind in ("committee", "working_committee"):
        found.append(Requirement(LECTURE, periods.YEAR, _("支部条例第十五条：党委书记每年至少讲1次党课")))
    elif kind == "group":
        if not has_members:
            return ()
        found.append(Requirement(GROUP, periods.MONTH, _("支部条例第十三条：党小组会一般每月召开1次")))
    return tuple(found)


MET = "met"  # held at least what was required
OPEN = "open"  # the period is running and nothing is missing yet
MISSED = "missed"  # the period is over and it was not held


@dataclass(frozen=True)
class PeriodStatus:
    meeting_kind: str
    period: periods.Period
    required: int
    held: int
    state: str
    source: str

    @property
    def counted(self) -> bool:
        """Whether it enters the compliance rate (ended periods, and running ones already met)."""
        return self.state != OPEN

    @property
    def due_on(self) -> dt.date:
        """The last day on which it can still be held for this period."""
        return self.period.end


# The last day on which an organization set up during a year still owes that year's yearly items: 组织生活会 and
# 民主评议 are generally held in the fourth quarter (支部条例 第17、19条), so one set up by 1 October owes them.
YEARLY_ITEMS_IF_SET_UP_BY = (10, 1)


def applies_in(facts: OrgFacts, period: periods.Period) -> bool:
    # 支部条例 第17–19条 (yearly items); otherwise: a month or quarter is owed only by an organization that existed
    # on its first day; nothing is owed for the period in which it was dissolved, nor for any later one.
    if facts.established_on:
        if period.kind == periods.YEAR:
            month, day = YEARLY_ITEMS_IF_SET_UP_BY
            latest = dt.date(period.start.year, month, day)
        else:
            latest = period.start
        if facts.established_on > latest:
            return False
    return not (facts.dissolved_on and facts.dissolved_on <= period.end)


@functools.lru_cache(maxsize=256)
def _periods(year: int, kind: str) -> tuple[periods.Period, ...]:
    return tuple(periods.periods_of_year(year, kind))


def compliance(
    facts: OrgFacts,
    year: int,
    held: dict[str, list[dt.date]],
    today: dt.date,
    *,
    lecture_period: str = periods.QUARTER,
    talk: tuple[int, int] | None = None,
) -> list[PeriodStatus]:
    """Required against held for every period of `year` that has begun by `today`.

    `held` maps a meeting kind to the dates it was held (planned or cancelled meetings are not passed in).
    `talk` is (members who should have had a 谈心谈话 this year, members who had one); without it, one
    recorded talk meets the year.
    """
    by_month: dict[str, dict[int, int]] = {}
    for kind, dates in held.items():
        months = by_month.setdefault(kind, {})
        for day in dates:
            if day.year == year:
                months[day.month] = months.get(day.month, 0) + 1
    return compliance_by_month(facts, year, by_month, today, lecture_period=lecture_period, talk=talk)


def compliance_by_month(
    facts: OrgFacts,
    year: int,
    held: dict[str, dict[int, int]],
    today: dt.date,
    *,
    lecture_period: str = periods.QUARTER,
    talk: tuple[int, int] | None = None,
    language: str | None = None,
) -> list[PeriodStatus]:
    """`compliance` with the meetings of `year` already counted per kind and month number (1–12), as a database
    groups them; `language` (of the sources) may be given once by a caller doing many organizations."""
    statuses = []
    # Whether the organization existed for the whole year (most do): then every period applies.
    always = (facts.established_on is None or facts.established_on <= dt.date(year, 1, 1)) and (
        facts.dissolved_on is None or facts.dissolved_on > dt.date(year, 12, 31)
    )
    found = _requirements(
        facts.kind,
        facts.is_grassroots,
        facts.has_committee,
        facts.members > 0,
        lecture_period,
        language or translation.get_language(),
    )
    for requirement in found:
        months = held.get(requirement.meeting_kind, {})
        span = _SPANS[requirement.period_kind]
        for period in _periods(year, requirement.period_kind):
            if period.start > today or not (always or applies_in(facts, period)):
                continue
            if requirement.meeting_kind == TALK and talk is not None:
                required, count = talk
                if required == 0:
                    continue
            elif span == 1:
                required, count = 1, months.get(period.start.month, 0)
            elif span == 12:
                required, count = 1, sum(months.values())
            else:
                first = period.start.month
                required, count = (
                    1,
                    months.get(first, 0) + months.get(first + 1, 0) + months.get(first + 2, 0),
                )
            if count >= required:
                state = MET
            elif period.has_ended(today):
                state = MISSED
            else:
                state = OPEN
            # Keyed on the period's identity: periods come from the cached _periods, and a cached status keeps
            # its period alive, so the id cannot be reused while the key is in the table.
            key = (requirement.meeting_kind, id(period), required, count, state, requirement.source)
            status = _STATUSES.get(key)
            if status is None:
                if len(_STATUSES) > 50_000:
                    _STATUSES.clear()
                status = _STATUSES[key] = PeriodStatus(
                    requirement.meeting_kind, period, required, count, state, requirement.source
                )
            statuses.append(status)
    return statuses


_SPANS = {periods.MONTH: 1, periods.QUARTER: 3, periods.YEAR: 12}  # months in a period


# PeriodStatus is immutable and most organizations share the same few values, so equal ones are made once
# (a province has some 75,000 organizations owing ~40 items each).
_STATUSES: dict[tuple, PeriodStatus] = {}


def compliance_rate(statuses: list[PeriodStatus]) -> Fraction | None:
    """Share of the items owed so far that were met; None when nothing was owed yet.

    An item is one meeting kind in one period; those that count are the ended ones and the running ones already
    met. Each counts once, so a year's 谈心谈话 (met when every member had a talk) weighs as much as one month's
    主题党日 — a branch of 40 members is not judged mostly on its talks.
    """
    counted = [s for s in statuses if s.counted]
    if not counted:
        return None
    return Fraction(sum(1 for s in counted if s.state == MET), len(counted))


DUE_SOON = "due_soon"
OVERDUE = "overdue"


def reminder_level(status: PeriodStatus, today: dt.date, days_before: int = 7) -> str | None:
    """Remind `days_before` days before a period ends with nothing held; warn once it has ended unmet."""
    if status.state == MET:
        return None
    if status.state == MISSED:
        return OVERDUE
    if (status.period.end - today).days < days_before:
        return DUE_SOON
    return None


# --- 主题党日 "4+X" --------------------------------------------------------------------------------------------
# 支部条例 第16条 (per secondary source); seed part 1 二(三): 集中学习、过组织生活、开展民主议事、志愿服务 + X.
THEMED_DAY_ITEMS = {
    "study": _("集中学习"),
    "life": _("过组织生活"),
    "discussion": _("开展民主议事"),
    "service": _("志愿服务"),
}


def themed_day_missing(items: list[str]) -> list[str]:
    """The "4" items of a 主题党日 that were not done (X items are free text and never required)."""
    return [code for code in THEMED_DAY_ITEMS if code not in items]


# --- 民主评议 --------------------------------------------------------------------------------------------------
GRADES = ("excellent", "qualified", "basically_qualified", "unqualified")  # 优秀 合格 基本合格 不合格


def excellent_share_ok(excellent: int, rated: int, max_share: Fraction = Fraction(1, 3)) -> bool:
    # 中组部 民主评议 guidance (共产党员网): 优秀 generally no more than 1/3 of the members rated.
    return excellent <= max_share * rated


# --- study hours (RULES.md section I) ------------------------------------------------------------------------
MEMBER_HOURS = 32  # 教管条例 / 2019—2023 规划 [P]: every member ≥ 32 class hours a year
CADRE_HOURS = 56  # the same: grassroots secretaries and committee members ≥ 56


def required_hours(is_cadre: bool, member_hours: int = MEMBER_HOURS, cadre_hours: int = CADRE_HOURS) -> int:
    # RULES.md 第105条 [P]; the figures are settings.
    return cadre_hours if is_cadre else member_hours


def hours_for(days: int = 0, half_days: int = 0, hours: int = 0) -> int:
    # RULES.md 第108条 [LOCAL]: a full day counts 8 hours, a half day 4, an hour 1.
    return 8 * days + 4 * half_days + hours


def split_hours_by_year(start: dt.date, end: dt.date, hours: float) -> dict[int, float]:
    """Hours of a training that spans two or more years, shared by days (RULES.md 第108条 [LOCAL])."""
    if end < start:
        raise ValueError("end before start")
    total_days = (end - start).days + 1
    shares: dict[int, float] = {}
    for year_number in range(start.year, end.year + 1):
        first = max(start, dt.date(year_number, 1, 1))
        last = min(end, dt.date(year_number, 12, 31))
        shares[year_number] = hours * ((last - first).days + 1) / total_days
    return shares
