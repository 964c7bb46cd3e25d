"""/campaigns: a year's campaign with its deadlines, weights, quotas and progress; ranking, notices, the
re-review round and bottom-rank management hang off it."""

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Schema

from dangjian.core import scoping
from dangjian.orgs.models import Domain

from .. import selectors, services
from ..models import ApplicationState, CampaignState, Tier
from ..services.common import require_campaign_manager
from .base import num, router


class Weights(Schema):
    self: int
    mass: int
    org: int


class QuotaOut(Schema):
    domain: Domain
    tier: Tier
    quota: int | None
    designated: int
    left: int
    by_state: dict[str, int]


class CampaignOut(Schema):
    id: int
    year: int
    title: str
    org_id: int
    org_name: str
    state: CampaignState
    mobilization_by: dt.date
    plan_due: dt.date
    implementation_by: dt.date
    acceptance_by: dt.date
    weights: Weights
    satisfaction_threshold: int
    survey_min_answers: int
    notice_working_days: int
    rereview_pass_score: int
    bottom_rank_count: int
    bottom_rank_share: int
    notes: str
    closed_on: dt.date | None


class ProgressOut(Schema):
    phase: str
    quota_total: int
    designated_total: int
    by_state: dict[str, int]


class CampaignDetail(CampaignOut):
    quotas: list[QuotaOut]
    progress: ProgressOut


class CampaignList(Schema):
    count: int
    items: list[CampaignOut]


class CampaignFilters(Schema):
    year: int | None = None
    state: CampaignState | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


class QuotaIn(Schema):
    domain: Domain
    tier: Tier
    number: int = Field(..., ge=0, le=9999)


class CampaignIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    title: str = Field("", max_length=200)
    org_id: int | None = None
    mobilization_by: dt.date | None = None
    plan_due: dt.date | None = None
    implementation_by: dt.date | None = None
    acceptance_by: dt.date | None = None
    weight_self: int | None = Field(None, ge=0, le=100)
    weight_mass: int | None = Field(None, ge=0, le=100)
    weight_org: int | None = Field(None, ge=0, le=100)
    satisfaction_threshold: int | None = Field(None, ge=0, le=100)
    survey_min_answers: int | None = Field(None, ge=1, le=10000)
    notice_working_days: int | None = Field(None, ge=1, le=30)
    rereview_pass_score: int | None = Field(None, ge=0, le=100)
    bottom_rank_count: int | None = Field(None, ge=0, le=1000)
    bottom_rank_share: int | None = Field(None, ge=0, le=100)
    notes: str = ""
    quotas: list[QuotaIn] | None = Field(None, description="缺省为方案三的 40 个县级名额")


class CampaignUpdateIn(Schema):
    title: str | None = Field(None, max_length=200)
    mobilization_by: dt.date | None = None
    plan_due: dt.date | None = None
    implementation_by: dt.date | None = None
    acceptance_by: dt.date | None = None
    weight_self: int | None = Field(None, ge=0, le=100)
    weight_mass: int | None = Field(None, ge=0, le=100)
    weight_org: int | None = Field(None, ge=0, le=100)
    satisfaction_threshold: int | None = Field(None, ge=0, le=100)
    survey_min_answers: int | None = Field(None, ge=1, le=10000)
    notice_working_days: int | None = Field(None, ge=1, le=30)
    rereview_pass_score: int | None = Field(None, ge=0, le=100)
    bottom_rank_count: int | None = Field(None, ge=0, le=1000)
    bottom_rank_share: int | None = Field(None, ge=0, le=100)
    notes: str | None = None


class RankedOut(Schema):
    application_id: int
    org_id: int
    org_name: str
    state: ApplicationState
    total_score: float | None
    place: int


class RankingGroup(Schema):
    domain: Domain
    tier: Tier
    items: list[RankedOut]


class RankingOut(Schema):
    items: list[RankingGroup]


class NoticeOut(Schema):
    id: int
    campaign_id: int
    title: str
    text: str
    starts_on: dt.date
    ends_on: dt.date
    working_days: int
    application_ids: list[int]


class NoticeList(Schema):
    count: int
    items: list[NoticeOut]


class NoticeIn(Schema):
    application_ids: list[int] = Field(..., min_length=1, max_length=500)
    starts_on: dt.date | None = None
    working_days: int | None = Field(None, ge=1, le=30)
    title: str = Field("", max_length=200)
    text: str = ""


class BottomOut(Schema):
    org_id: int
    org_name: str
    domain: Domain
    score: float
    application_id: int | None
    rereview_id: int | None
    bottom: bool


class BottomList(Schema):
    items: list[BottomOut]


class OverdueOut(Schema):
    application_id: int
    org_id: int
    org_name: str
    reason: str


class OverdueList(Schema):
    count: int
    items: list[OverdueOut]


def campaign_out(campaign) -> dict:
    return {
        **{
            f: getattr(campaign, f)
            for f in (
                "id",
                "year",
                "title",
                "org_id",
                "state",
                "mobilization_by",
                "plan_due",
                "implementation_by",
                "acceptance_by",
                "satisfaction_threshold",
                "survey_min_answers",
                "notice_working_days",
                "rereview_pass_score",
                "bottom_rank_count",
                "bottom_rank_share",
                "notes",
                "closed_on",
            )
        },
        "org_name": campaign.org.name,
        "weights": {"self": campaign.weight_self, "mass": campaign.weight_mass, "org": campaign.weight_org},
    }


def campaign_detail(request, campaign) -> dict:
    progress = selectors.campaign_progress(user=request.user, campaign=campaign, today=timezone.localdate())
    return {
        **campaign_out(campaign),
        "quotas": [
            {
                "domain": row.domain,
                "tier": row.tier,
                "quota": row.quota,
                "designated": row.designated,
                "left": row.left,
                "by_state": row.by_state,
            }
            for row in progress["rows"]
        ],
        "progress": {k: progress[k] for k in ("phase", "quota_total", "designated_total", "by_state")},
    }


