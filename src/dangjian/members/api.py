"""/api/v1/members — member records (design/API.md). Thin: scoped fetch, schema, one service, the answer.

ID number and phone are masked in every answer unless `?reveal=true` is asked for one member by someone
allowed to see them (the county admin, the member's own branch secretary); that reveal is audited.
The import and export endpoints under /members live in members/api_import.py.
"""

import datetime as dt

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangjian.core import scoping
from dangjian.core.crypto import mask_id_number, mask_phone
from dangjian.core.errors import ValidationFailed
from dangjian.orgs.models import Domain, Organization, OrgKind

from .models import Category, Gender, Member, Status
from .selectors import records as selectors
from .services import records as services

router = Router(tags=["党员"])


class MemberOut(Schema):
    id: int
    name: str
    gender: Gender
    id_number: str = Field(description="默认部分隐藏，如 110105********123X")
    birth_date: dt.date
    ethnicity: str = Field(description="民族代码（GB 3304），汉族为 01")
    education: str = Field(description="学历代码（GB/T 4658），未填写为空")
    org_id: int
    category: Category
    joined_on: dt.date
    converted_on: dt.date | None
    status: Status
    phone: str = Field(description="默认部分隐藏，如 138****5678")
    # Beyond the contract of API.md:
    ethnicity_name: str
    education_name: str
    org_name: str
    party_group_id: int | None
    native_place: str
    degree: str
    occupation: str
    work_unit: str
    job_title: str
    address: str | None = Field(None, description="家庭住址：仅在 ?reveal=true 时返回")
    age: int
    revealed: bool = Field(description="id_number、phone 是否为完整值")


class MemberList(Schema):
    count: int
    items: list[MemberOut]


class MemberFilters(Schema):
    within: int | None = Field(None, description="只列出该组织及其下级组织的党员")
    status: str = Field(
        "",
        description="党籍状态；留空为在册党员（不含出党、去世、已转出），all 为全部",
        pattern="^(|all|active|mobile|lost_contact|suspended|left|deceased|transferred_out)$",
    )
    category: Category | None = None
    q: str = Field("", max_length=50, description="姓名包含，或完整的公民身份号码")
    gender: Gender | None = None
    education: str = Field("", max_length=2)
    ethnicity: str = Field("", max_length=8, description="民族代码，或 minority（少数民族）")
    domain: Domain | None = None
    age_min: int | None = Field(None, ge=0, le=150)
    age_max: int | None = Field(None, ge=0, le=150)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class MemberCreateIn(Schema):
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=18)
    org_id: int = Field(..., description="所在党支部")
    category: Category
    joined_on: dt.date
    converted_on: dt.date | None = None
    gender: Gender | None = Field(None, description="可不填；填写时须与公民身份号码一致")
    birth_date: dt.date | None = Field(None, description="可不填；填写时须与公民身份号码一致")
    ethnicity: str = Field("01", max_length=2)
    education: str = Field("", max_length=2)
    degree: str = Field("", max_length=10)
    occupation: str = Field("", max_length=2)
    native_place: str = Field("", max_length=50)
    work_unit: str = Field("", max_length=100)
    job_title: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    party_group_id: int | None = None


class MemberUpdateIn(Schema):
    """Fields to correct. org_id, status and category are accepted only to answer which procedure changes
    them (422): a transfer, a status change, probation conversion."""

    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=18)
    gender: Gender | None = None
    birth_date: dt.date | None = None
    ethnicity: str | None = Field(None, max_length=2)
    education: str | None = Field(None, max_length=2)
    degree: str | None = Field(None, max_length=10)
    occupation: str | None = Field(None, max_length=2)
    native_place: str | None = Field(None, max_length=50)
    work_unit: str | None = Field(None, max_length=100)
    job_title: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)
    joined_on: dt.date | None = None
    converted_on: dt.date | None = None
    party_group_id: int | None = None
    org_id: int | None = None
    status: str | None = None
    category: str | None = None


