"""/api/v1/members/import-template, /api/v1/members/import and /api/v1/members/export (API.md, members).

Mounted at "/members" before the records router, whose /members/{member_id} would otherwise take these
paths. The import is synchronous on the API at every size the settings allow (IMPORT_MAX_ROWS): the
caller gets 200 {created, updated, …} or 422 with every problem as {row, field, message}, as API.md says;
100,000 rows take well under a minute (benchmarks/import_roster.py). The page runs big files in the
background instead and shows their progress.
"""

from enum import StrEnum

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from dangjian.core import scoping
from dangjian.orgs.models import Domain

from .models import Category, Gender, Status
from .selectors.records import EVERYONE, RosterFilters
from .services import exporting
from .services import importing as services

router = Router(tags=["花名册导入导出"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"  # it may hold personal data
    return response


class ImportOut(Schema):
    created: int = Field(..., description="新增的党员人数")
    updated: int = Field(..., description="信息有变化而更新的党员人数")
    unchanged: int = Field(..., description="已登记且信息无变化的党员人数")
    rows: int = Field(..., description="文件中的党员行数")
    job_id: int = Field(..., description="导入记录编号（页面“花名册导入”中可查看）")


class RosterStatus(StrEnum):
    """The roster's status filter: a status, or all of them (left out: members on the rolls)."""

    ACTIVE = Status.ACTIVE.value
    MOBILE = Status.MOBILE.value
    LOST_CONTACT = Status.LOST_CONTACT.value
    SUSPENDED = Status.SUSPENDED.value
    LEFT = Status.LEFT.value
    DECEASED = Status.DECEASED.value
    TRANSFERRED_OUT = Status.TRANSFERRED_OUT.value
    ALL = EVERYONE


class ExportFilters(Schema):
    within: int | None = Field(None, description="导出该组织及其下级组织的党员（默认为本人的管理范围）")
    status: RosterStatus | None = Field(
        None, description="党籍状态；不填为在册党员（不含出党、去世、已转出），all 为全部"
    )
    category: Category | None = None
    gender: Gender | None = None
    education: str = Field("", max_length=2, description="学历代码（GB/T 4658）")
    ethnicity: str = Field("", max_length=8, description="民族代码（GB 3304），或 minority 为全部少数民族")
    domain: Domain | None = None
    age_min: int | None = Field(None, ge=0, le=150)
    age_max: int | None = Field(None, ge=0, le=150)
    q: str = Field("", max_length=50, description="姓名包含，或完整的公民身份号码")
    masked: bool = Field(False, description="为 true 时身份证号和手机号一律遮盖导出")


@router.get("/import-template", summary="下载花名册导入模板（.xlsx）")
def import_template(request):
    content = services.import_template(actor=request.user)
    return xlsx_response(content, "党员信息导入模板.xlsx")


@router.post(
    "/import",
    response=ImportOut,
    summary="导入花名册（multipart file，.xlsx；全部正确才导入，否则 422 列出每行的错误）",
)
def import_roster(request, file: File[UploadedFile]):
    services.require_roster_role(request.user)  # the role first: a member's bad file is still a 403
    filename, data = services.read_upload(file)
    job = services.import_job_submit(actor=request.user, filename=filename, data=data, background=False)
    outcome = job.outcome
    if not outcome.ok:
        raise outcome.as_error()
    return {
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "rows": outcome.rows,
        "job_id": job.pk,
    }


@router.get(
    "/export",
    summary="导出花名册（.xlsx，按姓氏笔画排序；可查看完整信息的角色导出完整身份证号和手机号，并记入操作日志）",
)
def export_roster(request, filters: Query[ExportFilters]):
    services.require_roster_role(request.user)
    within = scoping.get_org_or_404(request.user, filters.within) if filters.within is not None else None
    export = exporting.roster_export(
        actor=request.user,
        filters=RosterFilters(
            within=within,
            status=filters.status.value if filters.status else "",
            category=filters.category or "",
            gender=filters.gender or "",
            education=filters.education,
            ethnicity=filters.ethnicity,
            domain=filters.domain or "",
            age_min=filters.age_min,
            age_max=filters.age_max,
            q=filters.q,
        ),
        masked=filters.masked,
    )
    return xlsx_response(export.content, export.filename)
