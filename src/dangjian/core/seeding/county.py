"""The demo county's organization tree, planned in memory before anything is written.

Ids are assigned here (from the table's next free id) so paths can be computed without a round trip;
codes follow the position in the tree, so they do not depend on ids: root 341825, its children 34182501 …,
and so on, each parent numbering its children with as many digits as their count needs.

A few units are deliberately out of line with the rules (`special`, SPECIAL_BRANCHES), so the structure
check has findings to show (支部条例 第4、5、13、20、21条 cases), most of them in the featured township where
the demo accounts are; terms are spread so that some are due, expired or overdue.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from dangjian.core import tree
from dangjian.orgs.rules import add_months, add_years

from . import places
from .places import PlaceNamer, ordinal

# Members per branch: (low, mode, high) of a triangular draw, by the unit's profile.
SIZES: dict[str, tuple[int, int, int]] = {
    "village": (22, 38, 62),
    "village_part": (16, 28, 44),
    "community": (20, 38, 62),
    "township": (18, 28, 45),
    "organ": (8, 18, 42),
    "school": (10, 18, 34),
    "hospital": (15, 25, 40),
    "clinic": (5, 9, 16),
    "soe": (8, 16, 32),
    "private": (3, 8, 30),
    "social": (3, 6, 14),
    "joint": (6, 9, 15),
}
# Members the plan holds at scale 1 (measured); the default scale is members / BASE_MEMBERS.
BASE_MEMBERS = 15_000


@dataclass(eq=False)
class Unit:
    id: int
    name: str
    kind: str
    domain: str
    parent: "Unit | None"
    path: str
    depth: int
    sort_order: int
    is_grassroots: bool = True
    unit_count: int = 1
    established_on: dt.date | None = None
    dissolved_on: dt.date | None = None
    term_started_on: dt.date | None = None
    code: str = ""
    children: list["Unit"] = field(default_factory=list)
    # Plan only, not stored: members wanted, whose members they are, and any deliberate rule case.
    size: int = 0
    profile: str = ""
    work_unit: str = ""  # 工作单位 of its members who work there
    special: str = ""
    term: str = ""  # forced term status: current / due / expired / overdue
    probationary: int | None = None  # exact number of probationary members (special cases)
    groups: bool | None = None  # None: 党小组 when the branch is large

    @property
    def holds_members(self) -> bool:
        return self.kind == "branch" and self.dissolved_on is None


@dataclass
class CountyPlan:
    units: list[Unit]
    root: Unit
    featured_township: Unit
    featured_branch: Unit

    def branches(self) -> list[Unit]:
        return [u for u in self.units if u.holds_members]


class Planner:
    def __init__(self, *, rng: random.Random, scale: float, today: dt.date, first_id: int):
        self.rng = rng
        self.scale = scale
        self.today = today
        self.next_id = first_id
        self.units: list[Unit] = []
        self.namer = PlaceNamer(rng)
        self.companies: set[str] = set()

    # --- building blocks ---------------------------------------------------------------------------------

    def add(self, parent: Unit | None, name: str, kind: str, domain: str, **extra) -> Unit:
        unit_id = self.next_id
        self.next_id += 1
        unit = Unit(
            id=unit_id,
            name=name,
            kind=kind,
            domain=domain,
            parent=parent,
            path=tree.child_path(parent.path if parent else "", unit_id),
            depth=parent.depth + 1 if parent else 0,
            sort_order=len(parent.children) if parent else 0,
            **extra,
        )
        if not unit.established_on:
            unit.established_on = self._established(unit)
        if parent is not None:
            parent.children.append(unit)
        self.units.append(unit)
        return unit

    def branch(self, parent: Unit, name: str, domain: str, size_key: str, **extra) -> Unit:
        extra.setdefault("profile", _profile_of(size_key, domain))
        low, mode, high = SIZES[size_key]
        size = extra.pop("size", None) or round(self.rng.triangular(low, high, mode))
        return self.add(parent, name, "branch", domain, size=size, **extra)

    def count(self, base: int, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))

    def _established(self, unit: Unit) -> dt.date:
        # Rural organizations date back to the 1950s; companies and social organizations are recent.
        first_year = {"rural": 1952, "township": 1958, "private": 2003, "social": 2010}.get(unit.domain, 1980)
        if unit.parent is not None and unit.parent.established_on:
            first_year = max(first_year, unit.parent.established_on.year)
        last_year = min(self.today.year - 3, 2019)
        year = self.rng.randint(min(first_year, last_year), last_year)
        return dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    # --- the county ----------------------------------------------------------------------------------------

    def build(self) -> CountyPlan:
        root = self.add(
            None,
            places.ROOT_NAME,
            "committee",
            "organ",
            is_grassroots=False,
            established_on=dt.date(1949, 5, 1),
        )
        towns = self._townships(root)
        self._organs(root)
        self._education(root, towns)
        self._health(root, towns)
        self._state_owned(root)
        self._private(root)
        self._social(root)
        featured = towns[0][0]
        featured_branch = next(u for u in featured.children if u.special == "featured")
        return CountyPlan(self.units, root, featured, featured_branch)

    def _townships(self, root: Unit) -> list[tuple[Unit, str]]:
        count = self.count(len(places.TOWNSHIPS))
        used = set(places.TOWNSHIPS)
        names = [
            *places.TOWNSHIPS,
            *(self.namer.township(used) for _ in range(count - len(places.TOWNSHIPS))),
        ]
        towns = []
        for index, town in enumerate(names[:count]):
            committee = self.add(root, f"{town}党委", "committee", "township")
            self.branch(committee, f"{town}机关党支部", "township", "township", work_unit=f"{town}人民政府")
            self._villages(committee, town, featured=index == 0, second=index == min(1, count - 1))
            self._communities(committee, town, seat=index == 0)
            self._township_companies(committee, featured=index == 0)
            towns.append((committee, town))
        return towns

    def _villages(self, committee: Unit, town: str, *, featured: bool, second: bool) -> None:
        used: set[str] = set()
        count = self.rng.randint(15, 19)
        for index in range(count):
            village = self.namer.village(used)
            special = ""
            if featured:
                # With a single township (small seeds) the featured one also gets the second one's case.
                cases = [
                    "featured",
                    "no_committee",
                    "over_fifty",
                    "expired",
                    *(["no_secretary"] if second else []),
                ]
                special = cases[index] if index < len(cases) else ""
            elif second and index == 0:
                special = "no_secretary"
            if not special and self.rng.random() < 0.4:
                # A big village: a 党总支 with several branches (by hamlet, or for its members working away).
                general = self.add(committee, f"{village}党总支", "general_branch", "rural")
                parts = self.rng.randint(3, 4)
                for part in range(1, parts + 1):
                    self.branch(general, f"{village}第{ordinal(part)}党支部", "rural", "village_part")
                continue
            extra = SPECIAL_BRANCHES.get(special, {})
            self.branch(committee, f"{village}党支部", "rural", "village", special=special, **extra)
        if featured:
            # A village merged into its neighbour (撤并): dissolved, no members, its history kept.
            village = self.namer.village(used)
            dissolved_on = add_months(self.today, -self.rng.randint(26, 40))
            self.add(committee, f"{village}党支部", "branch", "rural", dissolved_on=dissolved_on)

    def _communities(self, committee: Unit, town: str, *, seat: bool) -> None:
        if not seat:
            name = town.removesuffix("镇").removesuffix("乡") + "社区"
            self.branch(committee, f"{name}党支部", "community", "community")
            return
        # The county seat: several communities, the biggest run by a 党总支.
        for index, community in enumerate(places.COUNTY_SEAT_COMMUNITIES):
            if index == 0:
                general = self.add(committee, f"{community}党总支", "general_branch", "community")
                for part in range(1, 4):
                    self.branch(general, f"{community}第{ordinal(part)}党支部", "community", "community")
            else:
                self.branch(committee, f"{community}党支部", "community", "community")

    def _township_companies(self, committee: Unit, *, featured: bool) -> None:
        count = 1 if featured else self.rng.choice([0, 1, 1, 2])
        for index in range(count):
            company = self.namer.company(self.companies)
            if featured and index == 0:
                extra = SPECIAL_BRANCHES["below_three"]
                self.branch(committee, f"{company}党支部", "private", "private", work_unit=company, **extra)
            else:
                self.branch(committee, f"{company}党支部", "private", "private", work_unit=company)

    def _organs(self, root: Unit) -> None:
        committee = self.add(root, "县直机关工委", "working_committee", "organ", is_grassroots=False)
        agencies = places.AGENCIES
        count = self.count(len(agencies), minimum=4)
        for index in range(count):
            agency = agencies[index % len(agencies)]
            copy = index // len(agencies)
            # Beyond one copy of the list (province scale), big agencies get numbered branches.
            name = f"{agency}党支部" if copy == 0 else f"{agency}第{ordinal(copy + 1)}党支部"
            special = (
                {"县财政局": "large_committee", "县委组织部机关": "no_groups"}.get(agency, "")
                if not copy
                else ""
            )
            self.branch(
                committee,
                name,
                "organ",
                "organ",
                special=special,
                work_unit=agency.removesuffix("机关"),
                **SPECIAL_BRANCHES.get(special, {}),
            )
        police = self.add(committee, "县公安局党委", "committee", "organ")
        for unit in places.POLICE_UNITS[: self.count(len(places.POLICE_UNITS), minimum=2)]:
            self.branch(police, f"县公安局{unit}党支部", "organ", "organ", work_unit="县公安局")
        court = self.add(committee, "县人民法院机关党总支", "general_branch", "organ")
        for unit in places.COURT_UNITS:
            self.branch(court, f"县人民法院{unit}党支部", "organ", "organ", work_unit="县人民法院")
        self.branch(committee, "县直机关离退休干部党支部", "organ", "community", profile="retired")
        # Units of state-owned companies stationed in the county are looked after by the organs' committee.
        for name in places.SOE_BRANCHES[: self.count(len(places.SOE_BRANCHES))]:
            self.branch(committee, f"{name}党支部", "soe", "soe", work_unit=name)

    def _education(self, root: Unit, towns: list[tuple[Unit, str]]) -> None:
        committee = self.add(root, "县教育局党委", "committee", "institution")
        self.branch(
            committee, "县教育局机关党支部", "institution", "organ", profile="organ", work_unit="县教育局"
        )
        school = self.add(committee, "旌德中学党总支", "general_branch", "institution")
        for unit in places.HIGH_SCHOOL_UNITS:
            self.branch(school, f"旌德中学{unit}党支部", "institution", "school", work_unit="旌德中学")
        for name in places.COUNTY_SCHOOLS[: self.count(len(places.COUNTY_SCHOOLS))]:
            self.branch(committee, f"{name}党支部", "institution", "school", work_unit=name)
        for _, town in towns:
            self.branch(
                committee, f"{town}中心学校党支部", "institution", "school", work_unit=f"{town}中心学校"
            )

    def _health(self, root: Unit, towns: list[tuple[Unit, str]]) -> None:
        committee = self.add(root, "县卫生健康委员会党委", "committee", "institution")
        hospital = self.add(committee, "县人民医院党总支", "general_branch", "institution")
        for unit in places.HOSPITAL_UNITS:
            self.branch(
                hospital, f"县人民医院{unit}党支部", "institution", "hospital", work_unit="县人民医院"
            )
        for name in places.HEALTH_UNITS[: self.count(len(places.HEALTH_UNITS))]:
            self.branch(
                committee, f"{name}党支部", "institution", "hospital", work_unit=name.removesuffix("机关")
            )
        for _, town in towns:
            self.branch(
                committee,
                f"{town}卫生院党支部",
                "institution",
                "clinic",
                profile="hospital",
                work_unit=f"{town}卫生院",
            )

    def _state_owned(self, root: Unit) -> None:
        group = self.add(root, "县国有资本投资运营集团有限公司党委", "committee", "soe")
        for unit in places.SOE_GROUP_UNITS:
            self.branch(
                group, f"县国投集团{unit}党支部", "soe", "soe", work_unit="县国有资本投资运营集团有限公司"
            )

    def _private(self, root: Unit) -> None:
        zone = self.add(root, "旌德经济开发区党工委", "working_committee", "private", is_grassroots=False)
        company = self.namer.company(self.companies)
        big = self.add(zone, f"{company}党委", "committee", "private")
        for unit in ("生产一线", "研发中心", "综合管理"):
            self.branch(big, f"{company}{unit}党支部", "private", "soe", profile="private", work_unit=company)
        for _ in range(self.count(24)):
            company = self.namer.company(self.companies)
            self.branch(zone, f"{company}党支部", "private", "private", work_unit=company)
        # 联合党支部 (支部条例 第5条: generally no more than five units); the first one covers seven.
        for index in range(self.count(3, minimum=2)):
            units = 7 if index == 0 else self.rng.randint(2, 5)
            self.branch(
                zone,
                f"经济开发区非公企业第{ordinal(index + 1)}联合党支部",
                "private",
                "joint",
                unit_count=units,
                profile="private",
            )
        # A company that closed down: its branch was dissolved.
        self.add(
            zone,
            f"{self.namer.company(self.companies)}党支部",
            "branch",
            "private",
            dissolved_on=add_months(self.today, -self.rng.randint(8, 20)),
        )

    def _social(self, root: Unit) -> None:
        committee = self.add(root, "县社会组织综合党委", "committee", "social")
        for name in places.SOCIAL_ORGS[: self.count(len(places.SOCIAL_ORGS), minimum=2)]:
            self.branch(committee, f"{name}党支部", "social", "social", work_unit=name)
        self.branch(committee, "县社会组织联合党支部", "social", "joint", unit_count=4, profile="social")


# Deliberate cases: exact sizes and, where it matters, exact probationary counts.
SPECIAL_BRANCHES: dict[str, dict] = {
    "featured": {"size": 46, "probationary": 3, "term": "due", "groups": True},
    "no_committee": {"size": 12, "probationary": 0},  # 7+ full members, secretary only
    "over_fifty": {"size": 68, "probationary": 4, "term": "overdue", "groups": True},
    "expired": {"term": "expired"},
    "no_secretary": {"size": 15, "probationary": 1},
    "below_three": {"size": 3, "probationary": 1},  # 2 full members
    "large_committee": {"size": 38, "probationary": 2, "term": "current"},  # a 支委会 of 7
    "no_groups": {"size": 34, "probationary": 1, "groups": False},
}
# Special cases whose members all stay 正常, so their counts are exactly as planned.
TIDY = frozenset(SPECIAL_BRANCHES) - {"expired"}


def _profile_of(size_key: str, domain: str) -> str:
    if size_key in ("village", "village_part"):
        return "rural"
    if size_key in ("community", "township", "organ", "school", "hospital", "soe", "private", "social"):
        return size_key
    return domain


def assign_codes(root: Unit, code: str) -> None:
    """Root gets `code`; every child its parent's code plus its position, zero-padded to the sibling count."""
    root.code = code
    stack = [root]
    while stack:
        unit = stack.pop()
        width = max(2, len(str(len(unit.children))))
        for position, child in enumerate(unit.children, start=1):
            child.code = f"{unit.code}{position:0{width}d}"
            stack.append(child)


