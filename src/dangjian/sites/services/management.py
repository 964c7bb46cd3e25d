"""动态管理 (方案三): yearly re-review of designated sites ("不搞终身制"), 末位管理 with rectification and the
award bar for the unit's principal and directly responsible persons."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit, tree
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.orgs.models import LeadershipPosition

from .. import metrics, rules
from ..models import (
    AwardBar,
    BarRole,
    Campaign,
    Criterion,
    EventKind,
    Method,
    Rectification,
    RectificationState,
    ReReview,
    ReReviewScore,
    ReReviewState,
    Site,
)
from ..selectors import bottom_rank_candidates, catalogue_for
from .common import event, is_above, require_campaign_manager, require_decider, require_in_scope, today

REREVIEW_FIELDS = ["campaign_id", "site_id", "catalogue_id", "state", "score", "concluded_on"]
RECTIFICATION_FIELDS = ["campaign_id", "org_id", "score", "deadline", "state", "closed_on"]


def scored_by_hand(criterion: Criterion) -> bool:
    """In a re-review, manual criteria and those computed from an application's own survey are scored by the
    panel (there is no new survey)."""
    if criterion.method == Method.MANUAL:
        return True
    found = metrics.METRICS.get(criterion.metric)
    return found is None or found.from_survey


@transaction.atomic
def rereview_open(*, actor, campaign: Campaign) -> list[ReReview]:
    """Start the year's re-review: every site still holding its plaque, designated in an earlier campaign
    inside this campaign's area, is to be checked on this year's catalogue of its domain (idempotent)."""
    # 方案三: 对示范点实行动态管理，每年进行复审.
    require_campaign_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise TransitionNotAllowed(_("年度创建工作已结束"))
    sites = (
        Site.objects.filter(tree.within(campaign.org_path, "org_path"))
        .filter(revoked_on__isnull=True, campaign__year__lt=campaign.year)
        .exclude(rereviews__campaign=campaign)
        .select_related("application__catalogue", "org")
    )
    created = []
    for site in sites.order_by("org_path"):
        catalogue = catalogue_for(campaign.year, site.domain) or site.application.catalogue
        rereview = ReReview.objects.create(campaign=campaign, site=site, catalogue=catalogue)
        created.append(rereview)
    audit.record(
        actor=actor,
        action="create",
        obj=campaign,
        org=campaign.org,
        summary=_("启动年度复审：%(n)d 个示范点") % {"n": len(created)},
        after={"rereviews": len(created)},
    )
    return created


@transaction.atomic
def rereview_score(*, actor, rereview: ReReview, items: list[dict]) -> list[ReReviewScore]:
    """The re-review panel's scores on the criteria scored by hand."""
    require_decider(actor, rereview.site.application)
    rereview = ReReview.objects.select_for_update().get(pk=rereview.pk)
    if rereview.state != ReReviewState.OPEN:
        raise TransitionNotAllowed(_("复审已经结束，不能再修改评分"))
    criteria = {c.code: c for c in rereview.catalogue.criteria.all()}
    if not items:
        raise ValidationFailed.field("items", _("请至少填写一项评分"))
    saved = []
    for index, item in enumerate(items):
        code = str(item.get("code") or "").strip()
        criterion = criteria.get(code)
        if criterion is None:
            raise ValidationFailed.field(
                f"items.{index}.code", _("创建标准中没有编码为“%(code)s”的条目") % {"code": code}
            )
        if not scored_by_hand(criterion):
            raise ValidationFailed.field(
                f"items.{index}.code", _("“%(code)s”为自动指标，由系统计算") % {"code": code}
            )
        if item.get("score") is None:
            raise ValidationFailed.field(f"items.{index}.score", _("请填写得分"))
        score = Decimal(str(item["score"]))
        problem = rules.score_problem(score, criterion.max_score)
        if problem:
            raise ValidationFailed.field(f"items.{index}.score", problem)
        note = str(item.get("note") or "").strip()[:2000]
        record, _created = ReReviewScore.objects.update_or_create(
            rereview=rereview, criterion=criterion, defaults={"score": score, "note": note}
        )
        saved.append(record)
    audit.record(
        actor=actor,
        action="update",
        obj=rereview,
        org=rereview.site.org,
        summary=_("复审评分 %(n)d 项") % {"n": len(saved)},
        after={s.criterion.code: str(s.score) for s in saved},
    )
    return saved


