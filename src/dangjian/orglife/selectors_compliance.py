"""Compliance of organizational life (RULES.md section B; seed part 1 二(三)): for a subtree and a year, what
every organization had to hold and what it held, through the pure `rules.compliance`.

The data comes from a few set-based queries over the whole subtree, never one query per organization:

1. the organizations of the subtree that existed during the year (kind, grassroots or not, set-up and
   dissolution dates), in scope (`core.scoping`);
2. counted members per (organization, party group): a branch's own members, and a 党小组's by `party_group`;
3. the size of each current leadership team (3 or more people → a 支委会, `rules.has_committee`);
4. held meetings per (organization, meeting kind, month);
5. 谈心谈话 coverage: per branch, its members who were present at a held talk during the year.

Pages and the API call `compliance_within(user=…)`; jobs without a user (reminders, the demonstration-site
metric) call `compliance_of_subtree(root, …)` or `org_compliance(org, …)` on an organization they resolved.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import connection
from django.db.models import Count, IntegerField, Q, QuerySet
from django.db.models.functions import Cast, ExtractMonth, Substr
from django.utils import timezone, translation

from dangjian.core import periods, scoping, tree
from dangjian.members.models import Member, Status
from dangjian.orgs.models import LeadershipPosition, Organization, OrgKind
from dangjian.orgs.rules import TEAM_POSTS

from . import rules
from .models import Attendance, Meeting, MeetingAttendee, MeetingKind, MeetingState

# Members who can be talked with (谈心谈话 coverage): not those out of contact or with their membership suspended,
# and only those who were members in the year asked about (a member admitted since owes nothing for it).
TALKABLE_STATUSES = (Status.ACTIVE, Status.MOBILE)
YEAR_COLUMN = 12  # index of the "全年" column after the twelve months


def _month_of(field_name: str):
    """The month number of a date column, computed by the database itself.

    Django's ExtractMonth is a Python function on SQLite, called once per row; the ISO text of the date gives
    the month without leaving SQLite.
    """
    if connection.vendor == "sqlite":
        return Cast(Substr(field_name, 6, 2), IntegerField())
    return ExtractMonth(field_name)


# --- results -------------------------------------------------------------------------------------------------


@dataclass
class OrgCompliance:
    """One organization's items for the year: every (meeting kind, period) its kind owes, begun by `today`."""

    org_id: int
    name: str
    kind: str
    domain: str
    path: str
    parent_id: int | None
    depth: int
    facts: rules.OrgFacts
    statuses: list[rules.PeriodStatus]
    talk: tuple[int, int] | None = None  # (members who should have had a talk, members who had one)

    @property
    def has_requirements(self) -> bool:
        return bool(self.statuses)

    @property
    def counted(self) -> int:
        return sum(1 for s in self.statuses if s.counted)

    @property
    def met(self) -> int:
        return sum(1 for s in self.statuses if s.state == rules.MET)

    @property
    def missed(self) -> int:
        return sum(1 for s in self.statuses if s.state == rules.MISSED)

    @property
    def open(self) -> int:
        return sum(1 for s in self.statuses if s.state == rules.OPEN)

    @property
    def rate(self) -> Fraction | None:
        return rules.compliance_rate(self.statuses)

    @property
    def fully_compliant(self) -> bool:
        """Owes something and missed nothing (items of running periods may still be open)."""
        return self.has_requirements and self.missed == 0

    @property
    def kind_label(self) -> str:
        return str(OrgKind(self.kind).label)


@dataclass
class ComplianceReport:
    """Every organization of a subtree for one year, in tree order, and the subtree's totals."""

    root: Organization
    year: int
    today: dt.date
    orgs: list[OrgCompliance] = field(default_factory=list)

    @property
    def with_requirements(self) -> list[OrgCompliance]:
        return [o for o in self.orgs if o.has_requirements]

    @property
    def counted(self) -> int:
        """Items that enter the rate: those of ended periods, and those already met."""
        return sum(o.counted for o in self.orgs)

    @property
    def met(self) -> int:
        return sum(o.met for o in self.orgs)

    @property
    def missed(self) -> int:
        return sum(o.missed for o in self.orgs)

    @property
    def open(self) -> int:
        return sum(o.open for o in self.orgs)

    @property
    def rate(self) -> Fraction | None:
        counted = self.counted
        return Fraction(self.met, counted) if counted else None

    @property
    def fully_compliant(self) -> int:
        return sum(1 for o in self.orgs if o.fully_compliant)

    def get(self, org_id: int) -> OrgCompliance | None:
        return next((o for o in self.orgs if o.org_id == org_id), None)