def _out(member: Member, revealed: dict | None = None) -> dict:
    return {
        "id": member.pk,
        "name": member.name,
        "gender": member.gender,
        "id_number": revealed["id_number"] if revealed else mask_id_number(member.id_number),
        "birth_date": member.birth_date,
        "ethnicity": member.ethnicity,
        "education": member.education,
        "org_id": member.org_id,
        "category": member.category,
        "joined_on": member.joined_on,
        "converted_on": member.converted_on,
        "status": member.status,
        "phone": revealed["phone"] if revealed else mask_phone(member.phone),
        "ethnicity_name": member.get_ethnicity_display(),
        "education_name": member.get_education_display() if member.education else "",
        "org_name": member.org.name,
        "party_group_id": member.party_group_id,
        "native_place": member.native_place,
        "degree": member.degree,
        "occupation": member.occupation,
        "work_unit": member.work_unit,
        "job_title": member.job_title,
        "address": revealed["address"] if revealed else None,
        "age": selectors.age_today(member),
        "revealed": revealed is not None,
    }


def _branch_or_422(user, pk: int) -> Organization:
    try:
        return scoping.get_org_or_404(user, pk)
    except Http404:
        raise ValidationFailed.field("org_id", _("党组织不存在或不在您的管理范围内")) from None


def _group_or_422(pk: int | None) -> Organization | None:
    if pk is None:
        return None
    group = Organization.objects.filter(pk=pk, kind=OrgKind.GROUP).first()
    if group is None:
        raise ValidationFailed.field("party_group_id", _("党小组不存在"))
    return group


@router.get("", response=MemberList, summary="党员列表（花名册，按姓氏笔画排序）")
def list_members(request, filters: Query[MemberFilters]):
    scoping.require_tree_role(request.user)
    within = scoping.get_org_or_404(request.user, filters.within) if filters.within is not None else None
    data = filters.dict(exclude={"within", "limit", "offset"})
    roster_filters = selectors.RosterFilters(
        within=within,
        **{key: value or ("" if key not in ("age_min", "age_max") else None) for key, value in data.items()},
    )
    counted = selectors.members_within(user=request.user, filters=roster_filters)
    ordered = selectors.roster_queryset(user=request.user, filters=roster_filters)
    page = list(
        ordered.select_related("org").defer("address")[filters.offset : filters.offset + filters.limit]
    )
    return {"count": counted.count(), "items": [_out(member) for member in page]}


@router.post("", response={201: MemberOut}, summary="登记党员")
def create_member(request, payload: MemberCreateIn):
    scoping.require_tree_role(request.user)
    org = _branch_or_422(request.user, payload.org_id)
    data = payload.dict(exclude={"org_id", "party_group_id"})
    member = services.member_create(
        actor=request.user, org=org, party_group=_group_or_422(payload.party_group_id), **data
    )
    return 201, _out(member)


@router.get(
    "/{int:member_id}", response=MemberOut, summary="党员详情（?reveal=true 返回完整身份证号和手机号）"
)
def get_member(request, member_id: int, reveal: bool = False):
    member = selectors.get_member_or_404(request.user, member_id)
    revealed = services.member_reveal(actor=request.user, member=member) if reveal else None
    return _out(member, revealed)


@router.patch("/{int:member_id}", response=MemberOut, summary="更正党员档案")
def update_member(request, member_id: int, payload: MemberUpdateIn):
    member = selectors.get_member_or_404(request.user, member_id)
    changes = payload.dict(exclude_unset=True)
    for field in ("org_id", "status", "category"):
        if field in changes:
            changes[field.removesuffix("_id")] = changes.pop(field)
    if "party_group_id" in changes:
        changes["party_group"] = _group_or_422(changes.pop("party_group_id"))
    member = services.member_update(actor=request.user, member=member, **changes)
    return _out(Member.objects.select_related("org").get(pk=member.pk))
