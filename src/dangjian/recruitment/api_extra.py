"""/api/v1/development — statistics (年报 表13–15 shape) and the import of history from Excel."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from dangjian.core.errors import ValidationFailed

from . import importing, stats
from .views_import import _require_importer
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


class ImportOut(Schema):
    count: int = Field(description="导入人数")
    stages: dict[str, int] = Field(description="按阶段的人数")


@router.get("/import-template", summary="发展党员历史数据导入模板（.xlsx）")
def import_template(request):
    _require_importer(request.user)
    response = HttpResponse(importing.template_bytes(), content_type=importing.XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''development-import-template.xlsx"
    return response


@router.post(
    "/import",
    response={201: ImportOut},
    summary="导入发展党员历史数据：全部行无误才导入；错误为 422，errors 含 row、field、message",
)
def history_import(request, file: File[UploadedFile]):
    if file.size and file.size > importing.MAX_BYTES:
        raise ValidationFailed.field(
            "file", _("文件超过 %(mb)d MB，请分批导入") % {"mb": importing.MAX_BYTES // 1024 // 1024}
        )
    return 201, importing.history_import(actor=request.user, data=file.read(), filename=file.name or "")
