"""Reads of the organization tree. Every query of org-owned rows goes through core.scoping."""

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangjian.core import scoping, tree
from dangjian.core.models import AuditEntry
from dangjian.members.models import Category, Member

from . import rules
from .models import Domain, LeadershipPosition, Organization, OrgKind


def orgs_within(
    *,
    user,
    root: Organization | None = None,
    q: str = "",
    kind: str = "",
    domain: str = "",
    include_dissolved: bool = False,
) -> QuerySet[Organization]:
    """Organizations in the user's scope, optionally limited to `root`'s subtree and filtered."""
    queryset = scoping.scoped(Organization.objects.all(), user)
    if root is not None:
        queryset = queryset.filter(tree.within(root.path))
    if not include_dissolved:
        queryset = queryset.active()
    if q:
        queryset = queryset.filter(Q(name__icontains=q.strip()) | Q(code__iexact=q.strip()))
    if kind:
        queryset = queryset.filter(kind=kind)
    if domain:
        queryset = queryset.filter(domain=domain)
    return queryset


def children_of(*, user, org: Organization, include_dissolved: bool = False) -> list[Organization]:
    """Direct children with `children_count` annotated, in display order."""
    queryset = scoping.scoped(Organization.objects.filter(parent=org), user)
    if not include_dissolved:
        queryset = queryset.active()
    return list(
        queryset.annotate(
            children_count=Count("children", filter=Q(children__dissolved_on__isnull=True))
        ).order_by("sort_order", "id")
    )


def member_counts(org: Organization) -> dict[str, int]:
    """Full and probationary members in the org's subtree (one indexed query on the copied path).

    Members are recorded on their branch; a 党小组 counts the members assigned to it.
    """
    members = Member.objects.counted()
    members = (
        members.filter(party_group=org)
        if org.kind == OrgKind.GROUP
        else members.filter(tree.within(org.path, "org_path"))
    )
    rows = members.values("category").annotate(n=Count("id"))
    counts = {row["category"]: row["n"] for row in rows}
    full, probationary = counts.get(Category.FULL, 0), counts.get(Category.PROBATIONARY, 0)
    return {"full": full, "probationary": probationary, "total": full + probationary}


def member_counts_by_child(children: list[Organization]) -> dict[int, int]:
    """Counted members under each child, in one query over the parent's subtree."""
    if not children:
        return {}
    parent_path = children[0].path.rsplit("/", 2)[0] + "/"
    child_ids = {child.pk for child in children}
    rows = (
        Member.objects.counted()
        .filter(tree.within(parent_path, "org_path"))
        .exclude(org_path=parent_path)
        .values("org_path")
        .annotate(n=Count("id"))
    )
    totals: Counter[int] = Counter()
    for row in rows:
        # The segment right after the parent's path names the child whose subtree holds the row.
        child_id = int(row["org_path"][len(parent_path) :].split("/", 1)[0])
        if child_id in child_ids:
            totals[child_id] += row["n"]
    return dict(totals)


def current_team(org: Organization) -> list[LeadershipPosition]:
    return list(
        LeadershipPosition.objects.filter(org=org, ended_on__isnull=True)
        .select_related("member")
        .order_by("sort_order", "started_on", "id")
    )


def past_positions(org: Organization) -> list[LeadershipPosition]:
    return list(
        LeadershipPosition.objects.filter(org=org, ended_on__isnull=False).order_by("-ended_on", "-id")
    )


def structure_facts(org: Organization) -> rules.StructureFacts:
    counts = member_counts(org)
    team = list(
        LeadershipPosition.objects.filter(org=org, ended_on__isnull=True).values_list("post", flat=True)
    )
    groups = Organization.objects.active().filter(parent=org, kind=OrgKind.GROUP)
    groups_with_leader = groups.filter(
        positions__post="group_leader", positions__ended_on__isnull=True
    ).distinct()
    return rules.StructureFacts(
        kind=org.kind,
        domain=org.domain,
        is_grassroots=org.is_grassroots,
        full_members=counts["full"],
        probationary_members=counts["probationary"],
        team_posts=tuple(team),
        unit_count=org.unit_count,
        group_count=groups.count(),
        groups_without_leader=groups.count() - groups_with_leader.count(),
        has_group_leader="group_leader" in team,
        term_started_on=org.term_started_on,
        term_years_override=org.term_years_override,
        term_reminder_months=settings.DANGJIAN_RULES["TERM_REMINDER_MONTHS"],
    )


def structure_of(org: Organization, today: dt.date | None = None) -> rules.StructureCheck:
    """The set-up rules of RULES.md evaluated on the recorded data (none for a dissolved organization)."""
    check = rules.check_structure(structure_facts(org), today or timezone.localdate())
    if org.is_dissolved:
        check.findings = []
    return check


def org_history(*, user, org: Organization, limit: int = 200) -> QuerySet[AuditEntry]:
    """Everything recorded about this organization (its own changes and its team's)."""
    scoping.require_tree_role(user)
    return AuditEntry.objects.filter(org=org).select_related("actor")[:limit]


def breadcrumbs(*, user, org: Organization) -> list[Organization]:
    """Ancestors of `org` that lie inside the user's scope, root first."""
    ids = tree.ancestor_ids(org.path)
    found = {o.pk: o for o in scoping.scoped(Organization.objects.filter(pk__in=ids), user)}
    return [found[i] for i in ids if i in found]


def overview(*, user) -> dict:
    """County overview: organizations by kind and domain, members by category and status."""
    root_path = scoping.scope_path(user)
    if root_path is None:
        return {}
    orgs = Organization.objects.active().filter(tree.within(root_path))
    by_kind = dict(orgs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    by_domain = dict(
        orgs.exclude(kind=OrgKind.GROUP)
        .values_list("domain")
        .annotate(n=Count("id"))
        .values_list("domain", "n")
    )
    members = Member.objects.filter(tree.within(root_path, "org_path"))
    by_category = dict(
        members.counted().values_list("category").annotate(n=Count("id")).values_list("category", "n")
    )
    by_status = dict(members.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "org_total": sum(by_kind.values()),
        "by_kind": [(label, by_kind.get(value, 0), value) for value, label in OrgKind.choices],
        "by_domain": [(label, by_domain.get(value, 0), value) for value, label in Domain.choices],
        "member_total": sum(by_category.values()),
        "by_category": [(label, by_category.get(value, 0), value) for value, label in Category.choices],
        "by_status": by_status,
    }
