"""/api/v1/disclosure: items of the disclosure board (党务公开) for staff, and the public board (no login).

Thin: scoped fetch (404 outside the caller's scope) → schema → one service or selector → the answer.
"""

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from dangjian.core import scoping
from dangjian.core.errors import ValidationFailed
from dangjian.orgs.models import Domain
from dangjian.sites.models import Tier

from . import rules, selectors, services
from .models import Category, DisclosureItem, ItemState

router = Router(tags=["党务公开"])


# --- schemas -------------------------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    org_id: int
    org_name: str
    category: Category
    title: str
    body: str
    publish_on: dt.date
    expires_on: dt.date = Field(description="公开截止日期（含当日）")
    state: ItemState = Field(description="scheduled 待公开 · live 公开中 · expired 已到期 · withdrawn 已撤回")
    attachment_name: str
    published_by: str
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdraw_reason: str


class ItemList(Schema):
    count: int
    items: list[ItemOut]


class ItemFilters(Schema):
    within: int | None = Field(None, description="只列出该组织及其下级组织的事项")
    category: Category | None = None
    state: ItemState | None = None
    q: str = Field("", max_length=50, description="标题或内容中的文字")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class ItemIn(Schema):
    org_id: int
    category: Category
    title: str = Field(..., max_length=rules.TITLE_MAX)
    body: str = Field(..., max_length=rules.BODY_MAX)
    publish_on: dt.date
    expires_on: dt.date


class ItemPatch(Schema):
    category: Category | None = None
    title: str | None = Field(None, max_length=rules.TITLE_MAX)
    body: str | None = Field(None, max_length=rules.BODY_MAX)
    publish_on: dt.date | None = None
    expires_on: dt.date | None = None
    remove_attachment: bool = False


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=rules.REASON_MAX)


class BoardOrg(Schema):
    name: str
    code: str


class BoardApplication(Schema):
    application_id: int
    org_name: str
    domain: Domain
    tier: Tier
    total_score: float | None
    objection_url: str


class BoardNotice(Schema):
    id: int
    title: str
    text: str
    starts_on: dt.date
    ends_on: dt.date
    items: list[BoardApplication]


class BoardSite(Schema):
    plaque_no: str
    org_name: str
    domain: Domain
    tier: Tier
    year: int
    designated_on: dt.date
    commended: bool


class BoardCandidate(Schema):
    person_name: str
    org_name: str
    starts_on: dt.date
    ends_on: dt.date


class BoardItem(Schema):
    id: int
    org_name: str
    category: Category
    title: str
    body: str
    publish_on: dt.date
    expires_on: dt.date
    attachment_url: str | None


class BoardOut(Schema):
    org: BoardOrg
    date: dt.date
    site_notices: list[BoardNotice]
    sites: list[BoardSite]
    candidate_notices: list[BoardCandidate]
    items: list[BoardItem]


# --- shaping -------------------------------------------------------------------------------------------------


def _item_out(item: DisclosureItem, today: dt.date) -> dict:
    return {
        "id": item.pk,
        "org_id": item.org_id,
        "org_name": item.org.name,
        "category": item.category,
        "title": item.title,
        "body": item.body,
        "publish_on": item.publish_on,
        "expires_on": item.expires_on,
        "state": rules.item_state(item.publish_on, item.expires_on, item.is_withdrawn, today),
        "attachment_name": item.attachment_name,
        "published_by": item.published_by.get_full_name() if item.published_by else "",
        "created_at": item.created_at,
        "withdrawn_at": item.withdrawn_at,
        "withdraw_reason": item.withdraw_reason,
    }


def _org_or_422(user, pk: int):
    scoping.require_tree_role(user)
    try:
        return scoping.get_org_or_404(user, pk, include_dissolved=False)
    except Http404:
        raise ValidationFailed.field("org_id", _("组织不存在或不在您的管理范围内")) from None


# --- staff ---------------------------------------------------------------------------------------------------


