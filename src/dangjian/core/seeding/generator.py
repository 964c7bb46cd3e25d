"""The demo county, generated deterministically: the same seed (and reference day) gives the same data.

Everything is written in one transaction, so a failed seed leaves nothing behind. Random draws come from
three independent streams (tree, members, teams) so that a change in one part does not reshuffle the rest.
"""

import datetime as dt
import random
import time
from collections import Counter, deque
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.models import Role, User
from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.members.models import GONE_STATUSES, Member
from dangjian.members.strokes import name_key
from dangjian.orglife.models import Meeting, MeetingAttendee
from dangjian.orgs.models import LeadershipPosition, Organization, OrgKind

from . import bulk, membership, orglife, sites, teams
from .county import BASE_MEMBERS, SPECIAL_BRANCHES, TIDY, CountyPlan, Unit, add_groups, plan_county
from .names import NameMaker
from .people import NO_WORK_UNIT, PROBATIONARY_SHARE, PersonMaker
from .teams import Candidate, Position

DEFAULT_SEED = 2026
DEFAULT_MEMBERS = 15_000
MIN_MEMBERS = 300
PASSWORD = "dangjian2026"
CHUNK = 20_000  # members encrypted and inserted at a time
PARALLEL_FROM = 100_000  # below this, worker processes cost more than they save

MEMBER_FIELDS = [
    "id",
    "name",
    "gender",
    "id_number",
    "id_hash",
    "birth_date",
    "ethnicity",
    "education",
    "org_id",
    "org_path",
    "party_group_id",
    "category",
    "joined_on",
    "converted_on",
    "status",
    "phone",
    "native_place",
    "occupation",
    "degree",
    "work_unit",
    "name_key",
]
ORG_FIELDS = [
    "id",
    "name",
    "code",
    "kind",
    "domain",
    "parent_id",
    "path",
    "depth",
    "sort_order",
    "established_on",
    "dissolved_on",
    "unit_count",
    "term_started_on",
    "term_years_override",
    "is_grassroots",
]
GONE = frozenset(GONE_STATUSES)


class SeedRefused(Exception):
    """Raised with a Chinese message when the seed cannot run as asked."""


@dataclass
class SeedSummary:
    skipped: bool = False
    seed: int = DEFAULT_SEED
    scale: float = 0.0
    orgs_by_kind: dict[str, int] = field(default_factory=dict)
    members: int = 0
    positions: int = 0
    accounts: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def orgs(self) -> int:
        return sum(self.orgs_by_kind.values())


Progress = Callable[[str], None]


def seed_county(
    *,
    seed: int = DEFAULT_SEED,
    members: int = DEFAULT_MEMBERS,
    scale: float | None = None,
    today: dt.date | None = None,
    flush: bool = False,
    progress: Progress | None = None,
) -> SeedSummary:
    """Generate the demo county unless the database already holds organizations (then do nothing)."""
    say = progress or (lambda message: None)
    if members < MIN_MEMBERS:
        raise SeedRefused(f"党员人数至少为 {MIN_MEMBERS} 名")
    scale = scale if scale is not None else members / BASE_MEMBERS
    if scale <= 0:
        raise SeedRefused("规模系数必须大于 0")
    today = today or timezone.localdate()
    with transaction.atomic():
        if flush:
            wipe(say)
        elif Organization.objects.exists():
            return SeedSummary(skipped=True, seed=seed)
        # On PostgreSQL, check foreign keys as each COPY ends, in the server while this process draws the
        # next chunk, not all at COMMIT: a million deferred checks queued to the end took about a minute.
        _constraints("IMMEDIATE")
        summary = _generate(seed=seed, members=members, scale=scale, today=today, say=say)
        _constraints("DEFERRED")  # Django's default again, should a caller's transaction go on
        return summary


