"""Designated sites, re-review, 末位管理 (rectifications and award bars), and the handling of objections."""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Schema

from dangjian.orgs.models import Domain

from .. import selectors, services
from ..models import BarRole, ObjectionState, RectificationState, ReReviewState, Tier
from .applications import EventList, events_out
from .base import num, router


class SiteOut(Schema):
    id: int
    application_id: int
    campaign_id: int
    year: int
    org_id: int
    org_name: str
    tier: Tier
    domain: Domain
    plaque_no: str
    designated_on: dt.date
    revoked_on: dt.date | None
    revoke_reason: str
    commended: bool
    commended_on: dt.date | None
    active: bool


class SiteList(Schema):
    count: int
    items: list[SiteOut]


class SiteFilters(Schema):
    campaign: int | None = None
    active: bool | None = Field(None, description="true 只列出仍在牌的；false 只列出已摘牌的")
    domain: Domain | None = None
    tier: Tier | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class CommendIn(Schema):
    commended_on: dt.date | None = None


class ReReviewOut(Schema):
    id: int
    campaign_id: int
    year: int
    site_id: int
    org_id: int
    org_name: str
    plaque_no: str
    catalogue_id: int
    state: ReReviewState
    score: float | None
    pass_score: int
    note: str
    concluded_on: dt.date | None


class ReReviewList(Schema):
    count: int
    items: list[ReReviewOut]