def percent(rate: Fraction | None) -> float | None:
    """A rate as a percentage with one decimal (None stays None)."""
    return None if rate is None else round(float(rate) * 100, 1)


# --- the computation -----------------------------------------------------------------------------------------

ORG_FIELDS = (
    "id",
    "name",
    "kind",
    "domain",
    "path",
    "parent_id",
    "depth",
    "sort_order",
    "is_grassroots",
    "established_on",
    "dissolved_on",
)


def _alive_in(queryset: QuerySet[Organization], year: int) -> QuerySet[Organization]:
    """Organizations that existed for at least part of the year."""
    return queryset.filter(
        Q(established_on__isnull=True) | Q(established_on__lte=dt.date(year, 12, 31)),
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=dt.date(year, 1, 1)),
    )


def _tree_order(rows: list[dict]) -> list[dict]:
    """Depth-first, children by their display order (sort_order, id), as the organization tree shows them."""
    ids = {row["id"] for row in rows}
    children: dict[int | None, list[dict]] = defaultdict(list)
    tops = []
    for row in rows:
        if row["parent_id"] in ids:
            children[row["parent_id"]].append(row)
        else:
            tops.append(row)
    ordered: list[dict] = []
    stack = sorted(tops, key=lambda r: (r["depth"], r["sort_order"], r["id"]), reverse=True)
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(
            sorted(children.get(row["id"], ()), key=lambda r: (r["sort_order"], r["id"]), reverse=True)
        )
    return ordered


@dataclass(frozen=True)
class _Where:
    """Which rows the queries read: a subtree (`path`), or a few organizations (`org_ids`); members may instead
    be those of one 党小组 (`group_id`), who are registered on its branch."""

    path: str | None = None
    org_ids: tuple[int, ...] = ()
    member_org_ids: tuple[int, ...] = ()
    group_id: int | None = None

    def orgs(self, field_path: str, field_id: str) -> Q:
        if self.path is not None:
            return tree.within(self.path, field_path)
        return Q(**{f"{field_id}__in": self.org_ids})

    def members(self, prefix: str = "") -> Q:
        if self.group_id is not None:
            return Q(**{f"{prefix}party_group_id": self.group_id})
        if self.path is not None:
            return tree.within(self.path, f"{prefix}org_path")
        return Q(**{f"{prefix}org_id__in": self.member_org_ids})


def _members_first(where: "_Where") -> bool:
    """Whether attendance rows are found from the members (their index), not from the year's meetings of a kind.

    Anything below a whole county or province reads its members' attendance; a whole tree reads the meetings
    instead, since nearly every attendance row is its members' anyway (and the meetings have no index by kind).
    """
    return where.path is None or tree.depth(where.path) > 0