def _constraints(mode: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS ALL {mode}")


def wipe(say: Progress) -> None:
    """Delete the project's data except the audit trail, which the database keeps append-only.

    Entries that name a user or an organization would be left pointing at nothing (and their PROTECT keys
    forbid it), so a database with real activity in its audit trail is never wiped: use a fresh database.
    Anonymous entries — the seed's own — stay as they are.
    """
    blocking = AuditEntry.objects.filter(Q(actor__isnull=False) | Q(org__isnull=False)).count()
    if blocking:
        raise SeedRefused(
            f"操作日志中已有 {blocking} 条涉及用户或组织的记录；操作日志只能追加、不能删除，"
            "因此不能清空本数据库。请改用新的数据库（DANGJIAN_VAR_DIR 或 DATABASE_URL）。"
        )
    targets = _seeded_models()
    files = _delete_files(targets)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Foreign keys are deferred to the commit on both backends, so the order of deletion is free.
        for model in [*targets, Session]:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
    say(f"已清空 {len(targets) + 1} 张数据表（操作日志保留）" + (f"，删除文件 {files} 个" if files else ""))


def _delete_files(targets: list[type[models.Model]]) -> int:
    """The stored files of the rows about to be deleted (evidence, attachments), so none is left orphaned."""
    deleted = 0
    for model in targets:
        for file_field in model._meta.concrete_fields:
            if not isinstance(file_field, models.FileField):
                continue
            names = model.objects.exclude(**{file_field.name: ""}).values_list(file_field.name, flat=True)
            for name in names.iterator():
                if file_field.storage.exists(name):
                    file_field.storage.delete(name)
                    deleted += 1
    return deleted


def _seeded_models() -> list[type[models.Model]]:
    """Organizations, members and users, and every table that refers to them (positions, tokens, …).

    Tables that refer to none of them — code tables, catalogues loaded by migrations — are kept.
    """
    found: set[type[models.Model]] = {Organization, Member, User}
    candidates = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model is not AuditEntry
    ]
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model not in found and any(
                field.related_model in found for field in model._meta.concrete_fields if field.remote_field
            ):
                found.add(model)
                grew = True
    return sorted(found, key=lambda model: model._meta.db_table)


def _generate(*, seed: int, members: int, scale: float, today: dt.date, say: Progress) -> SeedSummary:
    started = time.perf_counter()
    summary = SeedSummary(seed=seed, scale=scale)
    tree_rng, member_rng, team_rng = (
        random.Random(f"dangjian:{seed}:{part}") for part in ("tree", "members", "teams")
    )
    if connection.vendor == "sqlite" and members >= PARALLEL_FROM:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB: keeps the member indexes in memory

    plan = plan_county(rng=tree_rng, scale=scale, today=today, first_id=bulk.next_id(Organization))
    _assign_terms(plan, tree_rng, today)
    _allocate(plan, members)
    add_groups(plan, rng=tree_rng, first_id=plan.units[-1].id + 1)
    bulk.insert_rows(Organization, ORG_FIELDS, (_org_row(unit) for unit in plan.units))
    summary.orgs_by_kind = dict(Counter(unit.kind for unit in plan.units))
    summary.seconds["orgs"] = time.perf_counter() - started
    say(f"组织 {summary.orgs:,} 个（{_kinds_text(summary.orgs_by_kind)}）")

    mark = time.perf_counter()
    builder = _MemberBuilder(
        plan=plan, rng=member_rng, team_rng=team_rng, today=today, total=members, say=say
    )
    builder.run()
    summary.members = builder.count
    summary.seconds["members"] = time.perf_counter() - mark

    mark = time.perf_counter()
    positions = builder.positions + _upper_teams(plan, builder.samples, team_rng)
    positions += _history(plan, team_rng, today)
    first = bulk.next_id(LeadershipPosition)
    bulk.insert_rows(
        LeadershipPosition,
        teams.POSITION_FIELDS,
        (position.row(first + i) for i, position in enumerate(positions)),
    )
    summary.positions = len(positions)
    bulk.reset_sequences(Organization, Member, LeadershipPosition)
    # Fresh statistics, so the planner knows the big tables as they now are: without them it picks a date
    # index over the tree-path one on SQLite, and on PostgreSQL, inside one transaction that autovacuum cannot
    # see, it plans nested loops over tables it believes empty.
    bulk.analyze(Organization, Member, LeadershipPosition)
    summary.accounts = _accounts(plan, builder, positions, say)
    summary.seconds["positions"] = time.perf_counter() - mark
    summary.seconds["total"] = time.perf_counter() - started
    say(f"班子成员 {summary.positions:,} 条；演示账号 {len(summary.accounts)} 个")
    # Transfers, mobile members, status changes, corrections, questions: through the members services.
    membership.seed_membership(plan=plan, seed=seed, today=today, members=members, say=say)
    mark = time.perf_counter()
    # A year and a bit of meetings, attendance, votes and grades, imperfect on purpose (orglife's docstring).
    orglife.seed_orglife(plan=plan, seed=seed, today=today, members=members, say=say)
    bulk.analyze(Member, Meeting, MeetingAttendee)
    summary.seconds["orglife"] = time.perf_counter() - mark
    # Member development: cases in every stage and outcome, some overdue, and this year's plans.
    from .recruitment import seed_recruitment

    seed_recruitment(plan=plan, seed=seed, today=today, members=members, say=say)
    # Two years of the demonstration-site programme through its services, with the reviewer accounts.
    summary.accounts += sites.seed_sites(plan=plan, seed=seed, today=today, members=members, say=say)
    summary.seconds["total"] = time.perf_counter() - started

    audit.record(
        actor=None,
        action=AuditEntry.Action.SEED,
        object_type="seed",
        summary=f"生成演示数据：组织 {summary.orgs} 个，党员 {summary.members} 名（种子 {seed}）",
        after={
            "seed": seed,
            "scale": round(scale, 4),
            "today": today,
            "orgs": summary.orgs_by_kind,
            "members": summary.members,
            "positions": summary.positions,
            "accounts": summary.accounts,
        },
    )
    return summary


