"""One organization's organizational life, year by year: what it holds, when, with whom, and what it decides."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from dangjian.core import periods
from dangjian.orglife import rules

from ..county import Unit
from .data import Habits, Mark, Person, Team
from .rows import ABSENT, CANCELLED, HELD, LEAVE, PLANNED, PRESENT
from .texts import (
    ASSEMBLY_TOPICS,
    CADRE_TRAINING,
    CANCEL_REASONS,
    COMMITTEE_BY_DOMAIN,
    COMMITTEE_BY_MONTH,
    COMMITTEE_MOTIONS,
    COMMITTEE_TOPICS,
    EXTRA_BY_DOMAIN,
    LECTURES,
    LECTURES_BY_DOMAIN,
    MOTIONS,
    OUTDOOR,
    PLACES,
    STUDY,
    STUDY_BY_DOMAIN,
    TALK_NOTES,
    THEMED_BY_MONTH,
    TRAININGS,
    UPPER_TRAINING,
)

if TYPE_CHECKING:
    from .seeder import Seeder


def day_in(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, max(1, min(day, 28)))


class Life:
    """Writes the meetings of the organizations of one branch (itself and its 党小组), or of an upper unit."""

    def __init__(self, seeder: "Seeder", unit: Unit, people: list[Person], team: Team):
        self.s = seeder
        self.rng = seeder.rng
        self.w = seeder.writer
        self.unit = unit
        self.people = people
        self.team = team
        self.detail = seeder.detail or unit.id in seeder.featured_ids
        key = unit.profile if unit.profile in PLACES else unit.domain
        self.places = PLACES.get(key, PLACES["organ"])
        self.outdoor = OUTDOOR.get(key, self.places[0])
        self.domain = unit.domain if unit.domain in STUDY_BY_DOMAIN else "organ"
        self.evening = unit.domain == "rural" and self.rng.random() < 0.4  # villagers meet after work

    # helpers

    def pick(self, options: list[str]) -> str:
        return options[int(self.rng.random() * len(options))]

    def study(self) -> str:
        extra = STUDY_BY_DOMAIN.get(self.domain, [])
        return self.pick(extra) if extra and self.rng.random() < 0.35 else self.pick(STUDY)

    def starts(self) -> str:
        if self.evening:
            return self.pick(["19:00:00", "19:30:00"])
        return self.pick(["08:30:00", "09:00:00", "14:30:00", "15:00:00"])

    def state_for(self, day: dt.date) -> str | None:
        """Held when the day has come; planned when it falls in the next weeks (some are not entered yet)."""
        if day <= self.s.today:
            return HELD
        if day <= self.s.horizon and (self.unit.id in self.s.featured_ids or self.rng.random() < 0.5):
            return PLANNED
        return None

    def hold(
        self,
        kind: str,
        day: dt.date,
        *,
        attendees: list[Person] | None,
        cancellable: bool = True,
        reschedule: bool = True,
        turnout: float | None = None,
        marks: Callable[[dt.date], list[Mark]] | None = None,
        **values,
    ) -> tuple[int, list[Mark]] | None:
        """One meeting on `day` (or none, if it is still to come and not planned). Returns its id and, for a held
        meeting with attendance written, who attended how (drawn here, or by `marks` when given)."""
        if self.unit.established_on and day < self.unit.established_on:
            return None
        if attendees is not None and not any(person.listed_on(day) for person in attendees):
            return None  # nobody to hold it with (a branch whose only members joined later)
        state = self.state_for(day)
        if state is None:
            return None
        values.setdefault("place", self.pick(self.places))
        values.setdefault("starts_at", self.starts())
        values.setdefault("host", self.team.host)
        values.setdefault("recorder", self.team.recorder)
        if state == HELD and cancellable and self.rng.random() < 0.015:
            reason = self.pick(CANCEL_REASONS)
            self.w.meeting(
                self.unit,
                kind,
                CANCELLED,
                day,
                **{**values, "minutes": "", "resolutions": "", "cancel_reason": reason},
            )
            month_end = periods.month(day.year, day.month).end  # held later that month, if it can be
            later = min(day + dt.timedelta(days=self.rng.randint(3, 9)), month_end)
            if not reschedule or later <= day:
                return None
            return self.hold(kind, later, attendees=attendees, cancellable=False, turnout=turnout, **values)
        if state == PLANNED or not self.detail:
            values = {**values, "minutes": "", "resolutions": ""}
        meeting_id = self.w.meeting(self.unit, kind, state, day, **values)
        marked: list[Mark] = []
        if (
            state == HELD
            and attendees is not None
            and (self.detail or kind in (rules.LECTURE, rules.TRAINING))
        ):
            marked = marks(day) if marks else self.draw(day, attendees, turnout)
            self.w.attend(meeting_id, marked)
        return meeting_id, marked

    def draw(
        self, day: dt.date, people: list[Person], turnout: float | None, *, everyone: bool = False
    ) -> list[Mark]:
        """Who came: most present, some on leave, a few absent; mobile members mostly away, the lost never."""
        rng, marked = self.rng, []
        rate = self.habits.turnout if turnout is None else turnout
        for person in people:
            if person.joined_on >= day:  # not a member yet (Person.listed_on)
                continue
            roll, note = rng.random(), ""
            if person.hosted:
                attendance, note = (PRESENT, "流动党员（在本组织参加活动）") if roll < 0.85 else (LEAVE, "")
            elif person.status == "lost_contact":
                attendance, note = ABSENT, "失去联系"
            elif person.status == "mobile":
                attendance, note = (PRESENT, "") if roll < 0.1 else (LEAVE, "外出务工")
            elif everyone or roll < rate * person.reliability:
                attendance = PRESENT
            elif rng.random() < 0.7:
                attendance, note = LEAVE, self.pick(["因病请假", "因事请假", "外出请假", "工作冲突"])
            else:
                attendance = ABSENT
            marked.append((person, attendance, note))
        return marked

    # votes

    def tally(
        self,
        day: dt.date,
        marked: list[Mark],
        rule: str,
        *,
        contested: bool = False,
        subject: Person | None = None,
        sure: bool = False,
    ) -> tuple[rules.VoteOutcome, int]:
        """The figures of a vote taken among `marked` and its outcome by the rules, with the eligible count."""
        voters = [(p, a) for p, a, _ in marked if p.votes_on(day)]
        eligible = len(voters)
        present = sum(1 for _, a in voters if a == PRESENT)
        rng = self.rng
        no = abstain = 0
        if contested:
            no = rng.randint(present // 3, (2 * present) // 3) if present else 0
            abstain = rng.randint(0, max(0, (present - no) // 4))
        elif not sure:
            no = 1 if present > 8 and rng.random() < 0.15 else 0
            abstain = 1 if present > 5 and rng.random() < 0.15 else 0
        written = 0
        if subject is not None:  # 细则 第21条: members on leave may send a written opinion on an admission
            written = sum(1 for _, a in voters if a == LEAVE and (sure or rng.random() < 0.5))
        outcome = rules.decide_vote(
            rule, eligible, present, present - no - abstain, no, abstain, written_yes=written
        )
        return outcome, eligible

    def vote(
        self, meeting_id: int, day: dt.date, motion: str, tallied, subject: Person | None = None
    ) -> None:
        outcome, eligible = tallied
        self.w.vote(
            meeting_id,
            day,
            motion,
            outcome,
            eligible=eligible,
            subject_id=subject.id if subject else None,
            subject_name=subject.name if subject else "",
        )


class BranchLife(Life):
    def __init__(self, seeder, unit, people, team, groups: list[tuple[Unit, str]]):
        super().__init__(seeder, unit, people, team)
        self.groups = groups
        self.has_committee = len(team.people) >= 3  # a 支委会 in place (orglife.rules.OrgFacts)
        self.fixed = self.rng.choice([1, 5, 8, 10, 15, 18, 20, 25, 28])  # the branch's 主题党日 each month
        self.admissions = defaultdict(list)  # day → probationary members admitted that day
        self.conversions = defaultdict(list)
        for person in people:
            if person.category == "probationary" and seeder.start <= person.joined_on <= seeder.today:
                self.admissions[person.joined_on].append(person)
            if person.converted_on and seeder.start <= person.converted_on <= seeder.today:
                self.conversions[person.converted_on].append(person)

    def run(self) -> None:
        for year in self.s.years:
            self.habits = self.s.habits[(self.unit.id, year)]
            self.year(year)
        for day in sorted(set(self.admissions) | set(self.conversions)):
            if not self.unit.established_on or day >= self.unit.established_on:
                self.admission_meeting(day)

    def year(self, year: int) -> None:
        h, rng = self.habits, self.rng
        months = [m for m in range(1, 13) if dt.date(year, m, 1) <= self.s.horizon]
        for month in months:
            themed_on = day_in(year, month, self.fixed)
            if h.holds(rules.THEMED_DAY, month, month):
                self.themed_day(themed_on, reschedule=h.profile == "model")
            if self.has_committee and h.holds(rules.COMMITTEE, month, month):
                self.committee(day_in(year, month, self.fixed - rng.randint(2, 6)), month)
        for quarter in range(1, 5):
            if dt.date(year, 3 * quarter - 2, 1) > self.s.horizon:
                break
            first = 3 * quarter - 2
            assembly_month = first + rng.randint(0, 2)
            if h.holds(rules.ASSEMBLY, quarter, assembly_month):
                self.assembly(day_in(year, assembly_month, rng.randint(3, 27)), quarter)
            lecture_month = first + rng.randint(0, 2)
            if h.holds(rules.LECTURE, quarter, lecture_month):
                same_day = rng.random() < 0.5
                self.lecture(day_in(year, lecture_month, self.fixed if same_day else rng.randint(3, 27)))
        for season in h.trainings:
            self.training(year, season)
        if h.holds(rules.LIFE_MEETING, 1, 12) or h.holds(rules.APPRAISAL, 1, 12):
            self.review(year)
        self.talks(year)

    # kinds

    def themed_day(self, day: dt.date, *, reschedule: bool) -> None:
        items = list(rules.THEMED_DAY_ITEMS)
        if self.rng.random() < 0.15:
            items.remove("service" if day.month in (1, 2, 12) else self.pick(items))
        extras = EXTRA_BY_DOMAIN.get(self.domain, EXTRA_BY_DOMAIN["organ"])
        extra = self.pick(extras) if self.rng.random() < 0.8 else ""
        title = THEMED_BY_MONTH[day.month]
        study = self.study()
        minutes = f"{self.team.host}主持。集中{study}；按“4+X”要求过组织生活、开展民主议事" + (
            f"，会后开展“{extra}”志愿服务。" if "service" in items and extra else "。"
        )
        self.hold(
            rules.THEMED_DAY,
            day,
            attendees=self.people + self.s.hosted.get(self.unit.id, []),
            reschedule=reschedule,
            topic=f"{day.month}月主题党日：{title}",
            place=self.outdoor if "service" in items and self.rng.random() < 0.4 else self.pick(self.places),
            themed_items=items,
            themed_extra=extra,
            minutes=minutes,
            resolutions="1. 按分工落实本次议定事项；2. 下月主题党日前通报落实情况。",
        )

    def committee(self, day: dt.date, month: int) -> None:
        options = COMMITTEE_TOPICS + COMMITTEE_BY_DOMAIN.get(self.domain, [])
        topic = COMMITTEE_BY_MONTH.get(month) or self.pick(options)
        held = self.hold(
            rules.COMMITTEE,
            day,
            attendees=self.team.people,
            turnout=0.93,
            topic=f"支委会：{topic}",
            minutes=f"{self.team.host}主持，{topic}，与会支委逐一发表意见。",
            resolutions="1. 议定事项由支委分工落实；2. 需党员大会决定的事项提请党员大会讨论。",
        )
        if held and held[1] and self.rng.random() < 0.15:
            self.vote(
                held[0], day, self.pick(COMMITTEE_MOTIONS), self.tally(day, held[1], rules.COMMITTEE_VOTE)
            )

    def assembly(self, day: dt.date, quarter: int) -> None:
        # Weak branches sometimes gather too few to decide anything (支部条例 第11条).
        thin = self.habits.profile in ("lax", "dormant") and self.rng.random() < 0.4
        topic = ASSEMBLY_TOPICS[quarter]
        held = self.hold(
            rules.ASSEMBLY,
            day,
            attendees=self.people,
            turnout=self.rng.uniform(0.3, 0.5) if thin else None,
            topic=f"党员大会：{topic}",
            minutes=f"{self.team.host}主持，{topic}。与会党员进行了讨论。",
            resolutions="1. 同意会议所议事项；2. 支委会负责抓好落实。",
        )
        if held and held[1] and (thin or self.rng.random() < 0.3):
            motion = self.pick(MOTIONS.get(self.unit.domain, MOTIONS["other"]))
            contested = self.rng.random() < 0.1
            self.vote(
                held[0], day, motion, self.tally(day, held[1], rules.ASSEMBLY_VOTE, contested=contested)
            )

    def admission_meeting(self, day: dt.date) -> None:
        """The 党员大会 that admitted or confirmed members on that day (细则 第21条). They were admitted, so the
        votes passed: the attendance is drawn again (fuller) until the rules say so — never a made-up outcome."""
        self.habits = self.s.habits[(self.unit.id, day.year)]
        admitted, converted = self.admissions.get(day, []), self.conversions.get(day, [])
        motions = [(f"接收{p.name}同志为中共预备党员", p) for p in admitted]
        motions += [(f"{p.name}同志按期转为中共正式党员", p) for p in converted]
        names = "、".join(p.name for _, p in motions)
        if admitted and converted:
            topic = "党员大会：讨论接收预备党员和预备党员转正"
        else:
            topic = "党员大会：讨论接收预备党员" if admitted else "党员大会：讨论预备党员转正"
        tallies: list = []

        def marks(day: dt.date) -> list[Mark]:
            for attempt in range(6):
                sure = attempt == 5
                marked = self.draw(
                    day, self.people, min(1.0, self.habits.turnout + 0.05 * attempt), everyone=sure
                )
                tallies[:] = [
                    self.tally(day, marked, rules.ASSEMBLY_VOTE, subject=p, sure=sure) for _, p in motions
                ]
                if all(outcome.passed for outcome, _ in tallies):
                    break
            return marked

        held = self.hold(
            rules.ASSEMBLY,
            day,
            attendees=self.people,
            cancellable=False,
            marks=marks,
            topic=topic,
            minutes=f"{self.team.host}主持。入党介绍人介绍情况，支部委员会报告审查情况，"
            f"与会党员充分讨论后逐个表决（{names}）。",
            resolutions=f"1. 同意{names}的有关事项，报上级党委审批；2. 做好后续教育考察。",
        )
        if held and held[1]:
            for (motion, person), tallied in zip(motions, tallies, strict=True):
                # A branch too small to carry it even with everyone there: the vote is not recorded here.
                if tallied[0].passed:
                    self.vote(held[0], day, motion, tallied, subject=person)

    def lecture(self, day: dt.date) -> None:
        titles = LECTURES + LECTURES_BY_DOMAIN.get(self.domain, [])
        title = self.pick(titles)
        guest = self.s.guests.get(self.unit.parent.id if self.unit.parent else 0) or []
        if guest and self.rng.random() < 0.2:
            lecturer = self.pick(guest)
        else:
            lecturer = self.team.secretary or self.team.host
        hours = self.rng.choice([2, 2, 2.5, 3, 3, 4])
        self.hold(
            rules.LECTURE,
            day,
            attendees=self.people + self.s.hosted.get(self.unit.id, []),
            topic=f"党课《{title}》",
            lecturer=lecturer,
            hours=hours,
            minutes=f"{lecturer}同志讲授党课《{title}》，结合工作实际谈了体会和要求。",
        )

    def training(self, year: int, season: str) -> None:
        name, days = TRAININGS[season]
        rng = self.rng
        if season == "spring":
            start = day_in(year, rng.choice([3, 4]), rng.randint(5, 25))
        elif season == "autumn":
            start = day_in(year, rng.choice([8, 9, 10]), rng.randint(5, 25))
            days = 2 if self.habits.profile in ("model", "no_review") or rng.random() < 0.5 else 1
        elif self.s.across[self.unit.id]:
            # 冬训 over New Year's Eve: its hours are shared between the two years (RULES.md 第108条).
            start, days = dt.date(year, 12, 31), 2
        else:
            start = day_in(year, 12, rng.randint(5, 22))
        ends = start + dt.timedelta(days=days - 1)
        hours = rules.hours_for(days=days)
        self.hold(
            rules.TRAINING,
            start,
            attendees=self.people,
            cancellable=False,
            topic=f"{year}年{name}" if season != "winter" else f"{year}—{year + 1}年度{name}",
            ends_on=ends if days > 1 else None,
            hours=hours,
            lecturer=f"县委党校 {self.s.outsider()}",
            place=self.pick(self.places),
            starts_at="08:30:00",
            minutes=f"集中学习{days}天，计{hours}学时；{self.study()}，观看警示教育片，分组讨论。",
        )
        if season == "spring" and self.team.people and self.habits.profile != "dormant":
            cadre_start = day_in(year, rng.choice([4, 5, 10]), rng.randint(8, 20))
            self.hold(
                rules.TRAINING,
                cadre_start,
                attendees=self.team.people,
                cancellable=False,
                turnout=0.96,
                topic=f"{year}年{CADRE_TRAINING}",
                ends_on=cadre_start + dt.timedelta(days=2),
                hours=rules.hours_for(days=3),
                lecturer=f"县委党校 {self.s.outsider()}",
                place="县委党校",
                starts_at="08:30:00",
                minutes="集中轮训3天，计24学时：党务工作实务、发展党员程序、基层治理案例。",
            )

    def review(self, year: int) -> None:
        """组织生活会 and 民主评议 — generally in the fourth quarter, often on the same day (支部条例 第17、19条)."""
        rng, h = self.rng, self.habits
        month = rng.choice([11, 11, 12, 12, 12, 10]) if rng.random() < 0.85 else rng.randint(6, 9)
        day = day_in(year, month, rng.randint(3, 27))
        if h.holds(rules.LIFE_MEETING, 1, 12):
            held_as = (
                rules.ASSEMBLY
                if rng.random() < 0.65 or not self.has_committee
                else (rules.GROUP if self.groups and rng.random() < 0.5 else rules.COMMITTEE)
            )
            self.hold(
                rules.LIFE_MEETING,
                day,
                attendees=self.team.people if held_as == rules.COMMITTEE else self.people,
                cancellable=False,
                topic=f"{year}年度组织生活会",
                held_as=held_as,
                minutes=(
                    "会前开展集中学习、谈心谈话、征求意见；会上书记代表支委会查摆问题，"
                    "党员逐一对照检查，开展批评和自我批评。"
                ),
                resolutions="1. 形成问题清单和整改措施；2. 整改情况在下次主题党日上通报。",
            )
        if h.holds(rules.APPRAISAL, 1, 12):
            if rng.random() > 0.5:
                day = min(day + dt.timedelta(days=rng.randint(1, 20)), dt.date(year, 12, 30))
            held = self.hold(
                rules.APPRAISAL,
                day,
                attendees=self.people,
                cancellable=False,
                topic=f"{year}年度民主评议党员",
                minutes="党员个人自评、党员互评、民主测评，支部委员会综合评定等次并公示。",
                resolutions="评议结果报上级党委备案，对基本合格党员进行帮教。",
            )
            if held and held[1]:
                self.grades(held[0], day, held[1])

    def grades(self, meeting_id: int, day: dt.date, marked: list[Mark]) -> None:
        rated = [(p, a) for p, a, _ in marked if p.full_on(day) and not p.hosted]
        if not rated:
            return
        rng = self.rng
        cap = len(rated) // 3  # rules.excellent_share_ok: 优秀 generally ≤ 1/3
        excellent = min(cap, round(len(rated) * rng.uniform(0.12, 0.3)))
        order = sorted(rated, key=lambda pa: (pa[1] != PRESENT, -pa[0].reliability, rng.random()))
        for index, (person, attendance) in enumerate(order):
            if person.status == "lost_contact":
                grade, note = "unqualified", "长期失去联系，不参加组织生活"
            elif index < excellent:
                grade, note = "excellent", ""
            elif attendance != PRESENT and person.reliability < 0.8 and rng.random() < 0.5:
                grade, note = "basically_qualified", "参加组织生活不够经常"
            else:
                grade, note = "qualified", ""
            self.w.grade(meeting_id, person.id, grade, note)
        assert rules.excellent_share_ok(excellent, len(rated))

    def talks(self, year: int) -> None:
        """谈心谈话 (支部条例 第18条): committee members talk with each other and with the members."""
        if not self.detail:
            return
        rng, share = self.rng, self.habits.talk_share
        end = min(dt.date(year, 12, 20), self.s.today)
        start = max(dt.date(year, 1, 10), self.unit.established_on or dt.date(year, 1, 10))
        if end <= start or share <= 0:
            return
        people = [p for p in self.people if p.status != "lost_contact" and p.listed_on(end)]
        cadres = [p for p in self.team.people if p.status in ("active", "mobile")]
        if len(people) < 2:
            return
        talkers = cadres or people[:1]
        talking = {p.id for p in talkers}
        covered = [p for p in people if p.id not in talking and (share >= 1 or rng.random() < share)]
        pairs = list(pairwise(talkers))  # committee members among themselves
        pairs += [(talkers[i % len(talkers)], person) for i, person in enumerate(covered)]
        if len(talkers) == 1 and covered and share >= 1:
            pairs.append((covered[0], talkers[0]))
        span = (end - start).days
        for talker, other in pairs:
            # Most talks come in the weeks before the 组织生活会 (autumn); some during the year.
            late = max(start, end - dt.timedelta(days=75))
            if rng.random() < 0.7 and late < end:
                day = late + dt.timedelta(days=rng.randrange((end - late).days + 1))
            else:
                day = start + dt.timedelta(days=rng.randrange(span + 1))
            joined = max(talker.joined_on, other.joined_on) + dt.timedelta(days=1)
            day = max(day, joined)
            if day > end:
                continue
            by_phone = other.status == "mobile"
            meeting_id = self.w.meeting(
                self.unit,
                rules.TALK,
                HELD,
                day,
                topic=f"谈心谈话：{talker.name}与{other.name}",
                host=talker.name,
                place="电话（视频）" if by_phone else self.pick([*self.places, "党员家中"]),
                minutes=self.pick(TALK_NOTES),
            )
            self.w.attend(
                meeting_id, [(talker, PRESENT, ""), (other, PRESENT, "视频通话" if by_phone else "")]
            )

    def run_groups(self) -> None:
        for group, leader in self.groups:
            members = [p for p in self.people if p.group_id == group.id]
            if not members:
                continue
            life = GroupLife(self.s, group, members, Team(members, leader or self.team.host, "", ""))
            life.run({year: self.s.habits[(group.id, year)] for year in self.s.years})


class GroupLife(Life):
    def run(self, habits_by_year: dict[int, Habits]) -> None:
        day_of_month = self.rng.randint(3, 26)
        for year in self.s.years:
            self.habits = habits_by_year[year]
            for month in range(1, 13):
                day = day_in(year, month, day_of_month + self.rng.randint(-2, 2))
                if day > self.s.horizon:
                    break
                if not self.habits.holds(rules.GROUP, month, month):
                    continue
                study = self.study() if month not in (11, 12) else "开展批评和自我批评"
                self.hold(
                    rules.GROUP,
                    day,
                    attendees=self.people,
                    topic=f"党小组会：{study}",
                    place=self.pick(["组长家中", *self.places]),
                    minutes=f"组长{self.team.host}主持，{study}，组员交流思想和工作情况。",
                )


class UpperLife(Life):
    """A 党委 (yearly 党课 by its secretary) or a 党总支 (monthly committee, life meeting), each with a study session
    for its team. Attendance: the team, the only people they may list besides direct members (they have none)."""

    def run(self) -> None:
        rng = self.rng
        for year in self.s.years:
            self.habits = self.s.habits[(self.unit.id, year)]
            if self.unit.kind == "general_branch":
                if len(self.team.people) >= 3:
                    for month in range(1, 13):
                        if self.habits.holds(rules.COMMITTEE, month, month):
                            topic = COMMITTEE_BY_MONTH.get(month) or self.pick(COMMITTEE_TOPICS)
                            self.hold(
                                rules.COMMITTEE,
                                day_in(year, month, rng.randint(3, 26)),
                                attendees=self.team.people,
                                turnout=0.93,
                                topic=f"总支委员会：{topic}",
                                minutes=f"总支书记{self.team.host}主持，{topic}。",
                            )
                if self.habits.holds(rules.LIFE_MEETING, 1, 12):
                    self.hold(
                        rules.LIFE_MEETING,
                        day_in(year, rng.choice([11, 12]), rng.randint(3, 27)),
                        attendees=self.team.people,
                        cancellable=False,
                        topic=f"{year}年度总支委员会组织生活会",
                        held_as=rules.COMMITTEE,
                        minutes="总支委员逐一对照检查，开展批评和自我批评。",
                    )
            elif self.habits.holds(rules.LECTURE, 1, 6):
                title = self.pick(LECTURES)
                lecturer = self.team.secretary or self.team.host
                self.hold(
                    rules.LECTURE,
                    day_in(year, rng.choice([3, 4, 6, 7, 9, 10]), rng.randint(3, 27)),
                    attendees=self.team.people,
                    topic=f"党委书记讲党课《{title}》",
                    lecturer=lecturer,
                    hours=rng.choice([3, 4]),
                    minutes=f"党委书记{lecturer}以《{title}》为题讲党课。",
                )
            if self.team.people and self.habits.profile != "lax":
                start = day_in(year, rng.choice([5, 9]), rng.randint(5, 20))
                self.hold(
                    rules.TRAINING,
                    start,
                    attendees=self.team.people,
                    cancellable=False,
                    turnout=0.9,
                    topic=f"{year}年{UPPER_TRAINING if self.unit.kind == 'committee' else '总支委员集中学习'}",
                    ends_on=start + dt.timedelta(days=1),
                    hours=rules.hours_for(days=2),
                    lecturer=f"县委党校 {self.s.outsider()}",
                    minutes="围绕党的创新理论开展专题学习研讨，班子成员交流发言。",
                )