def notice_out(notice) -> dict:
    return {
        **{
            f: getattr(notice, f)
            for f in ("id", "campaign_id", "title", "text", "starts_on", "ends_on", "working_days")
        },
        "application_ids": list(notice.applications.values_list("id", flat=True)),
    }


@router.get("/campaigns", response=CampaignList, summary="年度创建工作列表")
def list_campaigns(request, filters: Query[CampaignFilters]):
    queryset = selectors.campaigns_visible(user=request.user, year=filters.year, state=filters.state or "")
    page = list(queryset[filters.offset : filters.offset + filters.limit])
    return {"count": queryset.count(), "items": [campaign_out(c) for c in page]}


@router.post(
    "/campaigns",
    response={201: CampaignDetail},
    summary="开启年度创建工作（缺省名额为方案三的 40 个县级示范点）",
)
def open_campaign(request, payload: CampaignIn):
    values = payload.dict(exclude={"quotas", "org_id", "year", "title"})
    org = None
    if payload.org_id is not None:
        scoping.require_tree_role(request.user)
        org = scoping.get_org_or_404(request.user, payload.org_id)
    quotas = None
    if payload.quotas is not None:
        quotas = {(q.domain.value, q.tier.value): q.number for q in payload.quotas}
    campaign = services.campaign_open(
        actor=request.user, year=payload.year, title=payload.title, org=org, quotas=quotas, **values
    )
    return 201, campaign_detail(request, campaign)


@router.get("/campaigns/{campaign_id}", response=CampaignDetail, summary="年度创建工作（含名额与进度）")
def get_campaign(request, campaign_id: int):
    return campaign_detail(request, selectors.campaign_or_404(user=request.user, pk=campaign_id))


@router.patch("/campaigns/{campaign_id}", response=CampaignDetail, summary="修改年度创建工作")
def update_campaign(request, campaign_id: int, payload: CampaignUpdateIn):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    campaign = services.campaign_update(
        actor=request.user, campaign=campaign, **payload.dict(exclude_unset=True)
    )
    return campaign_detail(request, campaign)


@router.post("/campaigns/{campaign_id}/quotas", response=CampaignDetail, summary="设置某领域、层级的名额")
def set_quota(request, campaign_id: int, payload: QuotaIn):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    services.quota_set(
        actor=request.user,
        campaign=campaign,
        domain=payload.domain.value,
        tier=payload.tier.value,
        number=payload.number,
    )
    return campaign_detail(request, campaign)


@router.post("/campaigns/{campaign_id}/close", response=CampaignDetail, summary="结束年度创建工作")
def close_campaign(request, campaign_id: int):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    return campaign_detail(request, services.campaign_close(actor=request.user, campaign=campaign))


@router.get("/campaigns/{campaign_id}/ranking", response=RankingOut, summary="考评排名（按领域、层级）")
def campaign_ranking(request, campaign_id: int, domain: str = "", tier: str = ""):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    groups = selectors.ranking(user=request.user, campaign=campaign, domain=domain, tier=tier)
    return {
        "items": [
            {
                "domain": key[0],
                "tier": key[1],
                "items": [
                    {
                        "application_id": r.application.pk,
                        "org_id": r.application.org_id,
                        "org_name": r.application.org.name,
                        "state": r.application.state,
                        "total_score": num(r.application.total_score),
                        "place": r.place,
                    }
                    for r in ranked
                ],
            }
            for key, ranked in groups.items()
        ]
    }


@router.get("/campaigns/{campaign_id}/overdue", response=OverdueList, summary="逾期未报送计划或未提交的申报")
def campaign_overdue(request, campaign_id: int):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    found = selectors.overdue_applications(user=request.user, campaign=campaign, today=timezone.localdate())
    return {
        "count": len(found),
        "items": [
            {"application_id": a.pk, "org_id": a.org_id, "org_name": a.org.name, "reason": reason}
            for a, reason in found
        ],
    }


@router.get("/campaigns/{campaign_id}/notices", response=NoticeList, summary="公示")
def list_notices(request, campaign_id: int):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    notices = list(selectors.notices_of(user=request.user, campaign=campaign))
    return {"count": len(notices), "items": [notice_out(n) for n in notices]}


@router.post("/campaigns/{campaign_id}/notices", response={201: NoticeOut}, summary="公示一批已考评的申报")
def publish_notice(request, campaign_id: int, payload: NoticeIn):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    applications = [selectors.application_or_404(user=request.user, pk=pk) for pk in payload.application_ids]
    notice = services.notice_publish(
        actor=request.user,
        campaign=campaign,
        applications=applications,
        starts_on=payload.starts_on,
        working_days=payload.working_days,
        title=payload.title,
        text=payload.text,
    )
    return 201, notice_out(notice)


@router.get(
    "/campaigns/{campaign_id}/bottom-rank",
    response=BottomList,
    summary="末位管理：本年度参评单位（按领域，末位标出）",
)
def bottom_rank(request, campaign_id: int):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    require_campaign_manager(request.user, campaign)  # a campaign-wide list: its manager only
    groups = selectors.bottom_rank_candidates(campaign=campaign)
    return {
        "items": [
            {
                "org_id": e.org.pk,
                "org_name": e.org.name,
                "domain": e.domain,
                "score": num(e.score),
                "application_id": e.application.pk if e.application else None,
                "rereview_id": e.rereview.pk if e.rereview else None,
                "bottom": e.bottom,
            }
            for entries in groups.values()
            for e in entries
        ]
    }
