"""/api/v1/stats — real-time statistics (信息实时查询统计). Thin: resolve the subtree in scope, count, answer."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from . import selectors

router = Router(tags=["统计分析"])


class GenderOut(Schema):
    male: int
    female: int


class EthnicityOut(Schema):
    han: int
    minority: int
    other: int = Field(description="“其他”和“外国血统中国籍人士”（GB 3304 代码 97、98），通常为 0")


class CategoryOut(Schema):
    full: int
    probationary: int


class NotCountedOut(Schema):
    left: int
    deceased: int
    transferred_out: int


class MemberStatsOut(Schema):
    total: int = Field(description="党员总数：不含出党、去世、已转出")
    gender: GenderOut
    ethnicity: EthnicityOut
    category: CategoryOut
    status: dict[str, int]
    age_band: dict[str, int]
    education: dict[str, int]
    join_year_band: dict[str, int]
    within: int
    within_name: str
    as_of: dt.date
    ethnic_groups: dict[str, int] = Field(description="各民族党员数（只列出人数不为 0 的民族）")
    occupation: dict[str, int]
    domain: dict[str, int] = Field(description="按党员所在党组织的领域")
    not_counted: NotCountedOut = Field(description="不计入总数的出党、去世、已转出人数")


class StatsFilters(Schema):
    within: int | None = Field(None, description="统计该组织及其下级组织的党员；默认为本人管理范围")


@router.get("/members", response=MemberStatsOut, summary="党员统计（?within= 指定组织）")
def member_stats(request, filters: Query[StatsFilters]):
    org = selectors.stats_root_or_404(request.user, filters.within)
    return selectors.member_stats(org=org).as_api()