@transaction.atomic
def rereview_conclude(*, actor, rereview: ReReview, note: str = "") -> ReReview:
    """Score the site (hand scores plus automatic metrics, out of 100) against the campaign's pass mark:
    passed, or failed — a failed site is then revoked (摘牌) with a reason by `application_revoke`."""
    site = rereview.site
    require_decider(actor, site.application)
    rereview = (
        ReReview.objects.select_for_update(of=("self",))
        .select_related("campaign", "catalogue")
        .get(pk=rereview.pk)
    )
    if rereview.state != ReReviewState.OPEN:
        raise TransitionNotAllowed(_("复审已经结束"))
    criteria = list(rereview.catalogue.criteria.all())
    scores = {s.criterion_id: s.score for s in rereview.scores.all()}
    missing = [c.code for c in criteria if scored_by_hand(c) and c.pk not in scores]
    if missing:
        raise TransitionNotAllowed(
            _("还有 %(n)d 项未评分：%(codes)s") % {"n": len(missing), "codes": "、".join(missing)}
        )
    day = today()
    results = {}
    points = {}
    for criterion in criteria:
        if scored_by_hand(criterion):
            points[criterion.code] = scores[criterion.pk]
            continue
        result = metrics.compute(
            criterion.metric,
            metrics.MetricContext(
                org=site.org,
                year=rereview.campaign.year,
                today=day,
                threshold=criterion.threshold,
                application=site.application,
                satisfaction_threshold=rereview.campaign.satisfaction_threshold,
            ),
        )
        results[criterion.code] = result.as_dict()
        points[criterion.code] = rules.auto_points(result.met, criterion.max_score)
    score = rules.self_part({c.code: c.max_score for c in criteria}, points)
    before = audit.snapshot(rereview, REREVIEW_FIELDS)
    passed = rules.rereview_passed(score, rereview.campaign.rereview_pass_score)
    rereview.score = score
    rereview.metric_results = results
    rereview.state = ReReviewState.PASSED if passed else ReReviewState.FAILED
    rereview.note = (note or "").strip()[:2000]
    rereview.concluded_on = day
    rereview.concluded_by = actor
    rereview.save()
    event(
        org=site.org,
        kind=EventKind.REREVIEWED,
        on=day,
        note=_("%(year)d 年复审 %(score)s 分，%(result)s")
        % {
            "year": rereview.campaign.year,
            "score": score,
            "result": _("通过")
            if passed
            else _("未达到 %(pass)d 分") % {"pass": rereview.campaign.rereview_pass_score},
        },
        actor=actor,
        application=site.application,
        site=site,
    )
    audit.record(
        actor=actor,
        action="transition",
        obj=rereview,
        org=site.org,
        summary=_("%(year)d 年复审结论：%(result)s")
        % {"year": rereview.campaign.year, "result": rereview.get_state_display()},
        before=before,
        after=audit.snapshot(rereview, REREVIEW_FIELDS),
    )
    return rereview


def _secretary(org) -> LeadershipPosition | None:
    return (
        LeadershipPosition.objects.filter(org=org, post="secretary", ended_on__isnull=True)
        .order_by("started_on", "id")
        .first()
    )


