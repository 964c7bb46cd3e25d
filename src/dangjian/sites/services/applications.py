"""申报 as a state machine: draft → submitted → recommended → evaluated → publicized → designated, with
return (back to draft), reject and revoke (rules.TRANSITIONS).

Every transition locks the application row, checks who acts and whether the step is allowed now, then moves
the state with a conditional update (`state = <what we read>`), so two people acting at once cannot both
succeed or skip a state: the second gets 409. Designation also locks the campaign row, which serializes the
plaque numbers and the quota count of a campaign.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.orgs.models import Domain, Organization, OrgKind

from .. import rules, scoring
from ..models import (
    Application,
    ApplicationState,
    Campaign,
    EventKind,
    ObjectionState,
    Quota,
    ReReviewState,
    Site,
    Tier,
)
from ..selectors import catalogue_for
from .common import (
    event,
    require_above,
    require_applicant,
    require_decider,
    require_in_scope,
    state_labels,
    today,
)

APPLICATION_FIELDS = [
    "campaign_id",
    "org_id",
    "domain",
    "tier",
    "catalogue_id",
    "state",
    "goals",
    "content",
    "schedule",
    "measures",
    "responsible",
    "features",
    "site_area",
    "plan_filed_on",
    "self_score",
    "mass_score",
    "org_score",
    "total_score",
    "return_reason",
    "reject_reason",
    "revoke_reason",
]
PLAN_TEXT_FIELDS = ("goals", "content", "schedule", "measures", "features")
SITE_FIELDS = [
    "plaque_no",
    "tier",
    "domain",
    "designated_on",
    "revoked_on",
    "revoke_reason",
    "commended",
    "commended_on",
]


# --- helpers -------------------------------------------------------------------------------------------------


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign", "org", "catalogue")
        .get(pk=application.pk)
    )


def _target(application: Application, action: str) -> str:
    try:
        return rules.next_state(action, application.state, state_labels())
    except rules.TransitionRefused as exc:
        raise TransitionNotAllowed(str(exc)) from None


def _advance(application: Application, action: str, **changes) -> Application:
    """Move to the next state only if nobody moved it since we read it (conditional update)."""
    target = _target(application, action)
    updated = Application.objects.filter(pk=application.pk, state=application.state).update(
        state=target, updated_at=timezone.now(), **changes
    )
    if updated != 1:
        raise TransitionNotAllowed(_("该申报刚被他人处理，状态已改变，请刷新后再试"))
    application.refresh_from_db()
    return application


def _require_open(campaign: Campaign) -> None:
    if not campaign.is_open:
        raise TransitionNotAllowed(_("年度创建工作已结束"))


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.field(field, _("请填写原因"))
    if len(text) > 300:
        raise ValidationFailed.field(field, _("原因最多 300 个字"))
    return text


def _record(actor, application: Application, before: dict, summary: str = "", action: str = "update"):
    audit.record(
        actor=actor,
        action=action,
        obj=application,
        org=application.org,
        summary=summary,
        before=before,
        after=audit.snapshot(application, APPLICATION_FIELDS),
    )


def _plan_values(plan: dict) -> dict:
    values = {}
    for field in PLAN_TEXT_FIELDS:
        if field in plan and plan[field] is not None:
            text = str(plan[field]).strip()
            if len(text) > 5000:
                raise ValidationFailed.field(field, _("最多 5000 个字"))
            values[field] = text
    if plan.get("responsible") is not None:
        responsible = str(plan["responsible"]).strip()
        if len(responsible) > 100:
            raise ValidationFailed.field("responsible", _("责任人最多 100 个字"))
        values["responsible"] = responsible
    if "site_area" in plan:
        area = plan["site_area"]
        if area is not None and (area < 0 or area > 100000):
            raise ValidationFailed.field("site_area", _("面积应在 0 到 100000 平方米之间"))
        values["site_area"] = area
    return values


def _mark_plan_filed(application: Application, day: dt.date) -> None:
    plan = {field: getattr(application, field) for field in rules.PLAN_FIELDS}
    if application.plan_filed_on is None and not rules.missing_plan_fields(plan):
        application.plan_filed_on = day


# --- draft ---------------------------------------------------------------------------------------------------


@transaction.atomic
def application_create(
    *, actor, campaign: Campaign, org: Organization, tier: str = Tier.COUNTY, **plan
) -> Application:
    """Start an application (draft) of `org` in `campaign`, scored on the catalogue of its year and domain."""
    require_in_scope(actor, org.path)
    _require_open(campaign)
    if tier not in Tier.values:
        raise ValidationFailed.field("tier", _("层级取值无效"))
    if tier == Tier.CITY:
        raise ValidationFailed.field("tier", _("市级示范点由县级示范点推荐产生，不能直接申报"))
    if org.is_dissolved or org.kind == OrgKind.GROUP or not org.is_grassroots:
        raise ValidationFailed.field("org_id", _("只有基层党组织（党委、党总支、党支部）可以申报示范点"))
    if not org.path.startswith(campaign.org_path) or org.pk == campaign.org_id:
        raise ValidationFailed.field("org_id", _("该组织不属于本年度创建工作的范围"))
    catalogue = catalogue_for(campaign.year, org.domain)
    if catalogue is None:
        raise ValidationFailed.field(
            "campaign_id", _("%(year)d 年尚未发布适用于该领域的创建标准") % {"year": campaign.year}
        )
    day = today()
    application = Application(
        campaign=campaign,
        org=org,
        org_path=org.path,
        domain=org.domain,
        tier=tier,
        catalogue=catalogue,
        created_by=actor,
        **_plan_values(plan),
    )
    _mark_plan_filed(application, day)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationFailed.field("org_id", _("该组织本年度已有同一层级的申报")) from None
    event(org=org, kind=EventKind.CREATED, on=day, actor=actor, application=application)
    _record(actor, application, None, action="create")
    return application


@transaction.atomic
def application_update(*, actor, application: Application, **plan) -> Application:
    """Edit the creation plan (目标、内容、进度、措施、责任人) while the application is a draft."""
    require_applicant(actor, application)
    application = _lock(application)
    if application.state != ApplicationState.DRAFT:
        raise TransitionNotAllowed(_("申报已提交，不能再修改创建计划；如需修改，请上级党组织退回"))
    before = audit.snapshot(application, APPLICATION_FIELDS)
    for field, value in _plan_values(plan).items():
        setattr(application, field, value)
    _mark_plan_filed(application, today())
    application.save()
    _record(actor, application, before)
    return application


# --- transitions ---------------------------------------------------------------------------------------------


@transaction.atomic
def application_submit(*, actor, application: Application) -> Application:
    """申报: the applying organization submits a complete creation plan and a complete self-evaluation."""
    require_applicant(actor, application)
    application = _lock(application)
    _target(application, "submit")
    _require_open(application.campaign)
    day = today()
    campaign = application.campaign
    deadlines = rules.Deadlines(
        campaign.mobilization_by, campaign.plan_due, campaign.implementation_by, campaign.acceptance_by
    )
    if not rules.submission_open(deadlines, day):
        raise TransitionNotAllowed(
            _("申报截止日期（%(day)s，组织实施阶段）已过，不能再提交（依据：方案一 三(二)）")
            % {"day": f"{campaign.implementation_by:%Y-%m-%d}"}
        )
    missing = rules.missing_plan_fields({f: getattr(application, f) for f in rules.PLAN_FIELDS})
    if missing:
        raise ValidationFailed(
            _("创建计划不完整，请填写：%(fields)s")
            % {"fields": "、".join(str(rules.PLAN_LABELS[f]) for f in missing)},
            [{"field": f, "message": _("此项为必填项")} for f in missing],
        )
    missing_self = scoring.missing_self_scores(application)
    if missing_self:
        raise ValidationFailed.field(
            "self_scores",
            _("基层自评不完整，还有 %(n)d 项未评分：%(codes)s")
            % {"n": len(missing_self), "codes": "、".join(missing_self)},
        )
    before = audit.snapshot(application, APPLICATION_FIELDS)
    application = _advance(application, "submit", submitted_on=day, return_reason="")
    event(org=application.org, kind=EventKind.SUBMITTED, on=day, actor=actor, application=application)
    _record(actor, application, before, summary=_("提交申报"), action="transition")
    return application


@transaction.atomic
def application_recommend(*, actor, application: Application) -> Application:
    """推荐: the committee above the applicant forwards it for evaluation (好中选优)."""
    require_above(actor, application)
    application = _lock(application)
    _target(application, "recommend")
    _require_open(application.campaign)
    day = today()
    before = audit.snapshot(application, APPLICATION_FIELDS)
    application = _advance(application, "recommend", recommended_on=day)
    event(org=application.org, kind=EventKind.RECOMMENDED, on=day, actor=actor, application=application)
    _record(actor, application, before, summary=_("推荐上报"), action="transition")
    return application


@transaction.atomic
def application_return(*, actor, application: Application, reason: str) -> Application:
    """退回: back to draft for changes — by the committee above while submitted, by the deciders after."""
    application = _lock(application)
    if application.state == ApplicationState.RECOMMENDED:
        require_decider(actor, application)
    else:
        require_above(actor, application)
    _target(application, "return")
    reason = _reason(reason)
    day = today()
    before = audit.snapshot(application, APPLICATION_FIELDS)
    application = _advance(
        application, "return", return_reason=reason, submitted_on=None, recommended_on=None
    )
    event(
        org=application.org,
        kind=EventKind.RETURNED,
        on=day,
        note=reason,
        actor=actor,
        application=application,
    )
    _record(actor, application, before, summary=_("退回修改"), action="transition")
    return application


@transaction.atomic
def application_evaluate(*, actor, application: Application) -> Application:
    """Fix the result of the three-way evaluation once every assigned reviewer has scored every manual
    criterion and the mass survey has enough answers; the parts and the total are stored."""
    require_decider(actor, application)
    application = _lock(application)
    _target(application, "evaluate")
    _require_open(application.campaign)
    day = today()
    sheet = scoring.score_sheet(application, day)
    if not sheet.reviewers:
        raise TransitionNotAllowed(_("尚未安排评审人员，不能确定考评结果（依据：方案一 三(三)）"))
    unfinished = [r.assignment.reviewer.get_full_name() for r in sheet.reviewers if not r.complete]
    if unfinished:
        raise TransitionNotAllowed(
            _("评审人员 %(names)s 尚未完成全部评分") % {"names": "、".join(unfinished)}
        )
    needed = application.campaign.survey_min_answers
    if sheet.answered < needed:
        raise TransitionNotAllowed(
            _("群众测评有效答卷 %(n)d 份，至少需要 %(needed)d 份（依据：方案二 四(六)）")
            % {"n": sheet.answered, "needed": needed}
        )
    before = audit.snapshot(application, APPLICATION_FIELDS)
    application = _advance(
        application,
        "evaluate",
        evaluated_on=day,
        metric_results={code: result.as_dict() for code, result in sheet.auto.items()},
        self_score=sheet.self_part,
        mass_score=sheet.mass_part,
        org_score=sheet.org_part,
        total_score=sheet.total,
        survey_answered=sheet.answered,
        survey_satisfied=sheet.satisfied,
    )
    event(
        org=application.org,
        kind=EventKind.EVALUATED,
        on=day,
        note=_("综合得分 %(total)s") % {"total": sheet.total},
        actor=actor,
        application=application,
    )
    _record(actor, application, before, summary=_("确定考评结果"), action="transition")
    return application


@transaction.atomic
def application_reject(*, actor, application: Application, reason: str) -> Application:
    """未通过: the committee above may decline a submitted application; later the deciders."""
    application = _lock(application)
    if application.state == ApplicationState.SUBMITTED:
        require_above(actor, application)
    else:
        require_decider(actor, application)
    _target(application, "reject")
    reason = _reason(reason)
    day = today()
    before = audit.snapshot(application, APPLICATION_FIELDS)
    application = _advance(application, "reject", reject_reason=reason, closed_on=day)
    event(
        org=application.org,
        kind=EventKind.REJECTED,
        on=day,
        note=reason,
        actor=actor,
        application=application,
    )
    _record(actor, application, before, summary=_("确定为未通过"), action="transition")
    return application


def _holidays(key: str) -> frozenset[dt.date]:
    days = set()
    for text in settings.DANGJIAN_SITES.get(key, []):
        try:
            days.add(dt.date.fromisoformat(text))
        except ValueError:
            continue
    return frozenset(days)


def notice_calendar() -> tuple[frozenset, frozenset]:
    """(public holidays, adjusted working weekend days) from the settings."""
    return _holidays("HOLIDAYS"), _holidays("EXTRA_WORKDAYS")


@transaction.atomic
def application_designate(*, actor, application: Application) -> Site:
    """授牌: after the public notice ran its full period with no unresolved objection, within the quota of
    the domain and tier; issues the plaque number (unique per campaign and tier) and creates the site."""
    require_decider(actor, application)
    # Lock the campaign first: designations of one campaign queue here (plaque numbers, quota count).
    campaign = Campaign.objects.select_for_update().get(pk=application.campaign_id)
    application = _lock(application)
    _target(application, "designate")
    _require_open(campaign)
    day = today()
    notice = application.notice
    if notice is None or not rules.notice_over(notice.ends_on, day):
        raise TransitionNotAllowed(
            _("公示期至 %(day)s 结束，期满后才能授牌（依据：方案三）")
            % {"day": f"{notice.ends_on:%Y-%m-%d}" if notice else "—"}
        )
    open_objections = application.objections.filter(state=ObjectionState.OPEN).count()
    if open_objections:
        raise TransitionNotAllowed(_("有 %(n)d 条异议尚未处理，处理完毕后才能授牌") % {"n": open_objections})
    quota = Quota.objects.filter(campaign=campaign, domain=application.domain, tier=application.tier).first()
    designated = Site.objects.filter(
        campaign=campaign, domain=application.domain, tier=application.tier, revoked_on__isnull=True
    ).count()
    if rules.quota_left(quota.number if quota else None, designated) == 0:
        raise TransitionNotAllowed(
            _("%(domain)s领域%(tier)s示范点名额 %(quota)d 个已用完，不能再授牌（依据：方案三）")
            % {
                "domain": Domain(application.domain).label,
                "tier": application.get_tier_display(),
                "quota": quota.number if quota else 0,
            }
        )
    sequence = Site.objects.filter(campaign=campaign, tier=application.tier).count() + 1
    plaque = rules.plaque_number(
        settings.DANGJIAN_SITES["PLAQUE_PREFIX"], campaign.year, application.tier, sequence
    )
    before = audit.snapshot(application, APPLICATION_FIELDS)
    application = _advance(application, "designate", designated_on=day)
    site = Site.objects.create(
        application=application,
        org=application.org,
        org_path=application.org_path,
        campaign=campaign,
        tier=application.tier,
        domain=application.domain,
        plaque_no=plaque,
        designated_on=day,
    )
    note = plaque
    if application.tier == Tier.CITY:
        # 方案三: 被评为市级党建工作示范点的党组织书记直接定为县级"党员先锋".
        note = _("%(plaque)s；其党组织书记直接定为县级“党员先锋”") % {"plaque": plaque}
    event(
        org=application.org,
        kind=EventKind.DESIGNATED,
        on=day,
        note=note,
        actor=actor,
        application=application,
        site=site,
    )
    _record(
        actor, application, before, summary=_("授牌 %(plaque)s") % {"plaque": plaque}, action="transition"
    )
    return site


@transaction.atomic
def application_revoke(*, actor, application: Application, reason: str) -> Application:
    """摘牌: a designated site whose latest re-review failed loses its plaque, with a reason; it leaves the
    public list and its history stays."""
    require_decider(actor, application)
    application = _lock(application)
    _target(application, "revoke")
    reason = _reason(reason)
    site = Site.objects.select_for_update().get(application=application)
    latest = site.rereviews.exclude(state=ReReviewState.OPEN).order_by("-campaign__year").first()
    if latest is None or latest.state != ReReviewState.FAILED:
        raise TransitionNotAllowed(_("摘牌须经年度复审确认不再符合示范点要求（依据：方案三“每年进行复审”）"))
    day = today()
    before = audit.snapshot(application, APPLICATION_FIELDS)
    application = _advance(application, "revoke", revoke_reason=reason, closed_on=day)
    site.revoked_on = day
    site.revoke_reason = reason
    site.save(update_fields=["revoked_on", "revoke_reason"])
    event(
        org=application.org,
        kind=EventKind.REVOKED,
        on=day,
        note=reason,
        actor=actor,
        application=application,
        site=site,
    )
    _record(actor, application, before, summary=_("摘牌"), action="transition")
    return application


# --- after designation -----------------------------------------------------------------------------------------


@transaction.atomic
def application_recommend_to_city(*, actor, application: Application) -> Application:
    """向上推荐: a designated county site becomes a city-tier application (already recommended by the
    county), linked to the county one and carrying its plan; the city's evaluation then follows."""
    require_decider(actor, application)
    application = _lock(application)
    if application.tier != Tier.COUNTY or application.state != ApplicationState.DESIGNATED:
        raise TransitionNotAllowed(
            _("只有已授牌的县级示范点可以推荐为市级示范点（依据：方案三“好中选优、优中选强”）")
        )
    _require_open(application.campaign)
    if (
        Application.objects.filter(recommended_from=application)
        .exclude(state=ApplicationState.REJECTED)
        .exists()
    ):
        raise TransitionNotAllowed(_("该示范点已推荐为市级示范点"))
    day = today()
    city = Application(
        campaign=application.campaign,
        org=application.org,
        org_path=application.org_path,
        domain=application.domain,
        tier=Tier.CITY,
        catalogue=application.catalogue,
        state=ApplicationState.RECOMMENDED,
        recommended_from=application,
        created_by=actor,
        submitted_on=day,
        recommended_on=day,
        plan_filed_on=application.plan_filed_on,
        **{f: getattr(application, f) for f in (*PLAN_TEXT_FIELDS, "responsible", "site_area")},
    )
    try:
        with transaction.atomic():
            city.save()
    except IntegrityError:
        raise TransitionNotAllowed(_("该组织本年度已有市级申报")) from None
    event(org=city.org, kind=EventKind.CITY_RECOMMENDED, on=day, actor=actor, application=city)
    _record(actor, city, None, summary=_("推荐为市级示范点"), action="create")
    return city


