"""The whole county's organizational life: who keeps it how (habits), who holds posts, and the order of writing."""

import datetime as dt
import random
from collections import defaultdict

from dangjian.members.models import GONE_STATUSES, MobileRecord, MobileState
from dangjian.orglife import rules
from dangjian.orgs.models import LeadershipPosition
from dangjian.orgs.rules import TEAM_POSTS

from ..county import CountyPlan, Unit
from ..names import NameMaker
from .data import LISTED_STATUSES, Habits, Person, Team, keeps_life, people_by_branch, subtree
from .life import BranchLife, UpperLife
from .rows import Writer

PLAN_DAYS = 28  # meetings falling in the next four weeks are shown as planned

# Profiles of how an organization keeps its organizational life, with weights (per 100).
PROFILES = {"model": 76, "patchy": 12, "lax": 6, "dormant": 3, "no_review": 3}
UPPER_PROFILES = {"model": 80, "patchy": 15, "lax": 5}


class Seeder:
    """Draws every organization's habits, then writes branch by branch (members streamed in branch order, each
    branch with its 党小组), then the 党委 and 党总支; one random stream, so the same seed gives the same data."""

    def __init__(self, *, plan: CountyPlan, rng: random.Random, today: dt.date, detail: bool):
        self.plan, self.rng, self.today, self.detail = plan, rng, today, detail
        self.start = dt.date(today.year - 1, 1, 1)
        self.horizon = today + dt.timedelta(days=PLAN_DAYS)
        self.years = list(range(today.year - 1, self.horizon.year + 1))
        self.writer = Writer(today)
        self.names = NameMaker(rng)
        town = plan.featured_township
        self.featured_ids = {town.id, *(u.id for u in subtree(town))}
        self.habits: dict[tuple[int, int], Habits] = {}
        self.across: dict[int, bool] = {}
        self.teams, self.guests = self._load_teams()
        self.hosted = self._load_hosted()

    def outsider(self) -> str:
        return self.names.name(self.rng.choice(["male", "female"]), self.rng.randint(1965, 1990))

    # who holds posts

    def _load_teams(self) -> tuple[dict[int, list[tuple[str, int | None, str, str]]], dict[int, list[str]]]:
        teams: dict[int, list[tuple[str, int | None, str, str]]] = defaultdict(list)
        rows = (
            LeadershipPosition.objects.filter(ended_on__isnull=True)
            .order_by("org_id", "sort_order", "id")
            .values_list("org_id", "post", "member_id", "person_name", "member__status")
        )
        for org_id, post, member_id, name, status in rows.iterator(chunk_size=10_000):
            teams[org_id].append((post, member_id, name, status or ""))
        # Guest lecturers for branches: their committee's secretary and deputies (乡镇党委书记讲党课).
        guests = {
            org_id: [name for post, _, name, _ in posts if post in ("secretary", "deputy_secretary")]
            for org_id, posts in teams.items()
        }
        return teams, guests

    def team_of(self, unit: Unit, people: dict[int, Person] | None = None) -> Team:
        posts = self.teams.get(unit.id, [])
        names = {post: name for post, _, name, _ in reversed(posts)}
        members: list[Person] = []
        seen: set[int] = set()
        for post, member_id, name, status in posts:
            if post not in TEAM_POSTS or member_id is None or status not in LISTED_STATUSES:
                continue
            if people is not None:
                person = people.get(member_id)
                if person is None:
                    continue
                person.reliability = max(person.reliability, 0.95)  # the team turns up
            else:
                person = Person(member_id, name, None, "full", status, dt.date(1900, 1, 1), None, 0.95)
            if member_id not in seen:
                seen.add(member_id)
                members.append(person)
        host = names.get("secretary") or names.get("deputy_secretary") or next(iter(names.values()), "")
        if not host and people:  # no team: the longest-standing member calls the meeting
            host = min(people.values(), key=lambda p: (p.joined_on, p.id)).name
        recorder = names.get("organization") or names.get("publicity") or ""
        if recorder == host:
            recorder = ""
        return Team(members, host, recorder, names.get("secretary", ""))

    def _load_hosted(self) -> dict[int, list[Person]]:
        """Mobile members attending at a host organization in the system (RULES.md H)."""
        hosted: dict[int, list[Person]] = defaultdict(list)
        rows = (
            MobileRecord.objects.filter(state=MobileState.OUT, host_org__isnull=False)
            .exclude(member__status__in=GONE_STATUSES)
            .order_by("id")
            .values_list(
                "host_org_id", "left_on", "member_id", "member__name", "member__category", "member__status",
                "member__converted_on",
            )
        )  # fmt: skip
        for host_id, left_on, member_id, name, category, status, converted in rows:
            hosted[host_id].append(
                Person(member_id, name, None, category, status, left_on, converted, 1.0, True)
            )
        return hosted

    # habits

    def draw_habits(self) -> None:
        rng, plan = self.rng, self.plan
        units = [u for u in plan.units if keeps_life(u)]
        profile_of: dict[int, str] = {}
        for unit in units:
            if unit.kind != "group":
                weights = PROFILES if unit.kind == "branch" else UPPER_PROFILES
                profile_of[unit.id] = rng.choices(list(weights), weights=list(weights.values()))[0]
            self.across[unit.id] = rng.random() < 0.06
        # The featured township shows one branch of each kind of trouble; zhibu's branch is a model.
        town = [
            u for u in subtree(plan.featured_township) if u.holds_members and u is not plan.featured_branch
        ]
        missing = [
            p for p in ("dormant", "patchy", "lax", "no_review") if p not in {profile_of[u.id] for u in town}
        ]
        spare = sorted(
            (u for u in town if profile_of[u.id] == "model"),
            key=lambda u: (u.special != "", u.size < 8, u.id),
        )
        for profile, unit in zip(missing, spare, strict=False):
            profile_of[unit.id] = profile
        profile_of[plan.featured_branch.id] = "model"
        for unit in units:
            # A 党小组 keeps to its branch's ways (its own months skipped, though).
            profile = profile_of[unit.parent.id] if unit.kind == "group" else profile_of[unit.id]
            for year in self.years:
                habits = self._habits(profile, year)
                if unit is plan.featured_branch and year == self.today.year:
                    habits.skip[rules.COMMITTEE] = {self._visible_gap()}
                self.habits[(unit.id, year)] = habits

    def _visible_gap(self) -> int:
        """A month of this year already over (so the missed 支委会 shows); January when none is over yet."""
        return max(1, self.today.month - 2)

    def _habits(self, profile: str, year: int) -> Habits:
        rng = self.rng
        last_year = year < self.today.year
        months = list(range(1, 13))

        def some(options: list[int], low: int, high: int) -> set[int]:
            return set(rng.sample(options, k=min(len(options), rng.randint(low, high))))

        if profile == "dormant" and last_year:
            # Held almost nothing: a 主题党日 or a 党员大会 in one to three months of the year.
            only = set()
            for month in rng.sample(months, rng.randint(1, 3)):
                if rng.random() < 0.6:
                    only.add((rules.THEMED_DAY, month))
                else:
                    only.add((rules.ASSEMBLY, (month - 1) // 3 + 1))
            return Habits(profile, rng.uniform(0.5, 0.7), talk_share=0.0, trainings=(), only=only)
        if profile == "dormant":  # chased by the county: holding meetings again since spring
            habits = self._habits("lax", year)
            habits.profile, habits.held_from = "dormant", rng.randint(3, 5)
            return habits
        if profile == "model" or (profile == "no_review" and not last_year):
            return Habits(profile, rng.uniform(0.88, 0.97), talk_share=1.0)
        if profile == "no_review":
            skip = {rules.LIFE_MEETING: {1}} if rng.random() < 0.5 else {rules.APPRAISAL: {1}}
            if rng.random() < 0.5:
                skip = {rules.LIFE_MEETING: {1}, rules.APPRAISAL: {1}}
            return Habits(profile, rng.uniform(0.85, 0.95), skip=skip, talk_share=rng.uniform(0.85, 1.0))
        if profile == "patchy":
            skip = {
                rules.COMMITTEE: some(months, 1, 3),
                rules.THEMED_DAY: some(months, 0, 2),
                rules.GROUP: some(months, 0, 2),
                rules.ASSEMBLY: some([1, 2, 3, 4], 1, 1) if rng.random() < 0.35 else set(),
                rules.LECTURE: some([1, 2, 3, 4], 1, 1) if rng.random() < 0.25 else set(),
            }
            return Habits(
                profile,
                rng.uniform(0.8, 0.92),
                skip=skip,
                talk_share=rng.uniform(0.75, 0.95),
                trainings=("spring", "autumn", "winter"),
            )
        skip = {  # lax
            rules.COMMITTEE: some(months, 3, 6),
            rules.THEMED_DAY: some(months, 2, 5),
            rules.GROUP: some(months, 3, 6),
            rules.ASSEMBLY: some([1, 2, 3, 4], 1, 2),
            rules.LECTURE: some([1, 2, 3, 4], 1, 2),
            rules.LIFE_MEETING: {1} if rng.random() < 0.4 else set(),
            rules.APPRAISAL: {1} if rng.random() < 0.4 else set(),
        }
        return Habits(
            profile,
            rng.uniform(0.6, 0.8),
            skip=skip,
            talk_share=rng.uniform(0.4, 0.7),
            trainings=rng.choice([("spring",), ("winter",), ("spring", "winter")]),
        )

    # writing

    def run(self) -> None:
        self.draw_habits()
        branches = {u.id: u for u in self.plan.branches()}
        for branch_id, people in people_by_branch(branches, self.rng):
            branch = branches[branch_id]
            by_id = {p.id: p for p in people}
            team = self.team_of(branch, by_id)
            groups = [
                (
                    child,
                    next((n for post, _, n, _ in self.teams.get(child.id, []) if post == "group_leader"), ""),
                )
                for child in branch.children
                if child.kind == "group"
            ]
            life = BranchLife(self, branch, people, team, groups)
            life.run()
            life.run_groups()
            self.writer.flush()
        for unit in self.plan.units:
            if unit.kind in ("committee", "general_branch") and keeps_life(unit):
                UpperLife(self, unit, [], self.team_of(unit)).run()
        self.writer.flush(force=True)
