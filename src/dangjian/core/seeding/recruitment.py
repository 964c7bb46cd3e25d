"""Demo cases of member development (发展党员, issue 6), written after the county and its organizational life.

Cases in every stage (入党申请人, 积极分子, 发展对象, 预备党员, 正式党员, 已终止, 已取消预备党员资格) and every
outcome of probation (converted on time, converted late — still dated from the end of probation, extended,
cancelled), and some overdue (a talk not held within a month, an approval more than three months after the
支部大会, a conversion due), so the due list and the reminders show truth. Several are in zhibu's branch and
in xiangzhen's township; a few elsewhere for the admin. The townships get this year's development plan.

Everything goes through the recruitment services with the demo accounts as actors, each step on its own day
(the services' clock is moved there, as in `membership`), so the steps, the 支部大会 votes (real 党员大会
meetings with attendance, through orglife) and the member records are the real ones. The audit entries are
written as the seed's own (`membership._as_seed_entries`). Deterministic: `random.Random(f"dangjian:{seed}:
recruitment")`, dates counted back from the seed's `today`. Skipped for seeds of SKIP_FROM members or more.
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from dangjian.accounts.models import User
from dangjian.core import idnumber, scoping
from dangjian.core.crypto import lookup_hash
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.members.models import Category, Member, Status
from dangjian.orglife import services as orglife_services
from dangjian.orgs.models import Organization, OrgKind
from dangjian.recruitment import rules, services
from dangjian.recruitment.models import DevelopmentCase, DevelopmentPlan

from .county import CountyPlan, Unit
from .membership import _as_seed_entries, _on_day
from .names import NameMaker

SKIP_FROM = 100_000
AREA = "341825"

# Days after the application on which each step is taken in a case that runs on time (the standard
# timetable: the talk within a month, a year as activist, the 支部大会 within the year as candidate,
# approval within three months of it, a year of probation).
OFFSET = {
    1: 0,
    2: 12,
    3: 53,
    4: 57,
    5: 57,
    6: 237,
    7: 418,
    8: 422,
    9: 422,
    10: 449,
    11: 458,
    12: 484,
    13: 490,
    14: 497,
    15: 498,
    16: 510,
    17: 524,
    18: 529,
    19: 529,
    20: 540,
    21: 693,
    22: 849,
    23: 863,
    24: 884,
    25: 894,
}
PROBATION_END = OFFSET[15] + 365  # about; the services compute the exact day


@dataclass(frozen=True)
class Story:
    """One case: how far it goes, what happens at the end, and how long ago it started."""

    where: str  # "branch" (zhibu's), "town" (xiangzhen's township), "elsewhere"
    last: int  # the last step recorded
    ago: int  # days between the application and the seed's today
    outcome: str = ""  # for step 23: confirm, extend or cancel
    late: int = 0  # days the 转正 steps (23–25) come after the planned day
    withdraw: bool = False


STORIES = [
    # zhibu's branch
    Story("branch", 1, 8),  # a fresh application: the talk is due
    Story("branch", 1, 45),  # overdue: the talk not held within a month
    Story("branch", 5, 150),  # activist
    Story("branch", 12, 560),  # candidate, before the public notice
    Story("branch", 21, 720),  # probationary
    Story("branch", 22, OFFSET[15] + 372),  # conversion due: probation ended a week ago
    Story("branch", 25, OFFSET[25] + 60, outcome=rules.CONFIRM),  # converted on time
    Story("branch", 3, 300, withdraw=True),  # withdrawn as activist
    # xiangzhen's township
    Story("town", 2, 40),  # applicant, talked
    Story("town", 6, 300),  # activist, reviewed
    Story("town", 16, OFFSET[15] + 110),  # overdue: approval more than three months after the 支部大会
    Story("town", 25, OFFSET[25] + 120, outcome=rules.CONFIRM, late=75),  # converted late
    Story("town", 24, OFFSET[24] + 40, outcome=rules.EXTEND),  # probation extended
    Story("town", 24, OFFSET[24] + 90, outcome=rules.CANCEL),  # probationary status cancelled
    Story("town", 9, 460),  # candidate
    # elsewhere in the county
    Story("elsewhere", 1, 20),
    Story("elsewhere", 7, 430),
    Story("elsewhere", 19, 560),
    Story("elsewhere", 25, OFFSET[25] + 200, outcome=rules.CONFIRM),
    Story("elsewhere", 2, 120, withdraw=True),
]


def _descendant_ids(unit: Unit) -> set[int]:
    found, stack = set(), list(unit.children)
    while stack:
        child = stack.pop()
        found.add(child.id)
        stack.extend(child.children)
    return found


def _year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return dt.date(day.year + 1, 3, 1)


class _Seeder:
    def __init__(self, *, plan: CountyPlan, rng: random.Random, today: dt.date, set_day):
        self.plan, self.rng, self.today, self.set_day = plan, rng, today, set_day
        self.names = NameMaker(rng)
        self.admin = User.objects.get(username="admin")
        self.officer = User.objects.get(username="xiangzhen")
        self.secretary = User.objects.get(username="zhibu")
        self.branch = Organization.objects.get(pk=plan.featured_branch.id)
        in_town = _descendant_ids(plan.featured_township)
        usable = [
            u.id
            for u in plan.units
            if u.kind == OrgKind.BRANCH and u.holds_members and not u.special and u.size >= 8
        ]
        self.town_ids = [pk for pk in usable if pk in in_town and pk != self.branch.pk]
        self.elsewhere_ids = [pk for pk in usable if pk not in in_town]
        rng.shuffle(self.town_ids)
        rng.shuffle(self.elsewhere_ids)
        self.used: Counter = Counter()
        self.failed: list[str] = []

    # helpers

    def day(self, day: dt.date) -> dt.date:
        self.set_day(day)
        return day

    def org_for(self, where: str) -> Organization:
        ids = {"branch": [self.branch.pk], "town": self.town_ids, "elsewhere": self.elsewhere_ids}[where]
        ids = ids or [self.branch.pk]
        pk = min(ids, key=lambda i: (self.used[i], ids.index(i)))  # spread the cases over the branches
        self.used[pk] += 1
        return Organization.objects.get(pk=pk)

    def actor_for(self, org: Organization, step: int) -> User:
        committee = step in rules.COMMITTEE_STEPS
        if org.pk == self.branch.pk and not committee:
            return self.secretary
        if scoping.in_scope(self.officer, org.path):
            return self.officer
        return self.admin

    def voters(self, org: Organization) -> list[Member]:
        return list(
            Member.objects.filter(org=org, category=Category.FULL, status=Status.ACTIVE).order_by("pk")
        )

    def id_number(self, birth: dt.date, gender: str) -> str:
        for seq in range(700, 999):
            if (seq % 2 == 1) != (gender == "male"):
                continue
            number = idnumber.build(AREA, birth, seq)
            digest = lookup_hash(number)
            if not (
                Member.objects.filter(id_hash=digest).exists()
                or DevelopmentCase.objects.filter(id_hash=digest).exists()
            ):
                return number
        raise LookupError("no free ID number")

    def assembly(self, org: Organization, on: dt.date):
        voters = self.voters(org)
        absent = self.rng.randint(0, max(0, len(voters) // 6))
        attendees = [
            {"member_id": m.pk, "attendance": "absent" if i < absent else "present"}
            for i, m in enumerate(voters)
        ]
        meeting = orglife_services.meeting_create(
            actor=self.actor_for(org, 15),
            org=org,
            kind="assembly",
            held_on=on,
            topic="讨论发展党员",
            attendees=attendees,
        )
        present = len(voters) - absent
        no = self.rng.randint(0, 1) if present > 4 else 0
        return {"meeting": meeting, "yes": present - no, "no": no}

    def details(self, case: DevelopmentCase, step: int, on: dt.date, story: Story) -> dict:
        voters = self.voters(case.org)
        if step == 2:
            return {"talker_name": "支部书记"}
        if step == 5:
            return {"mentors": voters[:2]}
        if step in (6, 21):
            return {"notes": "思想上积极要求进步，工作表现良好"}
        if step == 9:
            return {"sponsors": voters[:2]}
        if step == 10:
            return {"conclusion": "政治审查合格", "passed": True}
        if step == 11:
            return {"days": 3, "organizer": "县委党校"}
        if step == 13:
            return {"notice_starts_on": on}
        if step == 15:
            return self.assembly(case.org, on)
        if step == 16:
            first = case.steps.filter(step=15, current=True).order_by("-date").first()
            return {"submitted_on": first.date + dt.timedelta(days=3), "interviewer_name": "组织员"}
        if step == 23:
            figures = self.assembly(case.org, on)
            figures["outcome"] = story.outcome or rules.CONFIRM
            if figures["outcome"] == rules.EXTEND:
                figures["extension_months"] = 6
            return figures
        return {}

    # the story

    def run(self) -> None:
        for story in STORIES:
            try:
                with transaction.atomic():
                    self.case(story)
            except (TransitionNotAllowed, ValidationFailed, LookupError) as exc:
                self.failed.append(f"{story}: {exc}")
        self.plans()
        self.day(self.today)

    def case(self, story: Story) -> DevelopmentCase:
        org = self.org_for(story.where)
        gender = "female" if self.rng.random() < 0.45 else "male"
        start = self.today - dt.timedelta(days=story.ago)
        birth = start - dt.timedelta(days=self.rng.randint(19 * 365, 42 * 365))
        self.day(start)
        case = services.case_create(
            actor=self.actor_for(org, 1),
            org=org,
            person_name=self.names.name(gender, birth.year),
            id_number=self.id_number(birth, gender),
            applied_on=start,
            education=self.rng.choice(["21", "31", "31", "41", "61", "71"]),
            occupation=self.rng.choice(["01", "02", "03", "04", "06", "07"]),
            work_unit="",
        )
        shift = 0
        previous = start
        for step in range(2, story.last + 1):
            planned = start + dt.timedelta(days=OFFSET[step] + shift)
            if step >= 23 and story.late:
                planned += dt.timedelta(days=story.late)
            on = max(planned, previous)
            if step == 7 and case.activist_on:  # a full year as activist, leap days included (细则 第13条)
                on = max(on, _year_after(case.activist_on) + dt.timedelta(days=1))
            if step == 14 and case.notice_ends_on and on <= case.notice_ends_on:
                on = case.notice_ends_on + dt.timedelta(days=1)
            if step == 22 and case.probation_ends_on:
                on = max(on, case.probation_ends_on - dt.timedelta(days=14))
            if step == 23 and case.probation_ends_on:
                on = max(on, case.probation_ends_on + dt.timedelta(days=story.late))
            if on > self.today:
                break
            shift += (on - planned).days if on > planned else 0
            self.day(on)
            details = self.details(case, step, on, story)
            notes = details.pop("notes", "")
            case = services.step_record(
                actor=self.actor_for(case.org, step), case=case, step=step, date=on, notes=notes, **details
            )
            previous = on
        if story.withdraw:
            on = self.day(min(self.today, previous + dt.timedelta(days=30)))
            case = services.case_withdraw(
                actor=self.actor_for(case.org, 1), case=case, date=on, reason="本人申请撤回入党申请"
            )
        return case

    def plans(self) -> None:
        """This year's plan of each township committee that has branches (admitted ones count against it)."""
        self.day(
            dt.date(self.today.year, 1, 15) if self.today >= dt.date(self.today.year, 1, 15) else self.today
        )
        townships = [
            u for u in self.plan.root.children if u.kind == OrgKind.COMMITTEE and u.domain == "township"
        ]
        for unit in townships:
            committee = Organization.objects.get(pk=unit.id)
            branches = list(
                Organization.objects.filter(
                    parent=committee, kind=OrgKind.BRANCH, dissolved_on__isnull=True
                ).order_by("path")
            )[:12]
            if not branches or DevelopmentPlan.objects.filter(org=committee, year=self.today.year).exists():
                continue
            lines = [(branch, self.rng.choice([1, 1, 2])) for branch in branches]
            actor = self.officer if scoping.in_scope(self.officer, committee.path) else self.admin
            try:
                with transaction.atomic():
                    services.plan_create(
                        actor=actor, org=committee, year=self.today.year, lines=lines, note="年度发展党员计划"
                    )
            except (TransitionNotAllowed, ValidationFailed) as exc:
                self.failed.append(f"plan {committee.name}: {exc}")


def seed_recruitment(*, plan: CountyPlan, seed: int, today: dt.date, members: int, say) -> dict[str, int]:
    """Write the demo cases and plans (see the module docstring); returns the cases by stage."""
    if members >= SKIP_FROM:
        say(f"发展党员演示案例：党员 {members:,} 名以上的种子不生成")
        return {}
    rng = random.Random(f"dangjian:{seed}:recruitment")
    with translation.override("zh-hans"), _as_seed_entries(), _on_day() as set_day:
        seeder = _Seeder(plan=plan, rng=rng, today=today, set_day=set_day)
        seeder.run()
    stages = Counter(DevelopmentCase.objects.values_list("stage", flat=True))
    say(
        f"发展党员演示案例 {sum(stages.values())} 件（{dict(stages)}），"
        f"发展计划 {DevelopmentPlan.objects.filter(year=today.year).count()} 份"
        + (f"；未能生成 {len(seeder.failed)} 件：{'；'.join(seeder.failed)}" if seeder.failed else "")
    )
    return dict(stages)
