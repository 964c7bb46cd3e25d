"""Reads the staff pages need beyond `selectors`: the campaign a page is about, which workflow actions a user
may take on an application, the overview's figures, the reviewer's workspace and an application's records.

Everything starts from the scoped reads of `selectors` (a reviewer sees only what is assigned to them, a tree
role only its subtree); the permission helpers of `services.common` answer "may this user do that" the same
way the services will when the action is attempted.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.accounts.models import User
from dangjian.core import scoping, tree
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Domain, Organization, OrgKind

from . import rules, selectors
from .models import (
    Application,
    ApplicationState,
    Campaign,
    CampaignState,
    Evidence,
    Objection,
    ReReviewState,
    ReviewerAssignment,
    ReviewPhoto,
    Site,
    SurveyCode,
    Tier,
)
from .services.common import (
    REVIEWER_ROLES,
    is_above,
    require_above,
    require_campaign_manager,
    require_decider,
)

# --- campaigns ---------------------------------------------------------------------------------------------------


def chosen_campaign(*, user, pk=None) -> Campaign | None:
    """The campaign a page is about: `pk` when given (404 outside what the user sees), else the latest open
    campaign the user takes part in, else the latest one."""
    if pk not in (None, ""):
        return selectors.campaign_or_404(user=user, pk=pk)
    visible = selectors.campaigns_visible(user=user)
    return visible.filter(state=CampaignState.OPEN).first() or visible.first()


def manages_campaign(user, campaign: Campaign) -> bool:
    return _allowed(require_campaign_manager, user, campaign)


def open_campaigns(*, user) -> QuerySet[Campaign]:
    return selectors.campaigns_visible(user=user, state=CampaignState.OPEN)


# --- who may do what -----------------------------------------------------------------------------------------------


def _allowed(check, *args) -> bool:
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


def is_decider(user, application: Application) -> bool:
    return _allowed(require_decider, user, application)


def is_recommender(user, application: Application) -> bool:
    return _allowed(require_above, user, application)


def is_recommender_path(user, path: str) -> bool:
    """A committee officer or admin whose scope holds `path` but is not it (the committee above)."""
    return user.role in ("county_admin", "committee_officer") and is_above(user, path)


def is_applicant_side(user, application: Application) -> bool:
    """The applying organization's secretary or a tree user above it (may edit the draft and submit)."""
    return user.role in scoping.TREE_ROLES and scoping.in_scope(user, application.org_path)


# The order of the buttons: the way forward first, the ways back or out last.
ACTIONS = (
    "submit",
    "recommend",
    "evaluate",
    "publicize",
    "designate",
    "recommend_city",
    "commend",
    "return",
    "reject",
    "revoke",
)


def available_actions(user, application: Application, site: Site | None = None) -> list[str]:
    """The workflow actions offered to `user` now: allowed from the current state (rules.TRANSITIONS) and by
    the user's place above the applicant. Whether the moment is right (notice over, quota left, …) is the
    service's to say when the action is attempted; the page then shows its reason."""
    state = application.state
    offered = []
    for action in rules.allowed_actions(state):
        if action == "submit":
            ok = is_applicant_side(user, application)
        elif action == "recommend" or (
            action in ("return", "reject") and state == ApplicationState.SUBMITTED
        ):
            # 方案三: the committee above pre-reviews (recommends, returns or declines what was submitted).
            ok = is_recommender(user, application)
        elif action == "publicize":
            ok = is_decider(user, application) and manages_campaign(user, application.campaign)
        elif action == "revoke":
            # 方案三: a plaque is removed when the year's re-review finds the site below standard.
            ok = is_decider(user, application) and site is not None and latest_rereview_failed(site)
        else:
            ok = is_decider(user, application)
        if ok:
            offered.append(action)
    if state == ApplicationState.DESIGNATED and is_decider(user, application):
        if (
            application.tier == Tier.COUNTY
            and not application.recommendations.exclude(state=ApplicationState.REJECTED).exists()
        ):
            offered.append("recommend_city")
        if site is not None and site.is_active and not site.commended:
            offered.append("commend")
    return [action for action in ACTIONS if action in offered]


def latest_rereview_failed(site: Site) -> bool:
    latest = site.rereviews.exclude(state=ReReviewState.OPEN).order_by("-campaign__year").first()
    return latest is not None and latest.state == ReReviewState.FAILED


def may_generate_codes(user, application: Application) -> bool:
    from .services.evaluation import SURVEY_STATES

    return application.state in SURVEY_STATES and is_recommender(user, application)


def may_assign_reviewers(user, application: Application) -> bool:
    return application.state in (ApplicationState.SUBMITTED, ApplicationState.RECOMMENDED) and is_decider(
        user, application
    )


def shows_all_reviews(user, application: Application) -> bool:
    """Officers and admins above the applicant see every reviewer's scores; the applicant sees them once the
    result is fixed; a reviewer sees their own only (as the API's score sheet)."""
    from .scoring import FROZEN_STATES

    if selectors.is_reviewer(user):
        return False
    return is_above(user, application.org_path) or application.state in FROZEN_STATES