@transaction.atomic
def site_commend(*, actor, site: Site, commended_on: dt.date | None = None) -> Site:
    """表彰: mark a designated site commended, before 七一 of the year."""
    scoping.require_tree_role(actor)
    require_decider(actor, site.application)
    site = Site.objects.select_for_update().get(pk=site.pk)
    if not site.is_active:
        raise TransitionNotAllowed(_("已摘牌的示范点不能表彰"))
    day = commended_on or today()
    if not rules.commendation_in_time(day):
        raise ValidationFailed.field(
            "commended_on",
            _("表彰在每年“七一”前进行（依据：方案三），日期不能晚于 %(year)d-07-01") % {"year": day.year},
        )
    if day < site.designated_on:
        raise ValidationFailed.field("commended_on", _("表彰日期不能早于授牌日期"))
    if site.commended:
        raise TransitionNotAllowed(_("该示范点已经表彰"))
    before = audit.snapshot(site, SITE_FIELDS)
    site.commended, site.commended_on = True, day
    site.save(update_fields=["commended", "commended_on"])
    event(
        org=site.org, kind=EventKind.COMMENDED, on=day, actor=actor, application=site.application, site=site
    )
    audit.record(
        actor=actor,
        action="transition",
        obj=site,
        org=site.org,
        summary=_("表彰示范点 %(plaque)s") % {"plaque": site.plaque_no},
        before=before,
        after=audit.snapshot(site, SITE_FIELDS),
    )
    return site
