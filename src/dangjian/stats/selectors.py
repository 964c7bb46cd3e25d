"""Real-time member statistics (信息实时查询统计) of any subtree, counted in the database.

The counts follow the Party's annual statistical tables (党内统计年报, RULES.md K): members counted are those
whose status is not left, deceased or transferred out, each breakdown sums to the total, and age and
join-time bands are members.rules.AGE_BANDS and JOIN_PERIODS.

Cost: one pass over the subtree's member rows with filtered counts (bands as cumulative counts, so each
costs one comparison a row), one grouped pass over the minority members for the ethnic groups, and one
count of the members no longer counted that reads only the (org_path, status, category) index.
The subtree is a range on the org path copied onto the member row (ARCHITECTURE.md, performance notes).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.core import scoping, tree
from dangjian.members import rules
from dangjian.members.codes import EDUCATION, ETHNICITIES, HAN, OCCUPATIONS
from dangjian.members.models import GONE_STATUSES, Category, Gender, Member, Status
from dangjian.members.selectors.records import latest_birth_for_age
from dangjian.orgs.models import Domain, Organization, OrgKind

COUNTED_STATUSES = [status for status in Status.values if status not in GONE_STATUSES]
NOT_FILLED = gettext_noop("未填写")  # a key like the code tables' labels; shown through gettext
# 大专及以上 (统计公报): graduate, undergraduate and college education.
HIGHER_EDUCATION = frozenset({"11", "14", "21", "31"})
YOUNG_UP_TO = 35  # 35岁及以下, a figure the statistical bulletins print


def members_of(org: Organization) -> QuerySet[Member]:
    """Every member in the organization's subtree; a 党小组's are those assigned to it (they are registered
    on its branch)."""
    if org.kind == OrgKind.GROUP:
        return Member.objects.filter(party_group=org)
    return Member.objects.filter(tree.within(org.path, "org_path"))


def _cumulative_age_counts(today: dt.date) -> dict[str, Count]:
    # A member is in band i or a younger one when born after the latest birth date of age high_i + 1.
    return {
        f"age_{i}": Count("pk", filter=Q(birth_date__gt=latest_birth_for_age(high + 1, today)))
        for i, (_low, high, _label) in enumerate(rules.AGE_BANDS[:-1])
    }


def _cumulative_join_counts() -> dict[str, Count]:
    return {
        f"join_{i}": Count("pk", filter=Q(joined_on__lte=high))
        for i, (_low, high, _label) in enumerate(rules.JOIN_PERIODS[:-1])
    }


def _bands(total: int, row: dict, prefix: str, labels: list[str]) -> dict[str, int]:
    """Turn cumulative counts (prefix_0 ≤ prefix_1 ≤ …) into counts per band; the last band takes the rest."""
    result, previous = {}, 0
    for i, label in enumerate(labels):
        running = row[f"{prefix}_{i}"] if i < len(labels) - 1 else total
        result[label] = running - previous
        previous = running
    return result


def _coded(total: int, row: dict, prefix: str, table: list[tuple[str, str]]) -> dict[str, int]:
    """Counts per code label, with whatever is left (blank or unknown codes) as 未填写."""
    result = {label: row[f"{prefix}_{code}"] for code, label in table}
    result[NOT_FILLED] = total - sum(result.values())
    return result


@dataclass
class MemberStats:
    """The figures of one subtree; `as_api()` gives the shape of design/API.md."""

    org: Organization
    as_of: dt.date
    total: int
    gender: dict[str, int]
    ethnicity: dict[str, int]
    ethnic_groups: dict[str, int]
    category: dict[str, int]
    status: dict[str, int]
    gone: dict[str, int]
    age_band: dict[str, int]
    join_year_band: dict[str, int]
    education: dict[str, int]
    occupation: dict[str, int]
    domain: dict[str, int]
    higher_education: int = 0
    young: int = 0
    extra: dict = field(default_factory=dict)

    def as_api(self) -> dict:
        return {
            "total": self.total,
            "gender": self.gender,
            "ethnicity": self.ethnicity,
            "category": self.category,
            "status": self.status,
            "age_band": self.age_band,
            "education": self.education,
            "join_year_band": self.join_year_band,
            # Beyond the contract of API.md:
            "within": self.org.pk,
            "within_name": self.org.name,
            "as_of": self.as_of,
            "ethnic_groups": self.ethnic_groups,
            "occupation": self.occupation,
            "domain": self.domain,
            "not_counted": self.gone,
        }


def member_stats(*, org: Organization, today: dt.date | None = None) -> MemberStats:
    """Statistics of the members in `org`'s subtree, in three queries. The caller has checked the scope."""
    today = today or timezone.localdate()
    members = members_of(org)
    counts: dict = {
        "total": Count("pk"),
        "female": Count("pk", filter=Q(gender=Gender.FEMALE)),
        "han": Count("pk", filter=Q(ethnicity=HAN)),
        "probationary": Count("pk", filter=Q(category=Category.PROBATIONARY)),
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in COUNTED_STATUSES[1:]},
        **_cumulative_age_counts(today),
        **_cumulative_join_counts(),
        **{f"edu_{code}": Count("pk", filter=Q(education=code)) for code, _label in EDUCATION},
        **{f"occ_{code}": Count("pk", filter=Q(occupation=code)) for code, _label in OCCUPATIONS},
        # The domain of the member's own organization (one join on the primary key).
        **{f"domain_{d}": Count("pk", filter=Q(org__domain=d)) for d in Domain.values[1:]},
    }
    counted = members.exclude(status__in=GONE_STATUSES)
    row = counted.aggregate(**counts)
    total, han = row["total"], row["han"]
    # The minority groups one by one: a grouped pass that sorts only the non-Han rows.
    by_group = {HAN: han} if han else {}
    for item in counted.exclude(ethnicity=HAN).values("ethnicity").annotate(n=Count("pk")).order_by():
        by_group[item["ethnicity"]] = item["n"]
    # Members no longer counted, for reference; (org_path, status) is in member_scope_idx.
    gone = dict(
        members.filter(status__in=GONE_STATUSES).values_list("status").annotate(n=Count("pk")).order_by()
    )
    ethnic_names = dict(ETHNICITIES)
    minority = sum(n for code, n in by_group.items() if "02" <= code <= "56")
    status = {s: row[f"status_{s}"] for s in COUNTED_STATUSES[1:]}
    status = {COUNTED_STATUSES[0]: total - sum(status.values()), **status}
    domains = {d: row[f"domain_{d}"] for d in Domain.values[1:]}
    domains = {Domain.values[0]: total - sum(domains.values()), **domains}
    education = _coded(total, row, "edu", EDUCATION)
    age_band = _bands(total, row, "age", [label for _l, _h, label in rules.AGE_BANDS])
    young_bands = [label for _low, high, label in rules.AGE_BANDS if high <= YOUNG_UP_TO]
    return MemberStats(
        org=org,
        as_of=today,
        total=total,
        gender={Gender.MALE.value: total - row["female"], Gender.FEMALE.value: row["female"]},
        # 97 其他 and 98 外国血统中国籍人士 are neither Han nor one of the 55 minorities (GB 3304).
        ethnicity={"han": han, "minority": minority, "other": total - han - minority},
        ethnic_groups={
            ethnic_names.get(code, code): n
            for code, n in sorted(by_group.items(), key=lambda item: (item[0] != HAN, -item[1], item[0]))
        },
        category={
            Category.FULL.value: total - row["probationary"],
            Category.PROBATIONARY.value: row["probationary"],
        },
        status=status,
        gone={s.value: gone.get(s, 0) for s in GONE_STATUSES},
        age_band=age_band,
        join_year_band=_bands(total, row, "join", [label for _l, _h, label in rules.JOIN_PERIODS]),
        education=education,
        occupation=_coded(total, row, "occ", OCCUPATIONS),
        domain=domains,
        higher_education=sum(row[f"edu_{code}"] for code in HIGHER_EDUCATION),
        young=sum(age_band[label] for label in young_bands),
    )