def _kinds_text(by_kind: dict[str, int]) -> str:
    return "，".join(
        f"{OrgKind(kind).label} {n:,}" for kind, n in sorted(by_kind.items(), key=lambda kv: -kv[1])
    )


def _org_row(unit: Unit) -> tuple:
    return (
        unit.id,
        unit.name,
        unit.code,
        unit.kind,
        unit.domain,
        unit.parent.id if unit.parent else None,
        unit.path,
        unit.depth,
        unit.sort_order,
        unit.established_on,
        unit.dissolved_on,
        unit.unit_count,
        unit.term_started_on,
        None,
        unit.is_grassroots,
    )


def _assign_terms(plan: CountyPlan, rng: random.Random, today: dt.date) -> None:
    for unit in plan.units:
        if unit.kind == "group" or not unit.is_grassroots or unit.dissolved_on:
            continue
        unit.term_started_on = teams.pick_term_start(unit, rng, today)
        if unit.established_on and unit.established_on > unit.term_started_on:
            unit.established_on = unit.term_started_on - dt.timedelta(days=rng.randint(30, 400))


def _allocate(plan: CountyPlan, total: int) -> None:
    """Fix each branch's member count: special cases exactly, the rest in proportion to their drawn size."""
    branches = plan.branches()
    fixed = [b for b in branches if "size" in SPECIAL_BRANCHES.get(b.special, {})]
    free = [b for b in branches if b not in fixed]
    remaining = total - sum(b.size for b in fixed)
    if remaining < 3 * len(free):
        raise SeedRefused(f"{total} 名党员不足以组成 {len(branches)} 个党支部，请增加党员人数或减小 --scale")
    weight = sum(b.size for b in free)
    shares = [remaining * b.size / weight for b in free]
    counts = [int(share) for share in shares]
    # Largest remainders get the leftover members, earlier branches first on ties.
    leftovers = sorted(range(len(free)), key=lambda i: (counts[i] - shares[i], i))
    for i in leftovers[: remaining - sum(counts)]:
        counts[i] += 1
    for branch, count in zip(free, counts, strict=True):
        branch.size = count


