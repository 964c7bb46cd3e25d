"""年度创建: opening a year's campaign with its deadlines, weights and quotas; changing and closing it."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.orgs.models import Domain, Organization

from .. import rules
from ..models import Campaign, CampaignState, Quota, Tier
from .common import require_admin, require_campaign_manager, today

CAMPAIGN_FIELDS = [
    "year",
    "title",
    "org_id",
    "state",
    "mobilization_by",
    "plan_due",
    "implementation_by",
    "acceptance_by",
    "weight_self",
    "weight_mass",
    "weight_org",
    "satisfaction_threshold",
    "survey_min_answers",
    "notice_working_days",
    "rereview_pass_score",
    "bottom_rank_count",
    "bottom_rank_share",
]
SETTINGS_FIELDS = {
    "weight_self": "WEIGHT_SELF",
    "weight_mass": "WEIGHT_MASS",
    "weight_org": "WEIGHT_ORG",
    "satisfaction_threshold": "SATISFACTION_THRESHOLD",
    "survey_min_answers": "SURVEY_MIN_ANSWERS",
    "notice_working_days": "NOTICE_WORKING_DAYS",
    "rereview_pass_score": "REREVIEW_PASS_SCORE",
    "bottom_rank_count": "BOTTOM_RANK_COUNT",
    "bottom_rank_share": "BOTTOM_RANK_SHARE",
}
PERCENT_FIELDS = ("satisfaction_threshold", "rereview_pass_score", "bottom_rank_share")


def _check(campaign: Campaign) -> None:
    """Deadlines in the year and in order, weights summing to 100, percentages within 0–100."""
    deadlines = rules.Deadlines(
        campaign.mobilization_by, campaign.plan_due, campaign.implementation_by, campaign.acceptance_by
    )
    problems = rules.deadline_problems(campaign.year, deadlines)
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, [{"field": f, "message": m} for f, m in problems])
    problem = rules.weights_problem(
        rules.Weights(campaign.weight_self, campaign.weight_mass, campaign.weight_org)
    )
    if problem:
        raise ValidationFailed.field("weight_self", problem)
    for field in PERCENT_FIELDS:
        if not 0 <= getattr(campaign, field) <= 100:
            raise ValidationFailed.field(field, _("应在 0 到 100 之间"))
    if campaign.notice_working_days < 1 or campaign.notice_working_days > 30:
        raise ValidationFailed.field("notice_working_days", _("公示期应为 1 到 30 个工作日"))
    if campaign.survey_min_answers < 1:
        raise ValidationFailed.field("survey_min_answers", _("至少需要 1 份答卷"))
    if not campaign.title.strip():
        raise ValidationFailed.field("title", _("请填写名称"))


def _quota_problem(domain: str, tier: str, number: int) -> tuple[str, str] | None:
    if domain not in Domain.values:
        return "domain", _("领域取值无效")
    if tier not in Tier.values:
        return "tier", _("层级取值无效")
    if number < 0 or number > 9999:
        return "number", _("名额应在 0 到 9999 之间")
    return None


@transaction.atomic
def campaign_open(
    *,
    actor,
    year: int,
    title: str = "",
    org: Organization | None = None,
    quotas: dict[tuple[str, str], int] | None = None,
    **options,
) -> Campaign:
    """Open a year's campaign. Deadlines default to the seeds' calendar (rules.default_deadlines), weights
    and thresholds to DANGJIAN_SITES, quotas to the seeds' 40-site example (rules.DEFAULT_QUOTAS)."""
    require_admin(actor)
    org = org or actor.org
    if not scoping.in_scope(actor, org.path):
        raise ValidationFailed.field("org_id", _("组织不存在或不在您的管理范围内"))
    if year < 2000 or year > 2100:
        raise ValidationFailed.field("year", _("年度应在 2000 到 2100 之间"))
    if Campaign.objects.filter(org=org, year=year).exists():
        raise ValidationFailed.field("year", _("%(year)d 年度创建工作已经开启") % {"year": year})
    defaults = rules.default_deadlines(year)
    values = {
        "mobilization_by": defaults.mobilization_by,
        "plan_due": defaults.plan_due,
        "implementation_by": defaults.implementation_by,
        "acceptance_by": defaults.acceptance_by,
        **{field: settings.DANGJIAN_SITES[key] for field, key in SETTINGS_FIELDS.items()},
    }
    unknown = set(options) - set(values) - {"notes"}
    if unknown:
        raise ValidationFailed.field(sorted(unknown)[0], _("未知的字段"))
    values.update({key: value for key, value in options.items() if value is not None})
    campaign = Campaign(
        year=year,
        title=(title or _("%(year)d 年度党建示范点创建工作") % {"year": year}).strip()[:200],
        org=org,
        org_path=org.path,
        created_by=actor,
        **values,
    )
    _check(campaign)
    campaign.save()
    quotas = rules.DEFAULT_QUOTAS if quotas is None else quotas
    for (domain, tier), number in quotas.items():
        problem = _quota_problem(domain, tier, number)
        if problem:
            raise ValidationFailed.field(*problem)
    Quota.objects.bulk_create(
        [Quota(campaign=campaign, domain=d, tier=t, number=n) for (d, t), n in quotas.items()]
    )
    audit.record(
        actor=actor,
        action="create",
        obj=campaign,
        org=org,
        after={**audit.snapshot(campaign, CAMPAIGN_FIELDS), "quotas": sum(quotas.values())},
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **changes) -> Campaign:
    """Change a campaign's title, deadlines, weights or thresholds while it is open."""
    require_campaign_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise TransitionNotAllowed(_("年度创建工作已结束，不能再修改"))
    allowed = set(CAMPAIGN_FIELDS) - {"year", "org_id", "state"} | {"notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed.field(sorted(unknown)[0], _("该字段不能修改"))
    before = audit.snapshot(campaign, CAMPAIGN_FIELDS)
    for field, value in changes.items():
        if value is not None:
            setattr(campaign, field, value.strip() if isinstance(value, str) else value)
    _check(campaign)
    campaign.save()
    audit.record(
        actor=actor,
        action="update",
        obj=campaign,
        org=campaign.org,
        before=before,
        after=audit.snapshot(campaign, CAMPAIGN_FIELDS),
    )
    return campaign


@transaction.atomic
def quota_set(*, actor, campaign: Campaign, domain: str, tier: str, number: int) -> Quota:
    """Set the number of sites of one domain and tier (never below the sites already designated)."""
    from ..models import Site

    require_campaign_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise TransitionNotAllowed(_("年度创建工作已结束，不能再修改名额"))
    problem = _quota_problem(domain, tier, number)
    if problem:
        raise ValidationFailed.field(*problem)
    designated = Site.objects.filter(
        campaign=campaign, domain=domain, tier=tier, revoked_on__isnull=True
    ).count()
    if number < designated:
        raise ValidationFailed.field("number", _("已授牌 %(n)d 个，名额不能少于已授牌数") % {"n": designated})
    quota = Quota.objects.filter(campaign=campaign, domain=domain, tier=tier).first()
    before = {"number": quota.number} if quota else None
    try:
        with transaction.atomic():
            quota, _created = Quota.objects.update_or_create(
                campaign=campaign, domain=domain, tier=tier, defaults={"number": number}
            )
    except IntegrityError:
        raise ValidationFailed.field("domain", _("名额已被他人同时修改，请重试")) from None
    audit.record(
        actor=actor,
        action="update",
        obj=campaign,
        org=campaign.org,
        summary=_("名额 %(domain)s %(tier)s") % {"domain": Domain(domain).label, "tier": Tier(tier).label},
        before=before,
        after={"number": number},
    )
    return quota


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign, closed_on: dt.date | None = None) -> Campaign:
    require_campaign_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise TransitionNotAllowed(_("年度创建工作已经结束"))
    before = audit.snapshot(campaign, CAMPAIGN_FIELDS)
    campaign.state = CampaignState.CLOSED
    campaign.closed_on = closed_on or today()
    campaign.save(update_fields=["state", "closed_on"])
    audit.record(
        actor=actor,
        action="transition",
        obj=campaign,
        org=campaign.org,
        summary=_("结束%(year)d年度创建工作") % {"year": campaign.year},
        before=before,
        after=audit.snapshot(campaign, CAMPAIGN_FIELDS),
    )
    return campaign