# --- per child organization (the rows of the annual tables) --------------------------------------------------


@dataclass
class ChildRow:
    org: Organization
    full: int = 0
    probationary: int = 0

    @property
    def total(self) -> int:
        return self.full + self.probationary


def children_rows(*, user, org: Organization) -> tuple[list[ChildRow], ChildRow | None]:
    """Direct child organizations in scope with their counted members, plus the members registered on `org`
    itself (a branch's own members, shown as 本级). Reads only the (org_path, status, category) index."""
    children = list(
        scoping.scoped(Organization.objects.active().filter(parent=org), user)
        .exclude(kind=OrgKind.GROUP)
        .order_by("sort_order", "id")
    )
    rows = {child.pk: ChildRow(child) for child in children}
    own = ChildRow(org)
    if org.kind == OrgKind.GROUP:
        return [], None
    grouped = (
        Member.objects.counted()
        .filter(tree.within(org.path, "org_path"))
        .values("org_path", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for item in grouped:
        rest = item["org_path"][len(org.path) :]
        target = own if not rest else rows.get(int(rest.split("/", 1)[0]))
        if target is None:
            continue
        if item["category"] == Category.PROBATIONARY:
            target.probationary += item["n"]
        else:
            target.full += item["n"]
    return list(rows.values()), (own if own.total else None)


def stats_root_or_404(user, within) -> Organization:
    """The organization whose subtree is counted: `within` if given (404 outside scope), else the scope root."""
    scoping.require_tree_role(user)
    pk = within if within not in (None, "") else user.org_id
    return scoping.get_org_or_404(user, pk)


def label_of_status(value: str) -> str:
    return str(Status(value).label)


def summary_lines(stats: MemberStats) -> list[tuple[str, str]]:
    """The headline figures as the statistical bulletin prints them (share of the total)."""

    def share(n: int) -> str:
        return f"{n / stats.total:.1%}" if stats.total else "—"

    return [
        (_("女党员"), share(stats.gender[Gender.FEMALE])),
        (_("少数民族党员"), share(stats.ethnicity["minority"])),
        (_("大专及以上学历"), share(stats.higher_education)),
        (_("35岁及以下"), share(stats.young)),
    ]


# --- the annual table's rows: one per child organization ------------------------------------------------------

# Education columns of table 2 (党员基本情况): GB/T 4658 codes grouped as the table prints them.
EDUCATION_COLUMNS = [
    (gettext_noop("研究生"), ("11", "14")),
    (gettext_noop("大学本科"), ("21",)),
    (gettext_noop("大学专科"), ("31",)),
    (gettext_noop("中专"), ("41",)),
    (gettext_noop("高中、中技"), ("44", "47", "61")),
    (gettext_noop("初中及以下"), ("71", "81")),
]


@dataclass
class TableRow:
    label: str
    org: Organization | None
    counts: Counter = field(default_factory=Counter)


def children_table(*, user, org: Organization, today: dt.date | None = None) -> list[TableRow]:
    """Rows of the annual tables (党员基本情况, 入党时间): each direct child in scope, the members registered
    on `org` itself (本级), and the total (合计). One grouped query by org path, folded here by child."""
    today = today or timezone.localdate()
    children = (
        []
        if org.kind == OrgKind.GROUP
        else list(
            scoping.scoped(Organization.objects.filter(parent=org), user)
            .exclude(kind=OrgKind.GROUP)
            .order_by("sort_order", "id")
        )
    )
    rows = {child.pk: TableRow(child.name, child) for child in children}
    own = TableRow(_("本级"), org)
    counts = {
        "total": Count("pk"),
        "female": Count("pk", filter=Q(gender=Gender.FEMALE)),
        "minority": Count("pk", filter=Q(ethnicity__gte="02", ethnicity__lte="56")),
        "probationary": Count("pk", filter=Q(category=Category.PROBATIONARY)),
        **{
            f"edu_{i}": Count("pk", filter=Q(education__in=codes))
            for i, (_label, codes) in enumerate(EDUCATION_COLUMNS)
        },
        **_cumulative_age_counts(today),
        **_cumulative_join_counts(),
    }
    grouped = (
        members_of(org).exclude(status__in=GONE_STATUSES).values("org_path").annotate(**counts).order_by()
    )
    for item in grouped:
        path = item.pop("org_path")
        rest = path[len(org.path) :] if tree.is_within(path, org.path) else ""
        target = own if not rest else rows.get(int(rest.split("/", 1)[0]))
        if target is not None:
            target.counts.update(item)
    result = [row for row in rows.values()]
    if own.counts["total"]:
        result.append(own)
    total = TableRow(_("合计"), None)
    for row in result:
        total.counts.update(row.counts)
    for row in [*result, total]:
        n = row.counts["total"]
        row.age_band = _bands(n, row.counts, "age", [label for _l, _h, label in rules.AGE_BANDS])
        row.join_band = _bands(n, row.counts, "join", [label for _l, _h, label in rules.JOIN_PERIODS])
        row.education = [row.counts[f"edu_{i}"] for i in range(len(EDUCATION_COLUMNS))]
    return [*result, total]