@router.get("/items", response=ItemList, summary="党务公开事项（管理范围内）")
def list_items(request, filters: Query[ItemFilters]):
    scoping.require_tree_role(request.user)
    within = scoping.get_org_or_404(request.user, filters.within) if filters.within is not None else None
    today = timezone.localdate()
    queryset = selectors.items_within(
        user=request.user,
        today=today,
        within=within,
        category=filters.category or "",
        state=filters.state or "",
        q=filters.q.strip(),
    )
    rows = queryset[filters.offset : filters.offset + filters.limit]
    return {"count": queryset.count(), "items": [_item_out(item, today) for item in rows]}


@router.post("/items", response={201: ItemOut}, summary="发布党务公开事项")
def create_item(request, payload: ItemIn):
    org = _org_or_422(request.user, payload.org_id)
    item = services.item_publish(
        actor=request.user,
        org=org,
        category=payload.category,
        title=payload.title,
        body=payload.body,
        publish_on=payload.publish_on,
        expires_on=payload.expires_on,
    )
    return 201, _item_out(item, timezone.localdate())


@router.get("/items/{item_id}", response=ItemOut, summary="一项党务公开事项")
def get_item(request, item_id: int):
    return _item_out(selectors.item_or_404(user=request.user, pk=item_id), timezone.localdate())


@router.patch("/items/{item_id}", response=ItemOut, summary="修改尚未公开的事项（公开后 409）")
def update_item(request, item_id: int, payload: ItemPatch):
    item = selectors.item_or_404(user=request.user, pk=item_id)
    item = services.item_update(actor=request.user, item=item, **payload.dict())
    return _item_out(item, timezone.localdate())


@router.post(
    "/items/{item_id}/attachment",
    response=ItemOut,
    summary="上传或替换附件（尚未公开的事项，multipart file）",
)
def upload_attachment(request, item_id: int, file: File[UploadedFile] = None):
    item = selectors.item_or_404(user=request.user, pk=item_id)
    if file is None:
        raise ValidationFailed.field("file", _("请选择要上传的文件"))
    item = services.item_update(actor=request.user, item=item, attachment=file)
    return _item_out(item, timezone.localdate())


@router.post("/items/{item_id}/withdraw", response=ItemOut, summary="撤回公开事项")
def withdraw_item(request, item_id: int, payload: WithdrawIn):
    item = selectors.item_or_404(user=request.user, pk=item_id)
    item = services.item_withdraw(actor=request.user, item=item, reason=payload.reason)
    return _item_out(item, timezone.localdate())


# --- public --------------------------------------------------------------------------------------------------


@router.get(
    "/board",
    auth=None,
    response=BoardOut,
    summary="党务公开栏（无需登录）：示范点公示、发展对象公示、公开事项、党建示范点",
)
def public_board(request, org: str | None = Query(None, max_length=30, description="组织编码；默认为县委")):
    board_org = selectors.board_org_or_404(org or None)
    today = timezone.localdate()
    board = selectors.public_board(org=board_org, today=today)
    return {
        "org": {"name": board_org.name, "code": board_org.code},
        "date": today,
        "site_notices": [
            {
                "id": notice.pk,
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
                        "total_score": float(a.total_score) if a.total_score is not None else None,
                        "objection_url": reverse("disclosure:objection", args=[a.pk]),
                    }
                    for a in applications
                ],
            }
            for notice, applications in board.site_notices
        ],
        "sites": [
            {
                "plaque_no": site.plaque_no,
                "org_name": site.org.name,
                "domain": site.domain,
                "tier": site.tier,
                "year": site.campaign.year,
                "designated_on": site.designated_on,
                "commended": site.commended,
            }
            for group in board.site_groups
            for _label, sites in group.domains
            for site in sites
        ],
        "candidate_notices": [
            {
                "person_name": c.person_name,
                "org_name": c.org_name,
                "starts_on": c.starts_on,
                "ends_on": c.ends_on,
            }
            for c in board.candidates
        ],
        "items": [
            {
                "id": item.pk,
                "org_name": item.org.name,
                "category": item.category,
                "title": item.title,
                "body": item.body,
                "publish_on": item.publish_on,
                "expires_on": item.expires_on,
                "attachment_url": reverse("disclosure:item_attachment", args=[item.pk])
                if item.attachment
                else None,
            }
            for _category, _label, items in board.items
            for item in items
        ],
    }