# --- applications --------------------------------------------------------------------------------------------------


def application_for_page(*, user, pk) -> Application:
    application = selectors.application_or_404(user=user, pk=pk)
    return (
        Application.objects.select_related("campaign__org", "org__parent", "catalogue", "notice")
        .prefetch_related("recommendations")
        .get(pk=application.pk)
    )


def site_of(application: Application) -> Site | None:
    return Site.objects.filter(application=application).first()


def evidence_of(application: Application) -> list[Evidence]:
    return list(application.evidence.select_related("criterion", "uploaded_by").order_by("uploaded_at", "id"))


def evidence_or_404(*, application: Application, pk) -> Evidence:
    found = application.evidence.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404(_("佐证材料不存在"))
    return found


def photos_of(
    application: Application, assignments: list[ReviewerAssignment]
) -> dict[int, list[ReviewPhoto]]:
    """Review photos per assignment (only the assignments given: what the user may see)."""
    found: dict[int, list[ReviewPhoto]] = defaultdict(list)
    ids = [a.pk for a in assignments]
    for photo in ReviewPhoto.objects.filter(assignment_id__in=ids).select_related("criterion"):
        found[photo.assignment_id].append(photo)
    return found


def photo_or_404(*, user, application: Application, pk) -> ReviewPhoto:
    photo = (
        ReviewPhoto.objects.select_related("assignment")
        .filter(pk=pk, assignment__application=application)
        .first()
        if str(pk).isdigit()
        else None
    )
    if photo is None:
        raise Http404(_("照片不存在"))
    if photo.assignment.reviewer_id != user.pk and not shows_all_reviews(user, application):
        raise Http404(_("照片不存在"))
    return photo


@dataclass
class SurveyCounts:
    generated: int
    used: int

    @property
    def unused(self) -> int:
        return self.generated - self.used


def survey_counts(application: Application) -> SurveyCounts:
    counts = SurveyCode.objects.filter(application=application).aggregate(
        generated=Count("id"), used=Count("id", filter=Q(used=True))
    )
    return SurveyCounts(counts["generated"] or 0, counts["used"] or 0)


def audit_entries(application: Application) -> list[AuditEntry]:
    """The log of the application itself and of objections to it (reviewers never see it)."""
    objection_ids = [
        str(pk) for pk in Objection.objects.filter(application=application).values_list("pk", flat=True)
    ]
    condition = Q(object_type="sites.application", object_id=str(application.pk))
    if objection_ids:
        condition |= Q(object_type="sites.objection", object_id__in=objection_ids)
    return list(AuditEntry.objects.filter(condition).order_by("at", "id"))


def applicant_orgs(*, user) -> QuerySet[Organization]:
    """Organizations the user may apply for: grassroots committees, general branches and branches in scope."""
    scoping.require_tree_role(user)
    return scoping.scoped(
        Organization.objects.active().filter(is_grassroots=True).exclude(kind=OrgKind.GROUP), user
    ).order_by("path")


def subtree_choices(*, user) -> QuerySet[Organization]:
    """The committees and general branches in scope, to narrow a list to one subtree."""
    if user.role not in scoping.TREE_ROLES:
        return Organization.objects.none()
    return scoping.scoped(
        Organization.objects.active().exclude(kind__in=(OrgKind.BRANCH, OrgKind.GROUP)), user
    ).order_by("path")


def assignable_reviewers(*, user, application: Application) -> QuerySet[User]:
    """Reviewers attached at or above the user's scope (or to none), and the officers and admins above the
    applicant, not yet assigned to it."""
    root = scoping.scope_path(user) or ""
    reviewers = Q(role="reviewer") & (
        Q(org__isnull=True) | tree.within(root, "org__path") | Q(org_id__in=tree.ancestor_ids(root))
    )
    staff = Q(
        role__in=REVIEWER_ROLES - {"reviewer"}, org_id__in=tree.ancestor_ids(application.org_path)
    ) & ~Q(org_id=application.org_id)
    return (
        User.objects.filter(is_active=True)
        .filter(reviewers | staff)
        .exclude(site_assignments__application=application)
        .select_related("org")
        .order_by("role", "display_name", "username")
    )


# --- the reviewer's workspace ------------------------------------------------------------------------------------


def my_assignments(*, user) -> list[ReviewerAssignment]:
    selectors.require_programme_role(user)
    return list(
        ReviewerAssignment.objects.filter(reviewer=user)
        .select_related("application__org", "application__campaign", "application__catalogue")
        .order_by("-application__campaign__year", "application__org_path")
    )


def assignment_or_404(*, user, pk) -> ReviewerAssignment:
    """The user's own assignment on application `pk` (404 for anyone not assigned to it)."""
    application = selectors.application_or_404(user=user, pk=pk)
    assignment = selectors.assignment_of(user=user, application=application)
    if assignment is None:
        raise Http404(_("您没有被安排评审该申报"))
    return assignment


# --- the overview ------------------------------------------------------------------------------------------------

