"""Public endpoints (no account): the mass survey by one-time code, objections to a public notice, and what
the public disclosure board shows."""

import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from ninja.errors import HttpError

from dangjian.core import throttle
from dangjian.core.errors import TransitionNotAllowed
from dangjian.orgs.models import Domain

from .. import selectors, services, survey
from ..models import Tier
from .base import num, router


class ChoiceOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    key: str
    text: str
    required: bool
    choices: list[ChoiceOut]


class SurveyTarget(Schema):
    org_name: str
    tier: Tier
    year: int
    campaign_title: str


class SurveyFormOut(Schema):
    application: SurveyTarget
    questions: list[QuestionOut]
    comment_max: int


class SurveyIn(Schema):
    overall: str | None = None
    service: str | None = None
    openness: str | None = None
    conduct: str | None = None
    comment: str = Field("", max_length=1000)


class ThanksOut(Schema):
    detail: str


class ObjectionIn(Schema):
    application_id: int
    text: str = Field(..., max_length=2000)
    contact: str = Field("", max_length=100)


class ObjectionReceipt(Schema):
    id: int
    received_on: dt.date
    detail: str


class PublicApplication(Schema):
    application_id: int
    org_name: str
    domain: Domain
    tier: Tier
    total_score: float | None


class PublicNoticeOut(Schema):
    id: int
    title: str
    text: str
    starts_on: dt.date
    ends_on: dt.date
    items: list[PublicApplication]


class PublicSite(Schema):
    plaque_no: str
    org_name: str
    domain: Domain
    tier: Tier
    year: int
    designated_on: dt.date
    commended: bool


class PublicBoard(Schema):
    notices: list[PublicNoticeOut]
    sites: list[PublicSite]


# The same limits as the public pages (settings DANGJIAN_DISCLOSURE), so that the API is no way around them.
TOO_MANY = gettext_lazy("您提交得太频繁，请一小时后再试。本次内容没有保存。")


@contextmanager
def _code_tries(request):
    """Wrong or spent survey codes count against the visitor (guessing codes is stopped after the limit)."""
    if throttle.blocked("survey", request, "", throttle.limit("SURVEY_TRIES_PER_HOUR")):
        raise HttpError(429, str(TOO_MANY))
    try:
        yield
    except (Http404, TransitionNotAllowed, PermissionDenied):
        throttle.count("survey", request)
        raise


@router.get(
    "/surveys/{code}", auth=None, response=SurveyFormOut, summary="群众测评：凭测评码取得问卷（无需登录）"
)
def survey_form(request, code: str):
    with _code_tries(request):
        application = services.survey_lookup(code)
    return {
        "application": {
            "org_name": application.org.name,
            "tier": application.tier,
            "year": application.campaign.year,
            "campaign_title": application.campaign.title,
        },
        "questions": survey.questions(),
        "comment_max": survey.COMMENT_MAX,
    }


@router.post(
    "/surveys/{code}",
    auth=None,
    response={201: ThanksOut},
    summary="群众测评：提交答卷（匿名，每个测评码只能用一次）",
)
def survey_submit(request, code: str, payload: SurveyIn):
    with _code_tries(request):
        services.survey_answer(code=code, answers=payload.dict())
    return 201, {"detail": _("提交成功，感谢您的参与")}


@router.post(
    "/objections", auth=None, response={201: ObjectionReceipt}, summary="对公示对象提出异议（无需登录）"
)
def file_objection(request, payload: ObjectionIn):
    application = selectors.public_application_or_404(payload.application_id)
    subject = f"notice:{application.notice_id}"
    if throttle.blocked("objection", request, subject, throttle.limit("OBJECTIONS_PER_HOUR")):
        raise HttpError(429, str(TOO_MANY))
    with throttle.without_address():
        objection = services.objection_file(
            application=application, text=payload.text, contact=payload.contact
        )
    throttle.count("objection", request, subject)
    return 201, {
        "id": objection.pk,
        "received_on": objection.received_on,
        "detail": _("异议已收到，我们将认真核实处理"),
    }


@router.get(
    "/public", auth=None, response=PublicBoard, summary="党务公开栏：公示中的名单与已授牌的示范点（无需登录）"
)
def public_board(request):
    items = selectors.public_items(timezone.localdate())
    return {
        "notices": [
            {
                "id": notice.id,
                "title": notice.title,
                "text": notice.text,
                "starts_on": notice.starts_on,
                "ends_on": notice.ends_on,
                "items": [
                    {
                        "application_id": a.pk,
                        "org_name": a.org.name,
                        "domain": a.domain,
                        "tier": a.tier,
                        "total_score": num(a.total_score),
                    }
                    for a in applications
                ],
            }
            for notice, applications in items.notices
        ],
        "sites": [
            {
                "plaque_no": s.plaque_no,
                "org_name": s.org.name,
                "domain": s.domain,
                "tier": s.tier,
                "year": s.campaign.year,
                "designated_on": s.designated_on,
                "commended": s.commended,
            }
            for s in items.sites
        ],
    }