@transaction.atomic
def bottom_rank_apply(*, actor, campaign: Campaign, deadline: dt.date, task: str = "") -> list[Rectification]:
    """末位管理: each unit ranked at the bottom of its domain this year gets a rectification task with a
    deadline; the unit, its principal (the secretary) and its directly responsible person (the creation
    plan's 责任人) may not be commended this year. Units already under rectification are left as they are."""
    # 方案三: 对创建工作责任不落实，达不到创建工作要求的单位实行末位管理，限期整改，且主要责任人和具体责任人当年不得评先评优.
    require_campaign_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    day = today()
    if deadline <= day:
        raise ValidationFailed.field("deadline", _("整改期限应晚于今天"))
    task = (task or "").strip() or _("对照创建标准查找差距，限期整改到位")
    if len(task) > 2000:
        raise ValidationFailed.field("task", _("整改任务最多 2000 个字"))
    created = []
    for entries in bottom_rank_candidates(campaign=campaign).values():
        for entry in entries:
            if not entry.bottom or Rectification.objects.filter(campaign=campaign, org=entry.org).exists():
                continue
            site = entry.rereview.site if entry.rereview else None
            application = entry.application or (site.application if site else None)
            rectification = Rectification.objects.create(
                campaign=campaign,
                org=entry.org,
                org_path=entry.org.path,
                site=site,
                application=application,
                score=entry.score,
                task=task,
                deadline=deadline,
                created_by=actor,
                created_on=day,
            )
            reason = _("%(year)d 年度党建示范点创建末位管理（得分 %(score)s）") % {
                "year": campaign.year,
                "score": entry.score,
            }
            bars = [AwardBar(role=BarRole.ORG)]
            secretary = _secretary(entry.org)
            if secretary is not None:
                bars.append(
                    AwardBar(
                        role=BarRole.PRINCIPAL, person_name=secretary.person_name, member=secretary.member
                    )
                )
            responsible = (application.responsible if application else "").strip()
            if responsible:
                bars.append(AwardBar(role=BarRole.RESPONSIBLE, person_name=responsible[:50]))
            for bar in bars:
                bar.year = campaign.year
                bar.org = entry.org
                bar.org_path = entry.org.path
                bar.reason = reason
                bar.rectification = rectification
                bar.created_on = day
            AwardBar.objects.bulk_create(bars)
            event(
                org=entry.org,
                kind=EventKind.RECTIFICATION,
                on=day,
                note=_("限期 %(deadline)s 前整改；当年不得评先评优") % {"deadline": f"{deadline:%Y-%m-%d}"},
                actor=actor,
                application=application,
                site=site,
            )
            audit.record(
                actor=actor,
                action="create",
                obj=rectification,
                org=entry.org,
                summary=reason,
                after={**audit.snapshot(rectification, RECTIFICATION_FIELDS), "award_bars": len(bars)},
            )
            created.append(rectification)
    return created


@transaction.atomic
def rectification_close(*, actor, rectification: Rectification, note: str) -> Rectification:
    """销号: the committee above the unit closes its rectification with a note on what was done."""
    require_in_scope(actor, rectification.org_path)
    if actor.role not in ("county_admin", "committee_officer") or not is_above(actor, rectification.org_path):
        raise PermissionDenied(_("整改由上级党组织验收销号"))
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if rectification.state != RectificationState.OPEN:
        raise TransitionNotAllowed(_("该整改任务已经销号"))
    note = (note or "").strip()
    if not note:
        raise ValidationFailed.field("note", _("请填写整改情况"))
    before = audit.snapshot(rectification, RECTIFICATION_FIELDS)
    day = today()
    rectification.state = RectificationState.CLOSED
    rectification.closing_note = note[:2000]
    rectification.closed_on = day
    rectification.save(update_fields=["state", "closing_note", "closed_on"])
    event(
        org=rectification.org,
        kind=EventKind.RECTIFICATION_CLOSED,
        on=day,
        note=note[:300],
        actor=actor,
        application=rectification.application,
        site=rectification.site,
    )
    audit.record(
        actor=actor,
        action="hold",
        obj=rectification,
        org=rectification.org,
        summary=_("整改销号"),
        before=before,
        after=audit.snapshot(rectification, RECTIFICATION_FIELDS),
    )
    return rectification