def _compute(org_rows: list[dict], where: _Where, year: int, today: dt.date) -> list[OrgCompliance]:
    """The pure rules over the facts gathered for `org_rows` (dicts of ORG_FIELDS), reading only `where`."""
    if not org_rows:
        return []
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    # Counted members per (organization, party group) in one pass; talkable ones for 谈心谈话 coverage.
    direct: dict[int, int] = defaultdict(int)
    talkable: dict[int, int] = defaultdict(int)
    in_group: dict[int, int] = defaultdict(int)
    member_rows = (
        Member.objects.counted()
        .filter(where.members())
        .values("org_id", "party_group_id")
        .annotate(
            n=Count("id"), talkable=Count("id", filter=Q(status__in=TALKABLE_STATUSES, joined_on__lte=end))
        )
        .order_by()
    )
    for row in member_rows:
        direct[row["org_id"]] += row["n"]
        talkable[row["org_id"]] += row["talkable"]
        if row["party_group_id"] is not None:
            in_group[row["party_group_id"]] += row["n"]

    # Current leadership team sizes (a 党小组组长 is not on the team).
    team_rows = (
        LeadershipPosition.objects.filter(where.orgs("org__path", "org_id"))
        .filter(ended_on__isnull=True, post__in=TEAM_POSTS)
        .values("org_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    team = {row["org_id"]: row["n"] for row in team_rows}

    # Held meetings counted per (organization, kind, month), as rules.compliance_by_month takes them.
    held: dict[int, dict[str, dict[int, int]]] = defaultdict(dict)
    meeting_rows = (
        Meeting.objects.filter(where.orgs("org_path", "org_id"))
        .filter(state=MeetingState.HELD, held_on__gte=start, held_on__lte=end)
        .annotate(month=_month_of("held_on"))
        .values("org_id", "kind", "month")
        .annotate(n=Count("id"))
        .values_list("org_id", "kind", "month", "n")
        .order_by()
    )
    for org_id, kind, month, n in meeting_rows:
        held[org_id].setdefault(kind, {})[month] = n

    # 谈心谈话: the branch's talkable members present at any held talk of the year (wherever it was recorded).
    # The talks are picked first (a subquery), so the database reads only their attendance rows.
    talks = Meeting.objects.filter(
        kind=MeetingKind.TALK, state=MeetingState.HELD, held_on__gte=start, held_on__lte=end
    )
    present = MeetingAttendee.objects.filter(attendance=Attendance.PRESENT)
    if _members_first(where):
        talkers = Member.objects.filter(
            where.members(), status__in=TALKABLE_STATUSES, joined_on__lte=end
        ).values("id")
        present = present.filter(member_id__in=talkers).filter(
            meeting__kind=MeetingKind.TALK,
            meeting__state=MeetingState.HELD,
            meeting__held_on__gte=start,
            meeting__held_on__lte=end,
        )
    else:
        present = present.filter(meeting__in=talks.values("id")).filter(
            where.members("member__"), member__status__in=TALKABLE_STATUSES, member__joined_on__lte=end
        )
    talked_rows = present.values("member__org_id").annotate(n=Count("member_id", distinct=True)).order_by()
    talked = {row["member__org_id"]: row["n"] for row in talked_rows}

    lecture_period = settings.DANGJIAN_RULES["LECTURE_PERIOD"]
    language = translation.get_language()
    results = []
    for row in org_rows:
        org_id, kind = row["id"], row["kind"]
        members = in_group.get(org_id, 0) if kind == OrgKind.GROUP else direct.get(org_id, 0)
        facts = rules.OrgFacts(
            kind=kind,
            is_grassroots=row["is_grassroots"],
            has_committee=rules.has_committee(team.get(org_id, 0)),
            members=members,
            established_on=row["established_on"],
            dissolved_on=row["dissolved_on"],
        )
        talk = (talkable.get(org_id, 0), talked.get(org_id, 0)) if kind == OrgKind.BRANCH else None
        statuses = rules.compliance_by_month(
            facts,
            year,
            held.get(org_id, {}),
            today,
            lecture_period=lecture_period,
            talk=talk,
            language=language,
        )
        results.append(
            OrgCompliance(
                org_id=org_id,
                name=row["name"],
                kind=kind,
                domain=row["domain"],
                path=row["path"],
                parent_id=row["parent_id"],
                depth=row["depth"],
                facts=facts,
                statuses=statuses,
                talk=talk,
            )
        )
    return results


def _subtree(root: Organization, year: int, today: dt.date, orgs: QuerySet[Organization]) -> ComplianceReport:
    rows = _tree_order(list(_alive_in(orgs.filter(tree.within(root.path)), year).values(*ORG_FIELDS)))
    # A 党小组's members are registered on its branch: count them by party group.
    where = _Where(path=root.path, group_id=root.pk if root.kind == OrgKind.GROUP else None)
    report = ComplianceReport(root=root, year=year, today=today)
    report.orgs = _compute(rows, where, year, today)
    return report


def compliance_of_subtree(root: Organization, year: int, today: dt.date | None = None) -> ComplianceReport:
    """Every organization of `root`'s subtree, unscoped: for jobs that resolved `root` themselves."""
    return _subtree(root, year, today or timezone.localdate(), Organization.objects.all())


def compliance_within(
    *, user, root: Organization, year: int, today: dt.date | None = None, domain: str = ""
) -> ComplianceReport:
    """Every organization of `root`'s subtree that lies in the user's scope (`domain` keeps one domain)."""
    queryset = scoping.scoped(Organization.objects.all(), user)
    if domain:
        queryset = queryset.filter(domain=domain)
    return _subtree(root, year, today or timezone.localdate(), queryset)


def org_compliance(org: Organization, year: int, today: dt.date | None = None) -> OrgCompliance:
    """One organization's items (the caller resolved `org` in scope)."""
    return org_with_groups(org, year, today)[0]


def org_with_groups(org: Organization, year: int, today: dt.date | None = None) -> list[OrgCompliance]:
    """The organization, then its 党小组 (a branch's checklist and ledger cover its groups' meetings too).

    An organization that did not exist during the year owes nothing (rules.applies_in).
    """
    today = today or timezone.localdate()
    groups = _alive_in(Organization.objects.filter(parent=org, kind=OrgKind.GROUP), year)
    rows = [Organization.objects.filter(pk=org.pk).values(*ORG_FIELDS).get()]
    rows += list(groups.order_by("sort_order", "id").values(*ORG_FIELDS))
    ids = tuple(row["id"] for row in rows)
    if org.kind == OrgKind.GROUP:
        where = _Where(org_ids=ids, group_id=org.pk)
    else:
        where = _Where(org_ids=ids, member_org_ids=(org.pk,))
    return _compute(rows, where, year, today)


def compliance_root_or_404(user, within) -> Organization:
    """The organization whose subtree is shown: `within` if given (404 outside scope), else the scope root."""
    scoping.require_tree_role(user)
    pk = within if within not in (None, "") else user.org_id
    return scoping.get_org_or_404(user, pk)


# --- the heat map (organization × month) ---------------------------------------------------------------------


def column_of(status: rules.PeriodStatus) -> int:
    """Heat-map column of an item: the month its period ends in (0–11), or the "全年" column for a yearly one."""
    if status.period.kind == periods.YEAR:
        return YEAR_COLUMN
    return status.period.end.month - 1


@dataclass
class Cell:
    """The items due in one month (or the year's items): how many, how many met, missed, still open."""

    due: int = 0
    met: int = 0
    missed: int = 0
    open: int = 0

    def add(self, status: rules.PeriodStatus) -> None:
        self.due += 1
        if status.state == rules.MET:
            self.met += 1
        elif status.state == rules.MISSED:
            self.missed += 1
        else:
            self.open += 1

    def merge(self, other: "Cell") -> None:
        self.due += other.due
        self.met += other.met
        self.missed += other.missed
        self.open += other.open

    @property
    def share(self) -> float | None:
        """Percentage of the due items met, once all of them are decided (None while any is still open)."""
        if not self.due or self.open:
            return None
        return round(100 * self.met / self.due, 1)

    @property
    def state(self) -> str:
        """Cell state: "none" (nothing due), "open" (some still open), "met" (all met) or "missed" (some missed)."""
        if not self.due:
            return "none"
        if self.open:
            return "open"
        return "missed" if self.missed else "met"


@dataclass
class HeatRow:
    org_id: int
    name: str
    kind: str
    depth: int  # below the heat map's root, for indentation
    cells: list[Cell]
    orgs: int = 1  # organizations summed up in this row (a child's whole subtree when rows are summarized)
    summarized: bool = False

    @property
    def total(self) -> Cell:
        total = Cell()
        for cell in self.cells:
            total.merge(cell)
        return total

    @property
    def missed(self) -> int:
        return sum(cell.missed for cell in self.cells)

    @property
    def rate(self) -> float | None:
        """The rate of the rules (ended items, and running ones already met), as a percentage."""
        counted = sum(cell.met + cell.missed for cell in self.cells)
        return round(100 * sum(cell.met for cell in self.cells) / counted, 1) if counted else None

    @property
    def kind_label(self) -> str:
        return str(OrgKind(self.kind).label)


def _cells(statuses) -> list[Cell]:
    cells = [Cell() for _ in range(YEAR_COLUMN + 1)]
    for status in statuses:
        cells[column_of(status)].add(status)
    return cells


def heat_rows(report: ComplianceReport, *, limit: int = 200) -> tuple[list[HeatRow], bool]:
    """Rows of the heat map, in tree order, and whether they were summarized.

    Up to `limit` organizations owing something are shown one by one. Beyond that, each direct child of the
    root becomes one row summing up its whole subtree (the root's own items stay a row of their own), and a
    user drills down by choosing a child.
    """
    owing = report.with_requirements
    root_depth = report.root.depth
    if len(owing) <= limit:
        rows = [HeatRow(o.org_id, o.name, o.kind, o.depth - root_depth, _cells(o.statuses)) for o in owing]
        return rows, False
    rows: list[HeatRow] = []
    by_child: dict[int, HeatRow] = {}
    for o in report.orgs:
        if o.org_id == report.root.pk:
            if o.has_requirements:
                rows.append(HeatRow(o.org_id, o.name, o.kind, 0, _cells(o.statuses)))
            continue
        if o.parent_id == report.root.pk:
            row = HeatRow(o.org_id, o.name, o.kind, 1, _cells(o.statuses), orgs=0, summarized=True)
            by_child[o.org_id] = row
            rows.append(row)
        if not o.has_requirements:
            continue
        child_id = tree.ancestor_ids(o.path)[root_depth + 1]
        row = by_child.get(child_id)
        if row is None:  # a child outside the filters (another domain): its subtree's rows still add up
            continue
        row.orgs += 1
        if o.org_id != child_id:
            for total, cell in zip(row.cells, _cells(o.statuses), strict=True):
                total.merge(cell)
    return [row for row in rows if row.total.due], True


def column_labels(year: int) -> list[str]:
    from django.utils.translation import gettext as _

    return [_("%(month)d月") % {"month": month} for month in range(1, 13)] + [_("全年")]


def column_states(year: int, today: dt.date) -> list[str]:
    """Per column: "future" (not begun), "running" (contains today) or "ended"."""
    states = []
    for month in range(1, 13):
        period = periods.month(year, month)
        states.append("future" if period.start > today else "running" if today in period else "ended")
    whole = periods.year(year)
    states.append("future" if whole.start > today else "running" if today in whole else "ended")
    return states


# --- study hours (RULES.md section I) ------------------------------------------------------------------------

STUDY_KINDS = (MeetingKind.LECTURE, MeetingKind.TRAINING)  # 党课 and 集中培训 count towards study hours
TENTH = Decimal("0.1")


@dataclass
class MemberHours:
    """One member's study hours in a year against what is required of them (32, or 56 for a cadre)."""

    member_id: int
    name: str
    org_id: int
    org_name: str
    hours: Decimal
    required: int
    is_cadre: bool

    @property
    def short(self) -> Decimal:
        return max(Decimal(0), Decimal(self.required) - self.hours)

    @property
    def below(self) -> bool:
        return self.hours < self.required


def _decimal(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(TENTH, rounding=ROUND_HALF_UP)


def cadre_reference_day(year: int, today: dt.date) -> dt.date:
    """The day on which "cadre" is judged: today for the current year, the last day of a past year."""
    return min(today, dt.date(year, 12, 31))


def _study_sessions(year: int) -> QuerySet[Meeting]:
    """Held 党课 and training sessions that touch `year` (a training may start in the previous year)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Meeting.objects.filter(state=MeetingState.HELD, kind__in=STUDY_KINDS, held_on__lte=end).filter(
        Q(held_on__gte=start) | Q(ends_on__gte=start)
    )


def _credit(held_on: dt.date, ends_on: dt.date | None, hours, year: int) -> Decimal:
    """Hours of one session credited in `year`: all of them, or its share by days when it spans New Year
    (rules.split_hours_by_year, RULES.md 第108条)."""
    if ends_on is None or (held_on.year == year and ends_on.year == year):
        return _decimal(hours)
    return _decimal(rules.split_hours_by_year(held_on, ends_on, float(hours)).get(year, 0))


def _hours_by_member(members: QuerySet[Member], where: _Where, year: int) -> dict[int, Decimal]:
    """Hours credited to each of `members` present at the year's held 党课 and training sessions.

    Below a whole tree, one query from the members (their index) to their attendance and its sessions; for a
    whole tree, the year's sessions first (with the hours each credits in `year`), then their attendance.
    """
    hours: dict[int, Decimal] = defaultdict(Decimal)
    present = MeetingAttendee.objects.filter(attendance=Attendance.PRESENT)
    if _members_first(where):
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        rows = (
            present.filter(member_id__in=members.values("id"))
            .filter(
                meeting__state=MeetingState.HELD, meeting__kind__in=STUDY_KINDS, meeting__held_on__lte=end
            )
            .filter(Q(meeting__held_on__gte=start) | Q(meeting__ends_on__gte=start))
            .values_list("member_id", "meeting__held_on", "meeting__ends_on", "meeting__hours")
        )
        for member_id, held_on, ends_on, meeting_hours in rows:
            hours[member_id] += _credit(held_on, ends_on, meeting_hours, year)
        return hours
    sessions = _study_sessions(year).order_by()
    credit = {
        pk: _credit(held_on, ends_on, meeting_hours, year)
        for pk, held_on, ends_on, meeting_hours in sessions.values_list("id", "held_on", "ends_on", "hours")
    }
    pairs = present.filter(meeting_id__in=sessions.values("id")).filter(where.members("member__"))
    for member_id, meeting_id in pairs.values_list("member_id", "meeting_id"):
        hours[member_id] += credit.get(meeting_id, 0)
    return hours


def _cadres(member_scope: Q, day: dt.date) -> set[int]:
    """Members holding a team post (secretary, deputy, committee member) on `day` (RULES.md 第105条)."""
    return set(
        LeadershipPosition.objects.filter(member_scope)
        .filter(post__in=TEAM_POSTS, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .values_list("member_id", flat=True)
    )


def _required(is_cadre: bool) -> int:
    return rules.required_hours(
        is_cadre,
        member_hours=settings.DANGJIAN_RULES["STUDY_HOURS_MEMBER"],
        cadre_hours=settings.DANGJIAN_RULES["STUDY_HOURS_CADRE"],
    )


def _member_hours(members: QuerySet[Member], where: _Where, year: int, today: dt.date) -> list[MemberHours]:
    hours = _hours_by_member(members, where, year)
    cadres = _cadres(where.members("member__"), cadre_reference_day(year, today))
    rows = members.values_list("id", "name", "org_id", "org__name").order_by("org_path", "name_key", "id")
    required = {False: _required(False), True: _required(True)}
    zero = Decimal("0.0")
    return [
        MemberHours(
            member_id=member_id,
            name=name,
            org_id=org_id,
            org_name=org_name,
            hours=hours.get(member_id, zero),
            required=required[member_id in cadres],
            is_cadre=member_id in cadres,
        )
        for member_id, name, org_id, org_name in rows
    ]


def study_hours_within(
    *, user, root: Organization, year: int, today: dt.date | None = None
) -> list[MemberHours]:
    """Counted members of `root`'s subtree in the user's scope (a 党小组: its members), by organization and
    surname strokes, with their hours of `year`."""
    where = _Where(path=root.path, group_id=root.pk if root.kind == OrgKind.GROUP else None)
    members = scoping.scoped(Member.objects.counted(), user, "org_path").filter(where.members())
    return _member_hours(members, where, year, today or timezone.localdate())


@dataclass
class StudySession:
    meeting: Meeting
    hours: Decimal  # credited in the year asked about


def member_study_hours(member: Member, year: int, today: dt.date | None = None):
    """One member's hours of `year` and the sessions they come from (the member's own page)."""
    where = _Where(member_org_ids=(member.org_id,))
    members = Member.objects.filter(pk=member.pk)
    summary = _member_hours(members, where, year, today or timezone.localdate())[0]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    meetings = (
        Meeting.objects.filter(
            attendees__member=member,
            attendees__attendance=Attendance.PRESENT,
            state=MeetingState.HELD,
            kind__in=STUDY_KINDS,
            held_on__lte=end,
        )
        .filter(Q(ends_on__isnull=True, held_on__gte=start) | Q(ends_on__gte=start))
        .select_related("org")
        .order_by("held_on", "id")
    )
    sessions = []
    for meeting in meetings:
        share = (
            rules.split_hours_by_year(meeting.held_on, meeting.ends_on, float(meeting.hours)).get(year, 0)
            if meeting.ends_on
            else meeting.hours
        )
        sessions.append(StudySession(meeting, _decimal(share)))
    return summary, sessions


# --- the ledger (组织生活台账) -----------------------------------------------------------------------------------


@dataclass
class Ledger:
    org: Organization
    year: int
    today: dt.date
    meetings: list[Meeting]  # held, with `listed` and `present` counted
    compliance: list[OrgCompliance]  # the organization, then its 党小组
    hours: list[MemberHours]


def ledger_of(*, user, org: Organization, year: int, today: dt.date | None = None) -> Ledger:
    """One organization's year (the caller resolved `org` in scope): its held meetings and its groups', its
    items, and the study hours of its members."""
    today = today or timezone.localdate()
    compliance = org_with_groups(org, year, today)
    meetings = list(
        Meeting.objects.filter(
            org_id__in=[o.org_id for o in compliance],
            state=MeetingState.HELD,
            held_on__gte=dt.date(year, 1, 1),
            held_on__lte=dt.date(year, 12, 31),
        )
        .select_related("org")
        .annotate(
            listed=Count("attendees"),
            present=Count("attendees", filter=Q(attendees__attendance=Attendance.PRESENT)),
        )
        .order_by("held_on", "id")
    )
    hours = study_hours_within(user=user, root=org, year=year, today=today)
    return Ledger(org=org, year=year, today=today, meetings=meetings, compliance=compliance, hours=hours)