def plan_county(*, rng: random.Random, scale: float, today: dt.date, first_id: int) -> CountyPlan:
    plan = Planner(rng=rng, scale=scale, today=today, first_id=first_id).build()
    assign_codes(plan.root, places.COUNTY_CODE)
    return plan


def add_groups(plan: CountyPlan, *, rng: random.Random, first_id: int, advised_at: int = 30) -> list[Unit]:
    """党小组 under branches of `advised_at` members or more (支部条例 第13条); a few big ones have none."""
    groups: list[Unit] = []
    next_id = first_id
    for branch in plan.branches():
        wanted = branch.groups
        if wanted is None:
            wanted = branch.size >= advised_at and rng.random() > 0.1
        if not wanted or branch.size < 6:
            continue
        count = min(5, max(2, branch.size // 15))
        base = branch.name.removesuffix("党支部")
        if base.endswith(tuple(f"第{ordinal(n)}" for n in range(1, 20))) or base.endswith("联合"):
            base = branch.name
        for number in range(1, count + 1):
            group = Unit(
                id=next_id,
                name=f"{base}第{ordinal(number)}党小组",
                kind="group",
                domain=branch.domain,
                parent=branch,
                path=tree.child_path(branch.path, next_id),
                depth=branch.depth + 1,
                sort_order=len(branch.children),
                established_on=branch.term_started_on or branch.established_on,
            )
            next_id += 1
            branch.children.append(group)
            groups.append(group)
        width = max(2, len(str(len(branch.children))))
        for position, child in enumerate(branch.children, start=1):
            child.code = f"{branch.code}{position:0{width}d}"
    plan.units.extend(groups)
    return groups


def term_start(*, rng: random.Random, today: dt.date, years: int, status: str) -> dt.date:
    """An election day that puts the term in `status` today (see orgs.rules.term_status)."""
    if status == "due":  # ends within the next 6 months
        ends = today + dt.timedelta(days=rng.randint(20, 170))
    elif status == "expired":  # ended within the last year
        ends = today - dt.timedelta(days=rng.randint(10, 350))
    elif status == "overdue":  # ended more than a year ago
        ends = today - dt.timedelta(days=rng.randint(380, 900))
    else:
        ends = today + dt.timedelta(days=rng.randint(200, years * 365 - 30))
    return add_years(ends, -years)