class ReReviewFilters(Schema):
    campaign: int | None = None
    state: ReReviewState | None = None
    limit: int = Field(200, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class ItemIn(Schema):
    code: str = Field(..., max_length=20)
    score: float = Field(..., ge=0, le=10000)
    note: str = Field("", max_length=2000)


class ItemsIn(Schema):
    items: list[ItemIn] = Field(..., min_length=1, max_length=200)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class RectificationOut(Schema):
    id: int
    campaign_id: int
    year: int
    org_id: int
    org_name: str
    site_id: int | None
    application_id: int | None
    score: float | None
    task: str
    deadline: dt.date
    state: RectificationState
    overdue: bool
    closing_note: str
    closed_on: dt.date | None


class RectificationList(Schema):
    count: int
    items: list[RectificationOut]


class RectificationFilters(Schema):
    campaign: int | None = None
    state: RectificationState | None = None
    overdue: bool = False
    limit: int = Field(200, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class BottomIn(Schema):
    deadline: dt.date
    task: str = Field("", max_length=2000)


class AwardBarOut(Schema):
    id: int
    year: int
    org_id: int
    org_name: str
    role: BarRole
    person_name: str
    member_id: int | None
    reason: str
    rectification_id: int | None


class AwardBarList(Schema):
    count: int
    items: list[AwardBarOut]


class ObjectionOut(Schema):
    id: int
    application_id: int
    org_name: str
    notice_id: int
    text: str
    received_on: dt.date
    state: ObjectionState
    upheld: bool | None
    resolution: str
    resolved_on: dt.date | None


class ObjectionList(Schema):
    count: int
    items: list[ObjectionOut]


class ObjectionFilters(Schema):
    state: ObjectionState | None = None
    campaign: int | None = None


class ResolveIn(Schema):
    upheld: bool
    resolution: str = Field(..., max_length=2000)


def site_out(site) -> dict:
    return {
        **{
            f: getattr(site, f)
            for f in (
                "id",
                "application_id",
                "campaign_id",
                "org_id",
                "tier",
                "domain",
                "plaque_no",
                "designated_on",
                "revoked_on",
                "revoke_reason",
                "commended",
                "commended_on",
            )
        },
        "year": site.campaign.year,
        "org_name": site.org.name,
        "active": site.is_active,
    }


def rereview_out(rereview) -> dict:
    return {
        **{
            f: getattr(rereview, f)
            for f in ("id", "campaign_id", "site_id", "catalogue_id", "state", "note", "concluded_on")
        },
        "year": rereview.campaign.year,
        "org_id": rereview.site.org_id,
        "org_name": rereview.site.org.name,
        "plaque_no": rereview.site.plaque_no,
        "score": num(rereview.score),
        "pass_score": rereview.campaign.rereview_pass_score,
    }


def rectification_out(rectification, today: dt.date) -> dict:
    return {
        **{
            f: getattr(rectification, f)
            for f in (
                "id",
                "campaign_id",
                "org_id",
                "site_id",
                "application_id",
                "task",
                "deadline",
                "state",
                "closing_note",
                "closed_on",
            )
        },
        "year": rectification.campaign.year,
        "org_name": rectification.org.name,
        "score": num(rectification.score),
        "overdue": rectification.state == RectificationState.OPEN and rectification.deadline < today,
    }


# --- designated sites ------------------------------------------------------------------------------------------


@router.get("/sites", response=SiteList, summary="示范点（已授牌；?campaign= 按年度创建工作）")
def list_sites(request, filters: Query[SiteFilters]):
    campaign = selectors.campaign_or_404(user=request.user, pk=filters.campaign) if filters.campaign else None
    queryset = selectors.sites_within(
        user=request.user,
        campaign=campaign,
        active=filters.active,
        domain=filters.domain or "",
        tier=filters.tier or "",
    )
    page = list(queryset.order_by("tier", "plaque_no")[filters.offset : filters.offset + filters.limit])
    return {"count": queryset.count(), "items": [site_out(s) for s in page]}


@router.get("/sites/{site_id}", response=SiteOut, summary="示范点详情")
def get_site(request, site_id: int):
    return site_out(selectors.site_or_404(user=request.user, pk=site_id))


@router.post("/sites/{site_id}/commend", response=SiteOut, summary="七一前表彰")
def commend_site(request, site_id: int, payload: CommendIn | None = None):
    site = selectors.site_or_404(user=request.user, pk=site_id)
    site = services.site_commend(
        actor=request.user, site=site, commended_on=(payload or CommendIn()).commended_on
    )
    return site_out(site)


@router.get("/sites/{site_id}/history", response=EventList, summary="示范点历程（跨年度）")
def site_history(request, site_id: int):
    site = selectors.site_or_404(user=request.user, pk=site_id)
    return events_out(selectors.site_history(org=site.org))


# --- re-review -----------------------------------------------------------------------------------------------


@router.post("/campaigns/{campaign_id}/re-reviews", response={201: ReReviewList}, summary="启动年度复审")
def open_rereviews(request, campaign_id: int):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    created = services.rereview_open(actor=request.user, campaign=campaign)
    return 201, {"count": len(created), "items": [rereview_out(r) for r in created]}


@router.get("/re-reviews", response=ReReviewList, summary="复审")
def list_rereviews(request, filters: Query[ReReviewFilters]):
    campaign = selectors.campaign_or_404(user=request.user, pk=filters.campaign) if filters.campaign else None
    queryset = selectors.rereviews_within(user=request.user, campaign=campaign, state=filters.state or "")
    page = list(queryset.order_by("site__org_path")[filters.offset : filters.offset + filters.limit])
    return {"count": queryset.count(), "items": [rereview_out(r) for r in page]}


@router.get("/re-reviews/{rereview_id}", response=ReReviewOut, summary="复审详情")
def get_rereview(request, rereview_id: int):
    return rereview_out(selectors.rereview_or_404(user=request.user, pk=rereview_id))


@router.post("/re-reviews/{rereview_id}/scores", response=ReReviewOut, summary="复审评分")
def score_rereview(request, rereview_id: int, payload: ItemsIn):
    rereview = selectors.rereview_or_404(user=request.user, pk=rereview_id)
    services.rereview_score(actor=request.user, rereview=rereview, items=[i.dict() for i in payload.items])
    return rereview_out(selectors.rereview_or_404(user=request.user, pk=rereview_id))


@router.post("/re-reviews/{rereview_id}/conclude", response=ReReviewOut, summary="复审结论（达标或未达标）")
def conclude_rereview(request, rereview_id: int, payload: NoteIn | None = None):
    rereview = selectors.rereview_or_404(user=request.user, pk=rereview_id)
    rereview = services.rereview_conclude(
        actor=request.user, rereview=rereview, note=(payload or NoteIn()).note
    )
    return rereview_out(rereview)


# --- bottom-rank management ------------------------------------------------------------------------------------


@router.post(
    "/campaigns/{campaign_id}/bottom-rank",
    response={201: RectificationList},
    summary="末位管理：对各领域末位单位下达限期整改，并限制当年评先评优",
)
def apply_bottom_rank(request, campaign_id: int, payload: BottomIn):
    campaign = selectors.campaign_or_404(user=request.user, pk=campaign_id)
    created = services.bottom_rank_apply(
        actor=request.user, campaign=campaign, deadline=payload.deadline, task=payload.task
    )
    today = timezone.localdate()
    return 201, {"count": len(created), "items": [rectification_out(r, today) for r in created]}


@router.get("/rectifications", response=RectificationList, summary="末位整改")
def list_rectifications(request, filters: Query[RectificationFilters]):
    today = timezone.localdate()
    campaign = selectors.campaign_or_404(user=request.user, pk=filters.campaign) if filters.campaign else None
    queryset = selectors.rectifications_within(
        user=request.user,
        campaign=campaign,
        state=filters.state or "",
        overdue_on=today if filters.overdue else None,
    )
    page = list(queryset[filters.offset : filters.offset + filters.limit])
    return {"count": queryset.count(), "items": [rectification_out(r, today) for r in page]}


@router.post("/rectifications/{rectification_id}/close", response=RectificationOut, summary="整改销号")
def close_rectification(request, rectification_id: int, payload: NoteIn):
    rectification = selectors.rectification_or_404(user=request.user, pk=rectification_id)
    rectification = services.rectification_close(
        actor=request.user, rectification=rectification, note=payload.note
    )
    return rectification_out(rectification, timezone.localdate())


@router.get("/award-bars", response=AwardBarList, summary="当年不得评先评优的单位和人员")
def list_award_bars(request, year: int | None = None):
    bars = list(selectors.award_bars_within(user=request.user, year=year))
    return {
        "count": len(bars),
        "items": [
            {
                **{
                    f: getattr(b, f)
                    for f in (
                        "id",
                        "year",
                        "org_id",
                        "role",
                        "person_name",
                        "member_id",
                        "reason",
                        "rectification_id",
                    )
                },
                "org_name": b.org.name,
            }
            for b in bars
        ],
    }


# --- objections (handled by the deciders) -------------------------------------------------------------------------


def objection_out(objection) -> dict:
    return {
        **{
            f: getattr(objection, f)
            for f in (
                "id",
                "application_id",
                "notice_id",
                "text",
                "received_on",
                "state",
                "upheld",
                "resolution",
                "resolved_on",
            )
        },
        "org_name": objection.application.org.name,
    }


@router.get("/objections", response=ObjectionList, summary="公示异议")
def list_objections(request, filters: Query[ObjectionFilters]):
    campaign = selectors.campaign_or_404(user=request.user, pk=filters.campaign) if filters.campaign else None
    items = list(selectors.objections_within(user=request.user, state=filters.state or "", campaign=campaign))
    return {"count": len(items), "items": [objection_out(o) for o in items]}


@router.post("/objections/{objection_id}/resolve", response=ObjectionOut, summary="处理异议")
def resolve_objection(request, objection_id: int, payload: ResolveIn):
    objection = selectors.objections_within(user=request.user).filter(pk=objection_id).first()
    if objection is None:
        raise Http404
    objection = services.objection_resolve(
        actor=request.user, objection=objection, upheld=payload.upheld, resolution=payload.resolution
    )
    return objection_out(objection)
