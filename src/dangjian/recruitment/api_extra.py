"""/api/v1/development — statistics (年报 表13–15 shape) and the import of history from Excel."""

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from . import stats
from .views_stats import parse_year

router = Router(tags=["发展党员"])


class StatsFilters(Schema):
    within: int | None = Field(None, description="统计该组织及其下级组织；默认为本人管理范围")
    year: str | None = Field(None, description="年度（2000–2100），默认本年")


class StatsRowOut(Schema):
    org_id: int | None
    label: str
    applied: int = Field(description="申请入党人数（递交申请书日期在该年）")
    activists: int
    candidates: int
    admitted: int = Field(description="发展党员数（支部大会通过接收日期在该年）")
    converted: int
    extended: int
    cancelled: int
    withdrawn: int
    quota: int = Field(description="发展计划人数")


class NewMembersOut(Schema):
    total: int
    gender: dict[str, int]
    minority: int
    age_band: dict[str, int] = Field(description="按支部大会通过接收之日的年龄")
    education: dict[str, int]
    occupation: dict[str, int]


class TrendOut(Schema):
    year: int
    applied: int
    admitted: int
    converted: int


class DevelopmentStatsOut(Schema):
    within: int
    within_name: str
    year: int
    totals: StatsRowOut
    rows: list[StatsRowOut] = Field(description="各直属下级组织（及本级）")
    new_members: NewMembersOut
    trend: list[TrendOut] = Field(description="近五年")
    pipeline: dict[str, int] = Field(description="当前各阶段人数")


@router.get("/stats", response=DevelopmentStatsOut, summary="发展党员统计（年报表13—15口径）")
def development_stats(request, filters: Query[StatsFilters]):
    today = timezone.localdate()
    org = stats.stats_root_or_404(request.user, filters.within)
    year = parse_year(filters.year, today)
    return stats.development_stats(user=request.user, org=org, year=year, today=today).as_api()
