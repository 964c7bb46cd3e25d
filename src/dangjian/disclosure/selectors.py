"""Reads of the disclosure board.

Staff reads go through `core.scoping`. The public board (no login) shows, for an organization's subtree:
demonstration-site notices running today with an objection form per proposed site, the designated sites that
hold their plaque, the running public notices of development candidates (name, branch and period only) and the
items published within their dates. Nothing withdrawn, nothing outside its dates, nothing personal beyond what
a notice must show.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.core import scoping, tree
from dangjian.orgs.models import Domain, Organization
from dangjian.recruitment.models import DevelopmentCase, Stage
from dangjian.sites import rules as site_rules
from dangjian.sites import selectors as site_selectors
from dangjian.sites.models import Application, PublicNotice, Site, Tier

from . import rules
from .models import Category, DisclosureItem, ItemState

# --- staff ---------------------------------------------------------------------------------------------------


def with_state(queryset: QuerySet[DisclosureItem], state: str, today: dt.date) -> QuerySet[DisclosureItem]:
    """The queryset form of `rules.item_state` (kept in step with it by the tests)."""
    if state == ItemState.WITHDRAWN:
        return queryset.filter(withdrawn_at__isnull=False)
    live = queryset.filter(withdrawn_at__isnull=True)
    if state == ItemState.SCHEDULED:
        return live.filter(publish_on__gt=today)
    if state == ItemState.LIVE:
        return live.filter(publish_on__lte=today, expires_on__gte=today)
    if state == ItemState.EXPIRED:
        return live.filter(expires_on__lt=today)
    return queryset


def items_within(
    *,
    user,
    today: dt.date,
    within: Organization | None = None,
    category: str = "",
    state: str = "",
    q: str = "",
) -> QuerySet[DisclosureItem]:
    """Items of organizations in the user's scope (tree roles only), newest first."""
    scoping.require_tree_role(user)
    queryset = scoping.scoped(DisclosureItem.objects.select_related("org", "published_by"), user, "org_path")
    if within is not None:
        queryset = queryset.filter(tree.within(within.path, "org_path"))
    if category:
        queryset = queryset.filter(category=category)
    if state:
        queryset = with_state(queryset, state, today)
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return queryset.order_by("-publish_on", "-id")


def item_or_404(*, user, pk) -> DisclosureItem:
    scoping.require_tree_role(user)
    try:
        return scoping.scoped(
            DisclosureItem.objects.select_related("org", "published_by", "withdrawn_by"), user, "org_path"
        ).get(pk=pk)
    except (DisclosureItem.DoesNotExist, ValueError, TypeError):
        raise Http404(_("公开事项不存在或不在您的管理范围内")) from None


def state_counts(*, user, today: dt.date, within: Organization | None = None) -> dict[str, int]:
    base = items_within(user=user, today=today, within=within)
    return {state: with_state(base, state, today).count() for state in ItemState.values}


def publishable_orgs(*, user) -> QuerySet[Organization]:
    """Organizations the user may publish for: every active one in their scope."""
    scoping.require_tree_role(user)
    return scoping.scoped(Organization.objects.filter(dissolved_on__isnull=True), user).order_by(
        "path", "sort_order"
    )


# --- the public board --------------------------------------------------------------------------------------------


def public_roots() -> QuerySet[Organization]:
    """The top organizations (a county committee each): `/public/` shows the board of the first."""
    return Organization.objects.filter(parent__isnull=True, dissolved_on__isnull=True).order_by(
        "sort_order", "id"
    )


def board_org_or_404(code: str | None = None) -> Organization:
    """The organization whose board is asked for: by its code, or the county (the top organization)."""
    if code is None:
        root = public_roots().first()
        if root is None:
            raise Http404(_("尚未设立党组织"))
        return root
    try:
        return Organization.objects.get(code=code, dissolved_on__isnull=True)
    except Organization.DoesNotExist:
        raise Http404(_("没有找到该党组织的党务公开栏")) from None


@dataclass
class SiteGroup:
    tier: str
    tier_label: str
    domains: list[tuple[str, list[Site]]]

    @property
    def count(self) -> int:
        return sum(len(sites) for _domain, sites in self.domains)


@dataclass
class CandidateNotice:
    """What a public notice of a development candidate shows: no ID number, no phone, no birth date."""

    person_name: str
    org_name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass
class Board:
    org: Organization
    today: dt.date
    site_notices: list[tuple[PublicNotice, list[Application]]] = field(default_factory=list)
    site_groups: list[SiteGroup] = field(default_factory=list)
    candidates: list[CandidateNotice] = field(default_factory=list)
    items: list[tuple[str, str, list[DisclosureItem]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.site_notices or self.site_groups or self.candidates or self.items)


TIER_ORDER = [Tier.CITY, Tier.COUNTY, Tier.TOWNSHIP]
DOMAIN_ORDER = list(Domain.values)


def _site_groups(sites: list[Site]) -> list[SiteGroup]:
    by_tier: dict[str, dict[str, list[Site]]] = defaultdict(lambda: defaultdict(list))
    for site in sites:
        by_tier[site.tier][site.domain].append(site)
    domain_labels = dict(Domain.choices)
    tier_labels = dict(Tier.choices)
    groups = []
    for tier in TIER_ORDER:
        if tier not in by_tier:
            continue
        domains = sorted(
            by_tier[tier].items(),
            key=lambda pair: DOMAIN_ORDER.index(pair[0]) if pair[0] in DOMAIN_ORDER else len(DOMAIN_ORDER),
        )
        groups.append(
            SiteGroup(
                tier=tier,
                tier_label=str(tier_labels.get(tier, tier)),
                domains=[
                    (str(domain_labels.get(domain, domain)), sorted(items, key=lambda s: s.plaque_no))
                    for domain, items in domains
                ],
            )
        )
    return groups


def candidate_notices(root: Organization, today: dt.date) -> list[CandidateNotice]:
    """发展对象公示 running today in the subtree (细则 第19条; the period is set by member development)."""
    cases = (
        DevelopmentCase.objects.filter(
            tree.within(root.path, "org_path"),
            notice_starts_on__lte=today,
            notice_ends_on__gte=today,
        )
        .exclude(stage__in=[Stage.WITHDRAWN, Stage.CANCELLED])
        .select_related("org")
        .order_by("org_path", "notice_starts_on", "name_key", "id")
    )
    return [
        CandidateNotice(c.person_name, c.org.name, c.notice_starts_on, c.notice_ends_on)
        for c in cases.only(
            "person_name", "org__name", "org_path", "notice_starts_on", "notice_ends_on", "name_key"
        )
    ]


def shown_items(root: Organization, today: dt.date) -> QuerySet[DisclosureItem]:
    return (
        DisclosureItem.objects.filter(
            tree.within(root.path, "org_path"),
            withdrawn_at__isnull=True,
            publish_on__lte=today,
            expires_on__gte=today,
        )
        .select_related("org")
        .order_by("-publish_on", "-id")
    )


def public_board(*, org: Organization, today: dt.date) -> Board:
    board = Board(org=org, today=today)
    # The programme's public items of the whole tree this board belongs to (its top organization, a county),
    # then only what lies in the board's subtree: a county's notice may propose a township's villages.
    top = Organization.objects.get(pk=tree.ancestor_ids(org.path)[0]) if org.parent_id else org
    found = site_selectors.public_items(today, top)
    for notice, applications in found.notices:
        mine = [a for a in applications if tree.is_within(a.org_path, org.path)]
        if mine:
            board.site_notices.append((notice, mine))
    board.site_groups = _site_groups([s for s in found.sites if tree.is_within(s.org_path, org.path)])
    board.candidates = candidate_notices(org, today)
    grouped: dict[str, list[DisclosureItem]] = defaultdict(list)
    for item in shown_items(org, today):
        grouped[item.category].append(item)
    labels = dict(Category.choices)
    board.items = [
        (category, str(labels[category]), grouped[category])
        for category in Category.values
        if category in grouped
    ]
    return board


def public_item_or_404(pk, today: dt.date) -> DisclosureItem:
    """An item the public may read today: within its dates and not withdrawn."""
    try:
        item = DisclosureItem.objects.select_related("org").get(pk=pk)
    except (DisclosureItem.DoesNotExist, ValueError, TypeError):
        raise Http404(_("该公开事项不存在或已不在公开期内")) from None
    if not rules.is_shown(item.publish_on, item.expires_on, item.is_withdrawn, today):
        raise Http404(_("该公开事项不存在或已不在公开期内"))
    return item


def objection_target_or_404(pk, today: dt.date) -> Application:
    """A proposed site whose public notice runs today (the public may object to it)."""
    application = site_selectors.public_application_or_404(pk)
    notice = application.notice
    if notice is None or not site_rules.notice_running(notice.starts_on, notice.ends_on, today):
        raise Http404(_("公示中没有该项目"))
    return application


# --- one item's log ----------------------------------------------------------------------------------------------


@dataclass
class LogRow:
    entry: object
    changes: list[tuple[str, str, str]]


def _shown(field_name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if field_name == "category":
        return str(dict(Category.choices).get(value, value))
    if field_name == "body":
        text = str(value)
        return text if len(text) <= 80 else text[:80] + "…"
    return str(value)


def item_log(item: DisclosureItem) -> list[LogRow]:
    """The item's audit entries with their changes labelled in Chinese (the caller resolved it in scope)."""
    from dangjian.core.models import AuditEntry

    labels = {f.attname: str(f.verbose_name) for f in DisclosureItem._meta.concrete_fields}
    labels["org_id"] = _("公开组织")
    entries = AuditEntry.objects.filter(object_type="disclosure.disclosureitem", object_id=str(item.pk))
    rows = []
    for entry in entries.order_by("at", "id"):
        changes = [
            (labels.get(name, name), _shown(name, before), _shown(name, after))
            for name, before, after in entry.changes()
            if name != "org_id"  # the organization is on the page; its id says nothing
            and _shown(name, before) != _shown(name, after)
        ]
        rows.append(LogRow(entry=entry, changes=changes))
    return rows
