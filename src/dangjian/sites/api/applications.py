"""/applications: 申报 and its state machine (POST …/{id}/<action>, 409 when not allowed now), the score
sheet, evidence, survey codes, reviewer assignments and the history."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Schema
from ninja.files import UploadedFile

from dangjian.accounts.models import User
from dangjian.core import scoping
from dangjian.core.errors import ValidationFailed
from dangjian.orgs.models import Domain

from .. import rules, scoring, selectors, services
from ..models import Application, ApplicationState, Method, ReviewerAssignment, ReviewMethod, Tier
from ..services.common import is_above
from .base import num, router


class SiteBrief(Schema):
    id: int
    plaque_no: str
    designated_on: dt.date
    revoked_on: dt.date | None
    revoke_reason: str
    commended: bool
    commended_on: dt.date | None


class ApplicationOut(Schema):
    id: int
    campaign_id: int
    year: int
    org_id: int
    org_name: str
    domain: Domain
    tier: Tier
    catalogue_id: int
    state: ApplicationState
    goals: str
    content: str
    schedule: str
    measures: str
    responsible: str
    features: str
    site_area: float | None
    plan_filed_on: dt.date | None
    recommended_from_id: int | None
    notice_id: int | None
    self_score: float | None
    mass_score: float | None
    org_score: float | None
    total_score: float | None
    submitted_on: dt.date | None
    recommended_on: dt.date | None
    evaluated_on: dt.date | None
    publicized_on: dt.date | None
    designated_on: dt.date | None
    closed_on: dt.date | None
    return_reason: str
    reject_reason: str
    revoke_reason: str
    allowed_actions: list[str]
    site: SiteBrief | None


class ApplicationList(Schema):
    count: int
    items: list[ApplicationOut]


class ApplicationFilters(Schema):
    campaign: int | None = None
    state: ApplicationState | None = None
    domain: Domain | None = None
    tier: Tier | None = None
    within: int | None = Field(None, description="只列出该组织及其下级组织的申报")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


class PlanIn(Schema):
    goals: str | None = Field(None, max_length=5000)
    content: str | None = Field(None, max_length=5000)
    schedule: str | None = Field(None, max_length=5000)
    measures: str | None = Field(None, max_length=5000)
    responsible: str | None = Field(None, max_length=100)
    features: str | None = Field(None, max_length=5000)
    site_area: float | None = Field(None, ge=0, le=100000)


class ApplicationIn(PlanIn):
    campaign_id: int
    org_id: int
    tier: Tier = Tier.COUNTY


class ReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class PublicizeIn(Schema):
    starts_on: dt.date | None = None
    working_days: int | None = Field(None, ge=1, le=30)


class ScoreItem(Schema):
    code: str = Field(..., max_length=20)
    score: float = Field(..., ge=0, le=10000)
    note: str = Field("", max_length=2000)
    method: ReviewMethod | None = None


class ScoresIn(Schema):
    kind: str = Field(
        ..., pattern="^(self|review)$", description="self 基层自评；review 组织考评（评审人员）"
    )
    items: list[ScoreItem] = Field(..., min_length=1, max_length=200)


class MetricOut(Schema):
    value: float | None
    met: bool
    explanation: str


class CriterionScore(Schema):
    code: str
    group: str
    title: str
    max_score: float
    method: Method
    auto: MetricOut | None
    self_score: float | None
    self_note: str


class ReviewScoreOut(Schema):
    code: str
    method: ReviewMethod
    score: float
    note: str


class ReviewerOut(Schema):
    assignment_id: int
    reviewer_id: int
    reviewer_name: str
    complete: bool
    missing: list[str]
    scores: list[ReviewScoreOut]


class SurveyOut(Schema):
    answered: int
    satisfied: int
    rate: float | None
    threshold: int
    met: bool


class PartsOut(Schema):
    self: float
    mass: float
    organization: float | None
    total: float | None
    weights: dict[str, int]
    frozen: bool


class ScoreSheetOut(Schema):
    application_id: int
    state: ApplicationState
    criteria: list[CriterionScore]
    missing_self: list[str]
    reviewers: list[ReviewerOut]
    survey: SurveyOut
    parts: PartsOut


class EvidenceOut(Schema):
    id: int
    criterion: str
    name: str
    size: int
    uploaded_at: dt.datetime


class EvidenceList(Schema):
    count: int
    items: list[EvidenceOut]


class SurveyCodesIn(Schema):
    count: int = Field(..., ge=1, le=500)


class SurveyCodesOut(Schema):
    application_id: int
    count: int
    codes: list[str] = Field(..., description="只在此时显示一次；系统只保存其摘要")


class AssignmentIn(Schema):
    reviewer_id: int


class AssignmentOut(Schema):
    id: int
    reviewer_id: int
    reviewer_name: str
    assigned_on: dt.date


class AssignmentList(Schema):
    count: int
    items: list[AssignmentOut]


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    on: dt.date
    note: str
    application_id: int | None
    site_id: int | None
    year: int | None


class EventList(Schema):
    count: int
    items: list[EventOut]


class PhotoOut(Schema):
    id: int
    criterion: str
    method: str
    name: str
    size: int


# --- shaping -------------------------------------------------------------------------------------------------

PLAIN = (
    "id",
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
    "plan_filed_on",
    "recommended_from_id",
    "notice_id",
    "submitted_on",
    "recommended_on",
    "evaluated_on",
    "publicized_on",
    "designated_on",
    "closed_on",
    "return_reason",
    "reject_reason",
    "revoke_reason",
)


def application_out(application: Application) -> dict:
    site = getattr(application, "site", None) if application.state in ("designated", "revoked") else None
    return {
        **{f: getattr(application, f) for f in PLAIN},
        "year": application.campaign.year,
        "org_name": application.org.name,
        "site_area": num(application.site_area),
        "self_score": num(application.self_score),
        "mass_score": num(application.mass_score),
        "org_score": num(application.org_score),
        "total_score": num(application.total_score),
        "allowed_actions": rules.allowed_actions(application.state),
        "site": None
        if site is None
        else {
            f: getattr(site, f)
            for f in (
                "id",
                "plaque_no",
                "designated_on",
                "revoked_on",
                "revoke_reason",
                "commended",
                "commended_on",
            )
        },
    }


def _shows_reviews(user, application: Application) -> bool:
    """Officers and admins above the applicant see every reviewer's scores; a reviewer sees their own; the
    applicant sees them once the result is fixed."""
    if selectors.is_reviewer(user):
        return False
    return is_above(user, application.org_path) or application.state in scoring.FROZEN_STATES


def sheet_out(user, application: Application) -> dict:
    sheet = scoring.score_sheet(application, timezone.localdate())
    campaign = application.campaign
    reviewers = []
    for reviewer in sheet.reviewers:
        own = reviewer.assignment.reviewer_id == user.pk
        if not own and not _shows_reviews(user, application):
            continue
        reviewers.append(
            {
                "assignment_id": reviewer.assignment.pk,
                "reviewer_id": reviewer.assignment.reviewer_id,
                "reviewer_name": reviewer.assignment.reviewer.get_full_name(),
                "complete": reviewer.complete,
                "missing": reviewer.missing,
                "scores": [
                    {"code": code, "method": method, "score": num(score.score), "note": score.note}
                    for code, by_method in reviewer.scores.items()
                    for method, score in by_method.items()
                ],
            }
        )
    rate = sheet.satisfaction
    return {
        "application_id": application.pk,
        "state": application.state,
        "criteria": [
            {
                "code": c.code,
                "group": c.group,
                "title": c.title,
                "max_score": num(c.max_score),
                "method": c.method,
                "auto": None
                if c.code not in sheet.auto
                else {
                    "value": num(sheet.auto[c.code].value),
                    "met": sheet.auto[c.code].met,
                    "explanation": sheet.auto[c.code].explanation,
                },
                "self_score": num(sheet.self_scores[c.code].score) if c.code in sheet.self_scores else None,
                "self_note": sheet.self_scores[c.code].note if c.code in sheet.self_scores else "",
            }
            for c in sheet.criteria
        ],
        "missing_self": sheet.missing_self,
        "reviewers": reviewers,
        "survey": {
            "answered": sheet.answered,
            "satisfied": sheet.satisfied,
            "rate": num(rules.percent(rate)),
            "threshold": campaign.satisfaction_threshold,
            "met": rules.satisfaction_met(rate, campaign.satisfaction_threshold),
        },
        "parts": {
            "self": num(sheet.self_part),
            "mass": num(sheet.mass_part),
            "organization": num(sheet.org_part),
            "total": num(sheet.total),
            "weights": {
                "self": campaign.weight_self,
                "mass": campaign.weight_mass,
                "org": campaign.weight_org,
            },
            "frozen": sheet.frozen,
        },
    }


def _fetch(request, application_id: int) -> Application:
    return selectors.application_or_404(user=request.user, pk=application_id)


# --- list, create, read, edit ---------------------------------------------------------------------------------


@router.get("/applications", response=ApplicationList, summary="申报列表（评审人员只看到分配给自己的）")
def list_applications(request, filters: Query[ApplicationFilters]):
    campaign = selectors.campaign_or_404(user=request.user, pk=filters.campaign) if filters.campaign else None
    within = scoping.get_org_or_404(request.user, filters.within) if filters.within is not None else None
    queryset = selectors.applications_within(
        user=request.user,
        campaign=campaign,
        state=filters.state or "",
        domain=filters.domain or "",
        tier=filters.tier or "",
        within=within,
    ).select_related("site")
    page = list(queryset.order_by("org_path", "id")[filters.offset : filters.offset + filters.limit])
    return {"count": queryset.count(), "items": [application_out(a) for a in page]}


@router.post("/applications", response={201: ApplicationOut}, summary="新建申报（草稿，含创建计划）")
def create_application(request, payload: ApplicationIn):
    scoping.require_tree_role(request.user)  # the role first: a reviewer may not apply (403)
    campaign = selectors.campaign_or_404(user=request.user, pk=payload.campaign_id)
    org = scoping.get_org_or_404(request.user, payload.org_id)
    plan = payload.dict(exclude={"campaign_id", "org_id", "tier"}, exclude_unset=True)
    application = services.application_create(
        actor=request.user, campaign=campaign, org=org, tier=payload.tier.value, **plan
    )
    return 201, application_out(application)


@router.get("/applications/{application_id}", response=ApplicationOut, summary="申报详情")
def get_application(request, application_id: int):
    return application_out(_fetch(request, application_id))


@router.patch("/applications/{application_id}", response=ApplicationOut, summary="修改创建计划（草稿）")
def update_application(request, application_id: int, payload: PlanIn):
    application = _fetch(request, application_id)
    application = services.application_update(
        actor=request.user, application=application, **payload.dict(exclude_unset=True)
    )
    return application_out(application)


# --- actions -------------------------------------------------------------------------------------------------


@router.post("/applications/{application_id}/submit", response=ApplicationOut, summary="提交申报")
def submit(request, application_id: int):
    return application_out(
        services.application_submit(actor=request.user, application=_fetch(request, application_id))
    )


@router.post(
    "/applications/{application_id}/recommend", response=ApplicationOut, summary="推荐上报（上级党组织）"
)
def recommend(request, application_id: int):
    return application_out(
        services.application_recommend(actor=request.user, application=_fetch(request, application_id))
    )


@router.post("/applications/{application_id}/return", response=ApplicationOut, summary="退回修改")
def return_(request, application_id: int, payload: ReasonIn):
    application = services.application_return(
        actor=request.user, application=_fetch(request, application_id), reason=payload.reason
    )
    return application_out(application)


@router.post("/applications/{application_id}/evaluate", response=ApplicationOut, summary="确定考评结果")
def evaluate(request, application_id: int):
    return application_out(
        services.application_evaluate(actor=request.user, application=_fetch(request, application_id))
    )


@router.post(
    "/applications/{application_id}/publicize", response=ApplicationOut, summary="公示（单独一份公示）"
)
def publicize(request, application_id: int, payload: PublicizeIn | None = None):
    payload = payload or PublicizeIn()
    application = services.application_publicize(
        actor=request.user,
        application=_fetch(request, application_id),
        starts_on=payload.starts_on,
        working_days=payload.working_days,
    )
    return application_out(application)


@router.post(
    "/applications/{application_id}/designate",
    response=ApplicationOut,
    summary="授牌（公示期满、无未处理异议、名额以内）",
)
def designate(request, application_id: int):
    site = services.application_designate(actor=request.user, application=_fetch(request, application_id))
    application = Application.objects.select_related("campaign", "org", "site").get(pk=site.application_id)
    return application_out(application)


@router.post("/applications/{application_id}/reject", response=ApplicationOut, summary="确定为未通过")
def reject(request, application_id: int, payload: ReasonIn):
    application = services.application_reject(
        actor=request.user, application=_fetch(request, application_id), reason=payload.reason
    )
    return application_out(application)


@router.post("/applications/{application_id}/revoke", response=ApplicationOut, summary="摘牌（复审未通过）")
def revoke(request, application_id: int, payload: ReasonIn):
    application = services.application_revoke(
        actor=request.user, application=_fetch(request, application_id), reason=payload.reason
    )
    return application_out(application)


@router.post(
    "/applications/{application_id}/recommend-city",
    response={201: ApplicationOut},
    summary="推荐为市级示范点（生成一份市级申报）",
)
def recommend_city(request, application_id: int):
    city = services.application_recommend_to_city(
        actor=request.user, application=_fetch(request, application_id)
    )
    return 201, application_out(city)


# --- scores, evidence, survey codes, reviewers ------------------------------------------------------------------


@router.get(
    "/applications/{application_id}/scores",
    response=ScoreSheetOut,
    summary="评分表：自动指标、自评、考评、测评和综合得分",
)
def get_scores(request, application_id: int):
    return sheet_out(request.user, _fetch(request, application_id))


@router.post(
    "/applications/{application_id}/scores",
    response=ScoreSheetOut,
    summary="录入评分（self 基层自评；review 评审人员）",
)
def post_scores(request, application_id: int, payload: ScoresIn):
    application = _fetch(request, application_id)
    items = [item.dict() for item in payload.items]
    for item in items:
        if item.get("method") is not None:
            item["method"] = item["method"].value
    if payload.kind == "self":
        services.self_scores_record(actor=request.user, application=application, items=items)
    else:
        services.review_scores_record(actor=request.user, application=application, items=items)
    application.refresh_from_db()
    return sheet_out(request.user, application)


@router.get("/applications/{application_id}/evidence", response=EvidenceList, summary="佐证材料")
def list_evidence(request, application_id: int):
    application = _fetch(request, application_id)
    files = list(application.evidence.select_related("criterion"))
    return {
        "count": len(files),
        "items": [
            {
                "id": f.pk,
                "criterion": f.criterion.code if f.criterion else "",
                "name": f.name,
                "size": f.size,
                "uploaded_at": f.uploaded_at,
            }
            for f in files
        ],
    }


@router.post(
    "/applications/{application_id}/evidence",
    response={201: EvidenceOut},
    summary="上传佐证材料（multipart：file，criterion 可选）",
)
def add_evidence(request, application_id: int, file: File[UploadedFile] = None, criterion: Form[str] = ""):
    application = _fetch(request, application_id)
    record = services.evidence_add(
        actor=request.user, application=application, upload=file, criterion_code=criterion
    )
    return 201, {
        "id": record.pk,
        "criterion": record.criterion.code if record.criterion else "",
        "name": record.name,
        "size": record.size,
        "uploaded_at": record.uploaded_at,
    }


@router.post(
    "/applications/{application_id}/review-photos",
    response={201: PhotoOut},
    summary="上传考评照片（评审人员，JPG/PNG）",
)
def add_review_photo(
    request,
    application_id: int,
    file: File[UploadedFile] = None,
    criterion: Form[str] = "",
    method: Form[str] = "",
):
    application = _fetch(request, application_id)
    photo = services.review_photo_add(
        actor=request.user, application=application, criterion_code=criterion, upload=file, method=method
    )
    return 201, {
        "id": photo.pk,
        "criterion": photo.criterion.code,
        "method": photo.method,
        "name": photo.name,
        "size": photo.size,
    }


@router.post(
    "/applications/{application_id}/survey-codes",
    response={201: SurveyCodesOut},
    summary="生成群众测评码（只显示这一次）",
)
def survey_codes(request, application_id: int, payload: SurveyCodesIn):
    application = _fetch(request, application_id)
    codes = services.survey_codes_generate(actor=request.user, application=application, count=payload.count)
    return 201, {"application_id": application.pk, "count": len(codes), "codes": codes}


def _assignment_out(assignment: ReviewerAssignment) -> dict:
    return {
        "id": assignment.pk,
        "reviewer_id": assignment.reviewer_id,
        "reviewer_name": assignment.reviewer.get_full_name(),
        "assigned_on": assignment.assigned_on,
    }


@router.get("/applications/{application_id}/assignments", response=AssignmentList, summary="评审人员")
def list_assignments(request, application_id: int):
    application = _fetch(request, application_id)
    items = list(application.assignments.select_related("reviewer").order_by("id"))
    return {"count": len(items), "items": [_assignment_out(a) for a in items]}


@router.post(
    "/applications/{application_id}/assignments", response={201: AssignmentOut}, summary="安排评审人员"
)
def assign_reviewer(request, application_id: int, payload: AssignmentIn):
    application = _fetch(request, application_id)
    reviewer = User.objects.filter(pk=payload.reviewer_id).first()
    if reviewer is None:
        raise ValidationFailed.field("reviewer_id", _("用户不存在"))
    return 201, _assignment_out(
        services.reviewer_assign(actor=request.user, application=application, reviewer=reviewer)
    )


@router.delete(
    "/applications/{application_id}/assignments/{assignment_id}", response={204: None}, summary="取消评审安排"
)
def unassign_reviewer(request, application_id: int, assignment_id: int):
    application = _fetch(request, application_id)
    assignment = get_object_or_404(ReviewerAssignment, pk=assignment_id, application=application)
    services.reviewer_unassign(actor=request.user, assignment=assignment)
    return 204, None


def events_out(events) -> dict:
    items = [
        {
            "id": e.pk,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "on": e.on,
            "note": e.note,
            "application_id": e.application_id,
            "site_id": e.site_id,
            "year": e.application.campaign.year if e.application_id else None,
        }
        for e in events
    ]
    return {"count": len(items), "items": items}


@router.get(
    "/applications/{application_id}/history",
    response=EventList,
    summary="该组织在示范点创建中的全部历程（跨年度）",
)
def application_history(request, application_id: int):
    application = _fetch(request, application_id)
    return events_out(selectors.site_history(org=application.org))