class _MemberBuilder:
    """Draws each branch's members, its team and its groups' leaders; encrypts and inserts in chunks."""

    def __init__(
        self,
        *,
        plan: CountyPlan,
        rng: random.Random,
        team_rng: random.Random,
        today: dt.date,
        total: int,
        say: Progress,
    ):
        self.plan = plan
        self.rng = rng
        self.team_rng = team_rng
        self.people = PersonMaker(rng, today)
        self.total = total
        self.say = say
        self.next_id = bulk.next_id(Member)
        self.count = 0
        self.positions: list[Position] = []
        self.samples: dict[int, list[Candidate]] = {}
        self.featured_members: list[Candidate] = []

    def run(self) -> None:
        pending: deque = deque()
        chunk: list[list] = []
        reported = 0
        big = self.total >= PARALLEL_FROM
        with (
            bulk.Encryptor(parallel=big) as encryptor,
            bulk.indexes_rebuilt_after(Member) if big else nullcontext(),
        ):
            for branch in self.plan.branches():
                chunk.extend(self._branch(branch))
                if len(chunk) >= CHUNK:
                    pending.append((chunk, encryptor.submit([(row[3], row[15]) for row in chunk])))
                    chunk = []
                    # Keep one chunk in the workers while this process draws the next.
                    while len(pending) > 1:
                        self._insert(*pending.popleft(), encryptor)
                if self.count - reported >= 100_000:
                    reported = self.count
                    self.say(f"  党员 {self.count:,} / {self.total:,}")
            if chunk:
                pending.append((chunk, encryptor.submit([(row[3], row[15]) for row in chunk])))
            while pending:
                self._insert(*pending.popleft(), encryptor)
        self.say(f"党员 {self.count:,} 名")

    def _insert(self, rows: list[list], handle, encryptor: bulk.Encryptor) -> None:
        for row, (number, digest, phone) in zip(rows, encryptor.result(handle), strict=True):
            row[3], row[4], row[15] = number, digest, phone
        bulk.insert_rows(Member, MEMBER_FIELDS, rows)

    def _branch(self, branch: Unit) -> list[list]:
        rng, size = self.rng, branch.size
        if branch.probationary is not None:
            probationary = set(range(size - branch.probationary, size))
        else:
            probationary = {i for i in range(size) if rng.random() < PROBATIONARY_SHARE}
        tidy = branch.special in TIDY
        groups = [child for child in branch.children if child.kind == "group"]
        rows, everyone = [], []
        for index in range(size):
            person = self.people.make(branch.profile, probationary=index in probationary, tidy=tidy)
            group = groups[index * len(groups) // size] if groups else None
            member_id = self.next_id
            self.next_id += 1
            rows.append(
                [
                    member_id,
                    person.name,
                    person.gender,
                    person.id_number,
                    None,
                    person.birth_date,
                    person.ethnicity,
                    person.education,
                    branch.id,
                    branch.path,
                    group.id if group else None,
                    person.category,
                    person.joined_on,
                    person.converted_on,
                    person.status,
                    person.phone,
                    person.native_place,
                    person.occupation,
                    person.degree,
                    "" if person.occupation in NO_WORK_UNIT else branch.work_unit,
                    name_key(person.name),
                ]
            )
            everyone.append((member_id, person, group))
        self.count += size

        # Team and 党小组组长 come from full members in good standing (正常).
        eligible = [
            (Candidate(i, p.name), g) for i, p, g in everyone if p.category == "full" and p.status == "active"
        ]
        full_counted = sum(1 for _, p, _ in everyone if p.category == "full" and p.status not in GONE)
        candidates = [c for c, _ in eligible]
        posts = teams.posts_for(branch, full_counted, self.team_rng)
        own = teams.team(branch, posts, candidates, self.team_rng)
        self.positions += own
        for number, group in enumerate(groups, start=1):
            leaderless = (
                branch.special == "featured" and number == len(groups)
            ) or self.team_rng.random() < 0.04
            pool = [c for c, g in eligible if g is group]
            if pool and not leaderless:
                leader = self.team_rng.choice(pool)
                self.positions.append(
                    Position(group.id, "group_leader", leader.member_id, leader.name, group.established_on)
                )
        self.samples[branch.id] = candidates[:12]
        if branch is self.plan.featured_branch:
            team_ids = {p.member_id for p in own}
            self.featured_members = [c for c in candidates if c.member_id not in team_ids]
        return rows


def _descendant_branches(unit: Unit) -> list[Unit]:
    found, stack = [], list(reversed(unit.children))
    while stack:
        child = stack.pop()
        if child.holds_members:
            found.append(child)
        stack.extend(reversed(child.children))
    return found


def _upper_teams(plan: CountyPlan, samples: dict[int, list[Candidate]], rng: random.Random) -> list[Position]:
    """Teams of committees and general branches, drawn from the members of the branches below them."""
    positions = []
    for unit in plan.units:
        if unit.kind not in ("committee", "general_branch") or not unit.is_grassroots or unit.dissolved_on:
            continue
        pool = [c for branch in _descendant_branches(unit) for c in samples.get(branch.id, [])]
        positions += teams.team(unit, teams.posts_for(unit, 0, rng), pool, rng)
    return positions


def _history(plan: CountyPlan, rng: random.Random, today: dt.date) -> list[Position]:
    """Past holders: the previous term's, a secretary who moved away, and dissolved organizations' teams."""
    names = NameMaker(rng)

    def make_name() -> str:
        return names.name(rng.choice(["male", "male", "female"]), rng.randint(1950, 1985))

    positions: list[Position] = []
    for unit in plan.units:
        if unit.kind == "group" or not unit.is_grassroots:
            continue
        if unit.dissolved_on:
            started = unit.dissolved_on - dt.timedelta(days=rng.randint(400, 1800))
            started = max(started, unit.established_on or started)
            positions.append(
                Position(unit.id, "secretary", None, make_name(), started, unit.dissolved_on, "组织撤销")
            )
            continue
        years = teams.term_years(unit.kind, unit.domain)
        if unit.special == "featured":
            positions += teams.predecessors(unit, years, make_name, rng, posts=("secretary", "organization"))
        elif unit.special == "no_secretary":
            # The secretary was transferred mid-term; nobody has been elected yet (支部条例 第21条 case).
            ended = max(unit.term_started_on, today - dt.timedelta(days=rng.randint(40, 120)))
            positions.append(
                Position(unit.id, "secretary", None, make_name(), unit.term_started_on, ended, "工作调动")
            )
        elif rng.random() < 0.12:
            positions += teams.predecessors(unit, years, make_name, rng, posts=("secretary",))
    return positions


def _accounts(
    plan: CountyPlan, builder: _MemberBuilder, positions: list[Position], say: Progress
) -> list[str]:
    """The four demo accounts (password dangjian2026), one per everyday role, in the featured township."""
    town, branch = plan.featured_township, plan.featured_branch
    current = {(p.org_id, p.post): p for p in positions if p.ended_on is None}
    officer = current.get((town.id, "organization"))
    secretary = current.get((branch.id, "secretary"))
    member = builder.featured_members[0]
    wanted = [
        ("admin", Role.COUNTY_ADMIN, plan.root, None, "县委组织部"),
        ("xiangzhen", Role.COMMITTEE_OFFICER, town, None, officer.person_name if officer else town.name),
        ("zhibu", Role.BRANCH_SECRETARY, branch, None, secretary.person_name if secretary else branch.name),
        ("dangyuan", Role.MEMBER, branch, member.member_id, member.name),
    ]
    existing = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    if existing:
        say(f"账号已存在，未重新创建：{'、'.join(sorted(existing))}")
    password = make_password(PASSWORD)  # hashed once (Argon2 is slow on purpose), shared by all four
    User.objects.bulk_create(
        [
            User(
                username=username,
                password=password,
                role=role,
                org_id=org.id,
                member_id=member_id,
                display_name=display_name,
            )
            for username, role, org, member_id, display_name in wanted
            if username not in existing
        ]
    )
    return [w[0] for w in wanted]
