"""/api/v1/orgs — the organization tree. Thin: parse, call a selector or service, shape the answer."""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangjian.core import scoping
from dangjian.core.errors import ValidationFailed

from . import selectors, services
from .models import Domain, LeadershipPosition, OrgKind, Post

router = Router(tags=["党组织"])

KindEnum = OrgKind
DomainEnum = Domain


class OrgOut(Schema):
    id: int
    name: str
    code: str
    kind: OrgKind
    domain: Domain
    parent_id: int | None
    children_count: int
    depth: int
    established_on: dt.date | None
    dissolved_on: dt.date | None
    term_started_on: dt.date | None


class OrgList(Schema):
    count: int
    items: list[OrgOut]


class OrgFilters(Schema):
    within: int | None = Field(None, description="只列出该组织及其下级组织")
    q: str = Field("", description="名称包含或编码等于")
    kind: OrgKind | None = None
    domain: Domain | None = None
    include_dissolved: bool = False
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class OrgCreateIn(Schema):
    parent_id: int
    name: str = Field(..., max_length=100)
    code: str = Field(..., max_length=30)
    kind: OrgKind
    domain: Domain
    established_on: dt.date | None = None
    unit_count: int = Field(1, ge=1, le=99)


class OrgUpdateIn(Schema):
    name: str | None = Field(None, max_length=100)
    code: str | None = Field(None, max_length=30)
    domain: Domain | None = None
    established_on: dt.date | None = None
    unit_count: int | None = Field(None, ge=1, le=99)
    term_started_on: dt.date | None = None


class OrgMoveIn(Schema):
    parent_id: int


class OrgDissolveIn(Schema):
    dissolved_on: dt.date
    reason: str = Field(..., max_length=200)


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    source: str


class StructureOut(Schema):
    full_members: int
    probationary_members: int
    committee_required: bool
    committee_size: int
    term_years: int | None
    term_ends_on: dt.date | None
    findings: list[FindingOut]


class PositionOut(Schema):
    id: int
    org_id: int
    post: Post
    person_name: str
    member_id: int | None
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str
    decision_ref: str


class PositionIn(Schema):
    post: Post
    person_name: str = Field("", max_length=50)
    member_id: int | None = None
    started_on: dt.date
    decision_ref: str = Field("", max_length=100)


class PositionEndIn(Schema):
    ended_on: dt.date
    reason: str = Field("", max_length=100)


def _out(org, children_count: int | None = None) -> dict:
    if children_count is None:
        children_count = org.children.filter(dissolved_on__isnull=True).count()
    return {
        **{f: getattr(org, f) for f in OrgOut.model_fields if f != "children_count"},
        "children_count": children_count,
    }


def _parent_or_422(user, pk: int, field: str = "parent_id"):
    try:
        return scoping.get_org_or_404(user, pk)
    except Http404:
        raise ValidationFailed.field(field, _("上级组织不存在或不在您的管理范围内")) from None


@router.get("", response=OrgList, summary="组织列表（?within= 列出子树）")
def list_orgs(request, filters: Query[OrgFilters]):
    scoping.require_tree_role(request.user)
    root = scoping.get_org_or_404(request.user, filters.within) if filters.within is not None else None
    queryset = selectors.orgs_within(
        user=request.user,
        root=root,
        q=filters.q,
        kind=filters.kind or "",
        domain=filters.domain or "",
        include_dissolved=filters.include_dissolved,
    ).with_children_count()
    page = list(queryset.order_by("path")[filters.offset : filters.offset + filters.limit])
    return {"count": queryset.count(), "items": [_out(o, o.children_count) for o in page]}


@router.post("", response={201: OrgOut}, summary="设立组织")
def create_org(request, payload: OrgCreateIn):
    parent = _parent_or_422(request.user, payload.parent_id)
    org = services.org_create(actor=request.user, parent=parent, **payload.dict(exclude={"parent_id"}))
    return 201, _out(org, 0)


@router.get("/{org_id}", response=OrgOut, summary="组织详情")
def get_org(request, org_id: int):
    return _out(scoping.get_org_or_404(request.user, org_id))


@router.patch("/{org_id}", response=OrgOut, summary="更名或修改组织信息")
def update_org(request, org_id: int, payload: OrgUpdateIn):
    org = scoping.get_org_or_404(request.user, org_id)
    org = services.org_update(actor=request.user, org=org, **payload.dict(exclude_unset=True))
    return _out(org)


@router.post("/{org_id}/move", response=OrgOut, summary="调整隶属关系")
def move_org(request, org_id: int, payload: OrgMoveIn):
    org = scoping.get_org_or_404(request.user, org_id)
    parent = _parent_or_422(request.user, payload.parent_id)
    return _out(services.org_move(actor=request.user, org=org, new_parent=parent))


@router.post("/{org_id}/dissolve", response=OrgOut, summary="撤销组织")
def dissolve_org(request, org_id: int, payload: OrgDissolveIn):
    org = scoping.get_org_or_404(request.user, org_id)
    return _out(services.org_dissolve(actor=request.user, org=org, **payload.dict()))


@router.get("/{org_id}/structure", response=StructureOut, summary="组织设置检查")
def org_structure(request, org_id: int):
    org = scoping.get_org_or_404(request.user, org_id)
    check = selectors.structure_of(org)
    return {**check.__dict__, "findings": [f.__dict__ for f in check.findings]}


@router.get("/{org_id}/positions", response=list[PositionOut], summary="班子成员（含已离任）")
def list_positions(request, org_id: int, current: bool = False):
    org = scoping.get_org_or_404(request.user, org_id)
    positions = (
        selectors.current_team(org)
        if current
        else selectors.current_team(org) + selectors.past_positions(org)
    )
    return positions


@router.post("/{org_id}/positions", response={201: PositionOut}, summary="任职")
def appoint(request, org_id: int, payload: PositionIn):
    from dangjian.members.models import Member

    org = scoping.get_org_or_404(request.user, org_id)
    member = None
    if payload.member_id is not None:
        member = (
            scoping.scoped(Member.objects.all(), request.user, "org_path")
            .filter(pk=payload.member_id)
            .first()
        )
        if member is None:
            raise ValidationFailed.field("member_id", _("党员不存在或不在您的管理范围内"))
    position = services.position_appoint(
        actor=request.user, org=org, member=member, **payload.dict(exclude={"member_id"})
    )
    return 201, position


@router.post("/{org_id}/positions/{position_id}/end", response=PositionOut, summary="离任")
def end_position(request, org_id: int, position_id: int, payload: PositionEndIn):
    org = scoping.get_org_or_404(request.user, org_id)
    position = get_object_or_404(LeadershipPosition, pk=position_id, org=org)
    return services.position_end(actor=request.user, position=position, **payload.dict())
