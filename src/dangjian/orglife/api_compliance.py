"""/api/v1/compliance and /api/v1/study-hours (design/API.md): what each organization had to hold and held, and
members' study hours. Thin: resolve the subtree in scope (404 outside it, 403 for members and reviewers), read
through orglife.selectors_compliance, answer."""

import datetime as dt
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from dangjian.core import scoping, tree
from dangjian.orgs.models import Domain

from . import ledger as ledger_export
from . import selectors_compliance as selectors
from .models import MeetingKind

router = Router(tags=["组织生活合规"])

Year = Field(None, ge=2000, le=2100, description="年度（YYYY），默认为今年")


class ComplianceFilters(Schema):
    within: int | None = Field(None, description="该组织及其下级组织；默认为本人管理范围")
    year: int | None = Year
    org_id: int | None = Field(None, description="只列出这一个组织的事项（须在 within 之内）")
    kind: MeetingKind | None = Field(None, description="只列出这一种会议")
    state: Literal["met", "open", "missed"] | None = Field(
        None, description="met 已落实 · open 周期未结束 · missed 周期已结束而未召开"
    )
    domain: Domain | None = Field(None, description="只列出这一领域的组织")


class ComplianceItem(Schema):
    org_id: int
    org_name: str
    kind: str = Field(description="会议类型，取值同 /meetings 的 kind")
    period: str = Field(description="周期：2026-03（月）、2026-Q1（季度）或 2026（年）")
    required: int = Field(description="应开次数；谈心谈话为应谈话的党员人数")
    held: int = Field(description="已开次数；谈心谈话为已谈话的党员人数")
    state: str = Field(description="met · open · missed")
    due_on: dt.date = Field(description="周期的最后一天")
    source: str = Field(description="依据")


class ComplianceList(Schema):
    count: int
    within: int
    year: int
    items: list[ComplianceItem]


def _year(value: int | None) -> int:
    return value or timezone.localdate().year


def _items(orgs, filters: ComplianceFilters) -> list[dict]:
    items = []
    for org in orgs:
        for status in org.statuses:
            if filters.kind and status.meeting_kind != filters.kind:
                continue
            if filters.state and status.state != filters.state:
                continue
            items.append(
                {
                    "org_id": org.org_id,
                    "org_name": org.name,
                    "kind": status.meeting_kind,
                    "period": status.period.label,
                    "required": status.required,
                    "held": status.held,
                    "state": status.state,
                    "due_on": status.due_on,
                    "source": status.source,
                }
            )
    return items


@router.get(
    "/compliance",
    response=ComplianceList,
    summary="组织生活落实情况（每个组织、每种会议、每个周期的应开与已开）",
)
def compliance(request, filters: Query[ComplianceFilters]):
    root = selectors.compliance_root_or_404(request.user, filters.within)
    year = _year(filters.year)
    if filters.org_id is not None:
        org = scoping.get_org_or_404(request.user, filters.org_id)
        if not tree.is_within(org.path, root.path):
            raise Http404
        orgs = [selectors.org_compliance(org, year)]
        if filters.domain and org.domain != filters.domain:
            orgs = []
    else:
        orgs = selectors.compliance_within(
            user=request.user, root=root, year=year, domain=filters.domain or ""
        ).orgs
    items = _items(orgs, filters)
    return {"count": len(items), "within": root.pk, "year": year, "items": items}


class SummaryFilters(Schema):
    within: int | None = Field(None, description="该组织及其下级组织；默认为本人管理范围")
    year: int | None = Year
    domain: Domain | None = None


class OrgSummary(Schema):
    org_id: int
    org_name: str
    kind: str
    domain: str
    rate: float | None = Field(
        description="落实率（%），计入已结束的周期和已落实的事项；尚无应开事项时为 null"
    )
    counted: int
    met: int
    missed: int
    open: int
    fully_compliant: bool


class ComplianceSummary(Schema):
    within: int
    year: int
    rate: float | None
    counted: int = Field(description="计入落实率的事项数")
    met: int
    missed: int
    open: int
    organizations: int = Field(description="有应开事项的组织数")
    fully_compliant: int = Field(description="没有未开事项的组织数")
    items: list[OrgSummary]


@router.get("/compliance/summary", response=ComplianceSummary, summary="组织生活落实率（按组织汇总）")
def compliance_summary(request, filters: Query[SummaryFilters]):
    root = selectors.compliance_root_or_404(request.user, filters.within)
    year = _year(filters.year)
    report = selectors.compliance_within(user=request.user, root=root, year=year, domain=filters.domain or "")
    owing = report.with_requirements
    return {
        "within": root.pk,
        "year": year,
        "rate": selectors.percent(report.rate),
        "counted": report.counted,
        "met": report.met,
        "missed": report.missed,
        "open": report.open,
        "organizations": len(owing),
        "fully_compliant": report.fully_compliant,
        "items": [
            {
                "org_id": o.org_id,
                "org_name": o.name,
                "kind": o.kind,
                "domain": o.domain,
                "rate": selectors.percent(o.rate),
                "counted": o.counted,
                "met": o.met,
                "missed": o.missed,
                "open": o.open,
                "fully_compliant": o.fully_compliant,
            }
            for o in owing
        ],
    }


class LedgerFilters(Schema):
    org_id: int = Field(description="组织")
    year: int | None = Year


@router.get(
    "/compliance/ledger",
    summary="组织生活台账（.xlsx：会议活动、合规情况、党员学时三张表）",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "Excel 工作簿",
                "content": {ledger_export.XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def compliance_ledger(request, filters: Query[LedgerFilters]):
    scoping.require_tree_role(request.user)
    org = scoping.get_org_or_404(request.user, filters.org_id)
    data = selectors.ledger_of(user=request.user, org=org, year=_year(filters.year))
    return ledger_export.response(data, actor=request.user)


class HoursFilters(Schema):
    within: int | None = Field(None, description="该组织及其下级组织的党员；默认为本人管理范围")
    year: int | None = Year
    below: bool = Field(False, description="true：只列出学时未达到要求的党员")
    cadre: bool | None = Field(None, description="true：只列出书记和委员；false：只列出其他党员")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class HoursItem(Schema):
    member_id: int
    name: str
    org_id: int
    org_name: str
    hours: float = Field(description="本年度已取得的学时")
    required: int = Field(description="应达学时：党员 32，基层党组织书记和委员 56（可配置）")
    is_cadre: bool = Field(description="是否为书记、副书记或委员（按年末或今天的任职）")
    short: float = Field(description="尚差学时（已达到为 0）")


class HoursList(Schema):
    count: int
    year: int
    below: int = Field(description="范围内学时未达到要求的党员人数")
    items: list[HoursItem]


@router.get("/study-hours", response=HoursList, summary="党员学习培训学时（?below=true 只列未达标的）")
def study_hours(request, filters: Query[HoursFilters]):
    root = selectors.compliance_root_or_404(request.user, filters.within)
    year = _year(filters.year)
    everyone = selectors.study_hours_within(user=request.user, root=root, year=year)
    rows = [
        person
        for person in everyone
        if (not filters.below or person.below) and (filters.cadre is None or person.is_cadre == filters.cadre)
    ]
    page = rows[filters.offset : filters.offset + filters.limit]
    return {
        "count": len(rows),
        "year": year,
        "below": sum(1 for person in everyone if person.below),
        "items": [
            {
                "member_id": p.member_id,
                "name": p.name,
                "org_id": p.org_id,
                "org_name": p.org_name,
                "hours": float(p.hours),
                "required": p.required,
                "is_cadre": p.is_cadre,
                "short": float(p.short),
            }
            for p in page
        ],
    }
