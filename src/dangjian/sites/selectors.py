"""Reads of the demonstration-site programme. Org-owned rows go through `core.scoping`; reviewers see only
the applications assigned to them; members (self-service) see none of it; the public sees `public_items`.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.core import scoping, tree
from dangjian.orgs.models import Organization

from . import rules
from .models import (
    ALL_DOMAINS,
    Application,
    ApplicationState,
    AwardBar,
    Campaign,
    Catalogue,
    CatalogueState,
    Objection,
    PublicNotice,
    Rectification,
    RectificationState,
    ReReview,
    ReReviewState,
    ReviewerAssignment,
    Site,
    SiteEvent,
)

REVIEWER = "reviewer"
SCORED_STATES = (ApplicationState.EVALUATED, ApplicationState.PUBLICIZED, ApplicationState.DESIGNATED)


def _signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))


def require_programme_role(user) -> None:
    """Tree roles and reviewers work with the programme; members (self-service) do not."""
    _signed_in(user)
    if user.role != REVIEWER:
        scoping.require_tree_role(user)


def is_reviewer(user) -> bool:
    return getattr(user, "role", None) == REVIEWER


# --- catalogues ------------------------------------------------------------------------------------------------


def catalogue_for(year: int, domain: str) -> Catalogue | None:
    """The catalogue an application of `domain` in `year` is scored on: the latest published version of
    that domain's catalogue, else of the general (`all`) one."""
    for candidate in (domain, ALL_DOMAINS):
        found = (
            Catalogue.objects.filter(year=year, domain=candidate, state=CatalogueState.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if found is not None:
            return found
    return None


def catalogues_visible(
    *, user, year: int | None = None, domain: str = "", state: str = ""
) -> QuerySet[Catalogue]:
    """Published catalogues for every programme role; drafts for the county admin only."""
    require_programme_role(user)
    queryset = Catalogue.objects.annotate(criteria_count=Count("criteria"))
    if user.role != "county_admin":
        queryset = queryset.filter(state=CatalogueState.PUBLISHED)
    if year is not None:
        queryset = queryset.filter(year=year)
    if domain:
        queryset = queryset.filter(domain=domain)
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-year", "domain", "-version")


def catalogue_or_404(*, user, pk: int) -> Catalogue:
    try:
        return catalogues_visible(user=user).get(pk=pk)
    except (Catalogue.DoesNotExist, ValueError, TypeError):
        raise Http404(_("创建标准不存在")) from None


# --- campaigns -----------------------------------------------------------------------------------------------------


def campaigns_visible(*, user, year: int | None = None, state: str = "") -> QuerySet[Campaign]:
    """Campaigns the user takes part in: run by an organization inside their scope or above it (a branch
    sees its county's campaign); a reviewer, those with applications assigned to them."""
    require_programme_role(user)
    queryset = Campaign.objects.select_related("org")
    if is_reviewer(user):
        queryset = queryset.filter(applications__assignments__reviewer=user).distinct()
    else:
        root = scoping.scope_path(user)
        ancestors = tree.ancestor_ids(root)
        queryset = queryset.filter(tree.within(root, "org_path") | Q(org_id__in=ancestors))
    if year is not None:
        queryset = queryset.filter(year=year)
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-year", "org_path")


def campaign_or_404(*, user, pk: int) -> Campaign:
    try:
        return campaigns_visible(user=user).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404(_("年度创建工作不存在或不在您的管理范围内")) from None


@dataclass
class QuotaProgress:
    domain: str
    tier: str
    quota: int | None
    designated: int
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def left(self) -> int:
        return rules.quota_left(self.quota, self.designated)


def campaign_progress(*, user, campaign: Campaign, today: dt.date) -> dict:
    """Phase of the campaign, and per domain and tier: quota, designated sites, applications by state
    (applications counted within the user's scope; the quota and designations are the campaign's)."""
    deadlines = rules.Deadlines(
        campaign.mobilization_by, campaign.plan_due, campaign.implementation_by, campaign.acceptance_by
    )
    rows: dict[tuple[str, str], QuotaProgress] = {}
    for quota in campaign.quotas.all():
        rows[(quota.domain, quota.tier)] = QuotaProgress(quota.domain, quota.tier, quota.number, 0)
    designated = (
        Site.objects.filter(campaign=campaign, revoked_on__isnull=True)
        .values_list("domain", "tier")
        .annotate(n=Count("id"))
    )
    for domain, tier, n in designated:
        rows.setdefault((domain, tier), QuotaProgress(domain, tier, None, 0)).designated = n
    states = (
        applications_within(user=user, campaign=campaign)
        .values_list("domain", "tier", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    totals: Counter[str] = Counter()
    for domain, tier, state, n in states:
        rows.setdefault((domain, tier), QuotaProgress(domain, tier, None, 0)).by_state[state] = n
        totals[state] += n
    return {
        "phase": rules.phase_on(deadlines, today),
        "quota_total": sum(r.quota or 0 for r in rows.values()),
        "designated_total": sum(r.designated for r in rows.values()),
        "by_state": dict(totals),
        "rows": sorted(rows.values(), key=lambda r: (r.tier, r.domain)),
    }


# --- applications --------------------------------------------------------------------------------------------------


def applications_within(
    *,
    user,
    campaign: Campaign | None = None,
    state: str = "",
    domain: str = "",
    tier: str = "",
    within: Organization | None = None,
) -> QuerySet[Application]:
    """Applications in the user's scope (a reviewer: those assigned to them), filtered."""
    require_programme_role(user)
    queryset = Application.objects.select_related("org", "campaign", "catalogue")
    if is_reviewer(user):
        queryset = queryset.filter(assignments__reviewer=user)
    else:
        queryset = scoping.scoped(queryset, user, "org_path")
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if state:
        queryset = queryset.filter(state=state)
    if domain:
        queryset = queryset.filter(domain=domain)
    if tier:
        queryset = queryset.filter(tier=tier)
    if within is not None:
        queryset = queryset.filter(tree.within(within.path, "org_path"))
    return queryset


def application_or_404(*, user, pk: int) -> Application:
    try:
        return applications_within(user=user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404(_("申报不存在或不在您的管理范围内")) from None


def assignment_of(*, user, application: Application) -> ReviewerAssignment | None:
    return ReviewerAssignment.objects.filter(application=application, reviewer=user).first()


@dataclass
class Ranked:
    application: Application
    place: int


def ranking(
    *, user, campaign: Campaign, domain: str = "", tier: str = ""
) -> dict[tuple[str, str], list[Ranked]]:
    """Evaluated applications (evaluated, publicized, designated) by total score, per domain and tier."""
    queryset = applications_within(user=user, campaign=campaign, domain=domain, tier=tier).filter(
        state__in=SCORED_STATES, total_score__isnull=False
    )
    groups: dict[tuple[str, str], list[Application]] = defaultdict(list)
    for application in queryset.order_by("-total_score", "org_path"):
        groups[(application.domain, application.tier)].append(application)
    result = {}
    for key, items in sorted(groups.items()):
        places = rules.rank({a.pk: a.total_score for a in items})
        result[key] = [Ranked(a, places[a.pk]) for a in items]
    return result


def overdue_applications(*, user, campaign: Campaign, today: dt.date) -> list[tuple[Application, str]]:
    """Drafts past the plan-filing deadline without a complete plan, or past the submission deadline."""
    found = []
    drafts = applications_within(user=user, campaign=campaign, state=ApplicationState.DRAFT)
    for application in drafts.order_by("org_path"):
        if today > campaign.implementation_by:
            found.append((application, _("超过申报截止日期仍未提交")))
        elif today > campaign.plan_due and application.plan_filed_on is None:
            found.append((application, _("超过创建计划报送日期仍未报送完整计划")))
    return found


# --- notices, objections, sites ------------------------------------------------------------------------------------


def notices_of(*, user, campaign: Campaign) -> QuerySet[PublicNotice]:
    require_programme_role(user)
    return campaign.notices.all()


# Who handles objections: the committee above the applicant (officer or admin), never the applicant itself.
OBJECTION_HANDLERS = ("county_admin", "committee_officer")


def objections_within(*, user, state: str = "", campaign: Campaign | None = None) -> QuerySet[Objection]:
    """Objections to applications below the user's own organization, for the officers and admins above the
    applicant who handle them. The applying organization (its secretary) sees none: what a member of the public
    wrote, and how to reach them, stays with those checking it (the applicant's page shows only that an
    objection came in)."""
    scoping.require_tree_role(user)
    queryset = scoping.scoped(
        Objection.objects.select_related("application__org", "notice"), user, "application__org_path"
    )
    if user.role not in OBJECTION_HANDLERS:
        return queryset.none()
    queryset = queryset.exclude(application__org_path=scoping.scope_path(user))
    if state:
        queryset = queryset.filter(state=state)
    if campaign is not None:
        queryset = queryset.filter(notice__campaign=campaign)
    return queryset


def sites_within(
    *, user, campaign: Campaign | None = None, active: bool | None = None, domain: str = "", tier: str = ""
) -> QuerySet[Site]:
    scoping.require_tree_role(user)
    queryset = scoping.scoped(Site.objects.select_related("org", "campaign", "application"), user, "org_path")
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if active is True:
        queryset = queryset.filter(revoked_on__isnull=True)
    elif active is False:
        queryset = queryset.filter(revoked_on__isnull=False)
    if domain:
        queryset = queryset.filter(domain=domain)
    if tier:
        queryset = queryset.filter(tier=tier)
    return queryset


def site_or_404(*, user, pk: int) -> Site:
    try:
        return sites_within(user=user).get(pk=pk)
    except (Site.DoesNotExist, ValueError, TypeError):
        raise Http404(_("示范点不存在或不在您的管理范围内")) from None


def site_history(*, org: Organization) -> QuerySet[SiteEvent]:
    """Everything that happened to an organization in the programme, across the years (the caller resolved
    `org` in scope)."""
    return (
        SiteEvent.objects.filter(org=org)
        .select_related("application__campaign", "site", "actor")
        .order_by("on", "id")
    )


@dataclass
class PublicItems:
    notices: list[tuple[PublicNotice, list[Application]]]
    sites: list[Site]


def public_items(today: dt.date, root: Organization | None = None) -> PublicItems:
    """What the public disclosure board shows (no login): notices running today with the applications they
    propose, and the designated sites that still hold their plaque. `root` limits it to one county."""
    notices = PublicNotice.objects.filter(starts_on__lte=today, ends_on__gte=today).select_related("campaign")
    sites = Site.objects.filter(revoked_on__isnull=True).select_related("org", "campaign")
    if root is not None:
        notices = notices.filter(tree.within(root.path, "campaign__org_path"))
        sites = sites.filter(tree.within(root.path, "org_path"))
    listed = []
    for notice in notices.order_by("-starts_on", "-id"):
        applications = list(
            notice.applications.filter(state=ApplicationState.PUBLICIZED)
            .select_related("org")
            .order_by("domain", "-total_score", "org_path")
        )
        listed.append((notice, applications))
    return PublicItems(notices=listed, sites=list(sites.order_by("tier", "domain", "plaque_no")))


def public_application_or_404(pk: int) -> Application:
    """An application the public may object to: one under a public notice."""
    try:
        return Application.objects.select_related("notice", "org").get(
            pk=pk, state=ApplicationState.PUBLICIZED, notice__isnull=False
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404(_("公示中没有该项目")) from None


# --- re-review and bottom-rank management -----------------------------------------------------------------------


def rereviews_within(*, user, campaign: Campaign | None = None, state: str = "") -> QuerySet[ReReview]:
    scoping.require_tree_role(user)
    queryset = scoping.scoped(
        ReReview.objects.select_related("site__org", "campaign", "catalogue"), user, "site__org_path"
    )
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def rereview_or_404(*, user, pk: int) -> ReReview:
    try:
        return rereviews_within(user=user).get(pk=pk)
    except (ReReview.DoesNotExist, ValueError, TypeError):
        raise Http404(_("复审记录不存在或不在您的管理范围内")) from None


def rectifications_within(
    *, user, campaign: Campaign | None = None, state: str = "", overdue_on: dt.date | None = None
) -> QuerySet[Rectification]:
    scoping.require_tree_role(user)
    queryset = scoping.scoped(Rectification.objects.select_related("org", "campaign"), user, "org_path")
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if state:
        queryset = queryset.filter(state=state)
    if overdue_on is not None:
        queryset = queryset.filter(state=RectificationState.OPEN, deadline__lt=overdue_on)
    return queryset


def rectification_or_404(*, user, pk: int) -> Rectification:
    try:
        return rectifications_within(user=user).get(pk=pk)
    except (Rectification.DoesNotExist, ValueError, TypeError):
        raise Http404(_("整改任务不存在或不在您的管理范围内")) from None


def award_bars_within(*, user, year: int | None = None) -> QuerySet[AwardBar]:
    scoping.require_tree_role(user)
    queryset = scoping.scoped(AwardBar.objects.select_related("org", "member"), user, "org_path")
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset


@dataclass
class BottomEntry:
    org: Organization
    domain: str
    score: Decimal
    application: Application | None = None
    rereview: ReReview | None = None
    bottom: bool = False


def bottom_rank_candidates(*, campaign: Campaign) -> dict[str, list[BottomEntry]]:
    """末位管理: every unit assessed in the campaign — applications with a total score and concluded
    re-reviews of designated sites — per domain, lowest first, with the bottom ones marked (rules.bottom_ranked).
    The caller checked that the campaign is theirs."""
    entries: dict[str, list[BottomEntry]] = defaultdict(list)
    scored = Application.objects.filter(campaign=campaign, total_score__isnull=False).select_related("org")
    for application in scored:
        entries[application.domain].append(
            BottomEntry(application.org, application.domain, application.total_score, application=application)
        )
    concluded = ReReview.objects.filter(campaign=campaign, score__isnull=False).exclude(
        state=ReReviewState.OPEN
    )
    for rereview in concluded.select_related("site__org"):
        site = rereview.site
        entries[site.domain].append(BottomEntry(site.org, site.domain, rereview.score, rereview=rereview))
    result = {}
    for domain, items in sorted(entries.items()):
        # One entry per organization: its lowest score this year.
        by_org: dict[int, BottomEntry] = {}
        for entry in items:
            if entry.org.pk not in by_org or entry.score < by_org[entry.org.pk].score:
                by_org[entry.org.pk] = entry
        bottom = set(
            rules.bottom_ranked(
                {pk: e.score for pk, e in by_org.items()},
                campaign.bottom_rank_count,
                campaign.bottom_rank_share,
            )
        )
        ordered = sorted(by_org.values(), key=lambda e: (e.score, e.org.path))
        for entry in ordered:
            entry.bottom = entry.org.pk in bottom
        result[domain] = ordered
    return result