# Applications that reached a step, counting those that went further (rejected ones count where they stopped).
SUBMITTED_OR_LATER = (
    ApplicationState.SUBMITTED,
    ApplicationState.RECOMMENDED,
    ApplicationState.EVALUATED,
    ApplicationState.PUBLICIZED,
    ApplicationState.DESIGNATED,
    ApplicationState.REVOKED,
)
EVALUATED_OR_LATER = (
    ApplicationState.EVALUATED,
    ApplicationState.PUBLICIZED,
    ApplicationState.DESIGNATED,
    ApplicationState.REVOKED,
)


@dataclass
class DomainRow:
    domain: str
    tier: str
    quota: int
    submitted: int
    evaluated: int
    designated: int

    @property
    def label(self) -> str:
        return f"{Domain(self.domain).label}·{Tier(self.tier).label}"

    @property
    def left(self) -> int:
        return rules.quota_left(self.quota, self.designated)


def domain_rows(progress: dict) -> list[DomainRow]:
    """Per domain and tier: quota, applications submitted (or further), evaluated (or further), designated."""
    rows = []
    for row in progress["rows"]:
        by_state = row.by_state
        rows.append(
            DomainRow(
                domain=row.domain,
                tier=row.tier,
                quota=row.quota or 0,
                submitted=sum(by_state.get(s, 0) for s in SUBMITTED_OR_LATER),
                evaluated=sum(by_state.get(s, 0) for s in EVALUATED_OR_LATER),
                designated=row.designated,
            )
        )
    order = {value: index for index, value in enumerate(Domain.values)}
    tiers = {value: index for index, value in enumerate(Tier.values)}
    return sorted(rows, key=lambda r: (tiers.get(r.tier, 9), order.get(r.domain, 99)))


# Score bands of the histogram: [low, high) out of 100, the last one closed.
SCORE_BANDS = ((0, 60), (60, 70), (70, 80), (80, 85), (85, 90), (90, 95), (95, 100))


def band_label(low: int, high: int) -> str:
    if low == 0:
        return _("60 分以下")
    if high == 100:
        return _("%(low)d–100 分") % {"low": low}
    return _("%(low)d–%(high)d 分") % {"low": low, "high": high}


def score_histogram(*, user, campaign: Campaign) -> list[tuple[str, int]]:
    """How many applications in scope got a total in each band (those with a fixed result)."""
    totals = (
        selectors.applications_within(user=user, campaign=campaign)
        .filter(total_score__isnull=False)
        .values_list("total_score", flat=True)
    )
    counts = [0] * len(SCORE_BANDS)
    for total in totals:
        for index, (low, high) in enumerate(SCORE_BANDS):
            last = index == len(SCORE_BANDS) - 1
            if Decimal(low) <= total < Decimal(high) or (last and total >= Decimal(low)):
                counts[index] += 1
                break
    return [(band_label(low, high), n) for (low, high), n in zip(SCORE_BANDS, counts, strict=True)]


@dataclass
class BoardColumn:
    domain: str
    sites: list[Site] = field(default_factory=list)

    @property
    def label(self) -> str:
        return Domain(self.domain).label


def designated_board(*, user, campaign: Campaign) -> dict[str, list[BoardColumn]]:
    """The campaign's sites holding their plaque in the user's scope, per tier and domain (a board, no map)."""
    board: dict[str, dict[str, BoardColumn]] = defaultdict(dict)
    sites = selectors.sites_within(user=user, campaign=campaign, active=True).order_by("plaque_no")
    for site in sites:
        column = board[site.tier].setdefault(site.domain, BoardColumn(site.domain))
        column.sites.append(site)
    order = {value: index for index, value in enumerate(Domain.values)}
    return {
        tier: sorted(board[tier].values(), key=lambda c: order.get(c.domain, 99))
        for tier in Tier.values
        if tier in board
    }


@dataclass
class PhaseStep:
    key: str
    label: str
    deadline: dt.date
    current: bool
    passed: bool


def phase_label(phase: str) -> str:
    labels = {
        rules.MOBILIZATION: _("动员部署"),
        rules.IMPLEMENTATION: _("组织实施"),
        rules.ACCEPTANCE: _("总结验收"),
        rules.FINISHED: _("各阶段已结束"),
    }
    return str(labels.get(phase, phase))


def phase_steps(campaign: Campaign, today: dt.date) -> list[PhaseStep]:
    """The campaign's phases with their deadlines (方案一 三), the current one marked."""
    phase = rules.phase_on(
        rules.Deadlines(
            campaign.mobilization_by, campaign.plan_due, campaign.implementation_by, campaign.acceptance_by
        ),
        today,
    )
    steps = [
        (rules.MOBILIZATION, _("动员部署"), campaign.mobilization_by),
        ("plan", _("创建计划报送"), campaign.plan_due),
        (rules.IMPLEMENTATION, _("组织实施（申报）"), campaign.implementation_by),
        (rules.ACCEPTANCE, _("总结验收"), campaign.acceptance_by),
    ]
    return [
        PhaseStep(key, str(label), deadline, current=key == phase, passed=today > deadline)
        for key, label, deadline in steps
    ]
