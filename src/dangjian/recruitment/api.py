"""/api/v1/development — member development (发展党员): cases, steps, the due list, counts and plans.

Thin: scoped fetch (404 outside the caller's scope) → schema → one service or selector → the answer.
ID number and phone are masked unless `?reveal=true` is asked for one case by someone allowed to see them
(the county admin, the case's own branch secretary); that reveal is audited.
"""

import datetime as dt
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from dangjian.core import scoping
from dangjian.core.crypto import mask_id_number, mask_phone
from dangjian.core.errors import ValidationFailed
from dangjian.members.models import Gender, Member
from dangjian.orglife.models import Meeting
from dangjian.orgs.models import Organization

from . import rules, selectors, services
from .models import CaseFile, CaseStep, DevelopmentCase, DevelopmentPlan, Stage

router = Router(tags=["发展党员"])


# --- schemas -----------------------------------------------------------------------------------------------------


class CaseOut(Schema):
    id: int
    person_name: str
    gender: Gender
    id_number: str = Field(description="默认部分隐藏，如 110105********123X")
    birth_date: dt.date
    ethnicity: str = Field(description="民族代码（GB 3304）")
    education: str
    occupation: str
    work_unit: str
    phone: str = Field(description="默认部分隐藏，如 138****5678")
    org_id: int
    org_name: str
    stage: Stage = Field(
        description="applicant 入党申请人 · activist 入党积极分子 · candidate 发展对象 · probationary 预备党员 · "
        "full 正式党员 · withdrawn 已终止 · cancelled 已取消预备党员资格"
    )
    stage_label: str
    applied_on: dt.date
    activist_on: dt.date | None
    candidate_on: dt.date | None
    admitted_on: dt.date | None = Field(description="支部大会通过日期：预备期、党籍、党费自此起算")
    probation_ends_on: dt.date | None
    extended: bool
    extension_months: int | None
    converted_on: dt.date | None = Field(description="转正日期（预备期满之日，党龄自此起算）")
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    closed_on: dt.date | None
    close_reason: str
    member_id: int | None
    revealed: bool = Field(description="id_number、phone 是否为完整值")


class CaseList(Schema):
    count: int
    items: list[CaseOut]


class VoteOut(Schema):
    id: int
    meeting_id: int
    motion: str
    should_attend: int
    present: int
    yes: int
    no: int
    abstain: int
    written_yes: int
    written_no: int
    quorum_met: bool
    passed: bool
    reasons: list[str]


class PersonOut(Schema):
    role: str = Field(
        description="talker 谈话人 · mentor 培养联系人 · sponsor 入党介绍人 · interviewer 党委谈话人"
    )
    member_id: int | None
    name: str


class FileOut(Schema):
    id: int
    title: str
    size: int
    step_id: int | None
    uploaded_at: dt.datetime


class StepOut(Schema):
    id: int
    step: int
    title: str
    phase: int
    phase_title: str
    current: bool = Field(description="false：已被后一轮记录取代（重新表决、重新履行手续、延长预备期）")
    date: dt.date
    decided_by_id: int | None
    decided_by_name: str
    body: str
    outcome: str
    late: bool
    notes: str
    details: dict
    meeting_id: int | None
    vote: VoteOut | None
    people: list[PersonOut]
    files: list[FileOut]


class DueOut(Schema):
    case_id: int
    person_name: str
    org_id: int
    org_name: str
    stage: str
    code: str = Field(
        description="talk 谈话 · activist_review 半年考察 · notice_running 公示中 · approval 接收审批 · "
        "conversion 讨论转正 · conversion_approval 转正审批"
    )
    title: str
    step: int
    due_on: dt.date
    last_on: dt.date | None
    overdue: bool
    lapsed: bool = Field(description="已超过最后期限（如支部大会后 6 个月未审批）")
    days_left: int
    source: str


class CaseDetail(CaseOut):
    steps: list[StepOut]
    allowed_steps: list[int] = Field(description="按顺序和时限，今天可以登记的步骤")
    due: list[DueOut]


class CaseFilters(Schema):
    within: int | None = Field(None, description="只列出该组织及其下级组织的")
    stage: Stage | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="递交申请的年份")
    q: str = Field("", max_length=50, description="姓名包含，或完整的公民身份号码")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class CaseIn(Schema):
    org_id: int = Field(..., description="接收申请的党支部")
    person_name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=18)
    applied_on: dt.date
    ethnicity: str = Field("01", max_length=2)
    education: str = Field("", max_length=2)
    occupation: str = Field("", max_length=2)
    work_unit: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    notes: str = Field("", max_length=2000)


class CaseUpdateIn(Schema):
    person_name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=18)
    ethnicity: str | None = Field(None, max_length=2)
    education: str | None = Field(None, max_length=2)
    occupation: str | None = Field(None, max_length=2)
    work_unit: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=20)
    notes: str | None = Field(None, max_length=2000)


class StepIn(Schema):
    """One step. Besides `step` and `date`, give only what the step uses (others → 422)."""

    step: int = Field(..., ge=1, le=25)
    date: dt.date
    notes: str = Field("", max_length=2000, description="情况记录；第6、21步（考察）必填")
    body: str | None = Field(
        None, description="第3、7、12步：committee 支委会 · assembly 支部大会（默认按是否设支委会）"
    )
    meeting_id: int | None = Field(None, description="第15、23步必填：支部大会（党员大会）；第3、7、12步可选")
    decided_by_id: int | None = Field(None, description="决定机关（上级党委），默认为有审批权限的上级党委")
    decision_ref: str | None = Field(None, max_length=100, description="批复/备案文号")
    talker_name: str | None = Field(None, max_length=50, description="第2步：谈话人")
    talker_member_id: int | None = None
    recommended_by: str | None = Field(None, max_length=100, description="第3步：党员推荐、群团组织推优")
    mentor_ids: list[int] | None = Field(None, description="第5步：1–2 名正式党员")
    sponsor_ids: list[int] | None = Field(None, description="第9步：2 名正式党员")
    conclusion: str | None = Field(None, max_length=2000, description="第10步：政治审查结论")
    passed: bool | None = Field(None, description="第10步：政治审查是否合格")
    days: float | None = Field(None, description="第11步：培训天数")
    hours: float | None = Field(None, description="第11步：培训学时")
    organizer: str | None = Field(None, max_length=100)
    certificate_no: str | None = Field(None, max_length=50)
    notice_starts_on: dt.date | None = Field(None, description="第13步：公示开始日期")
    yes: int | None = Field(None, description="第15、23步：赞成票")
    no: int | None = None
    abstain: int | None = None
    written_yes: int | None = Field(None, description="未到会有表决权党员的书面赞成意见")
    written_no: int | None = None
    excluded: int | None = Field(None, description="经上级同意不计入应到会的人数")
    submitted_on: dt.date | None = Field(None, description="第16步：支部大会决议报送上级党委的日期")
    interviewer_name: str | None = Field(None, max_length=50, description="第16步：谈话的党委委员或组织员")
    interviewer_member_id: int | None = None
    reason: str | None = Field(None, max_length=300, description="第17、24步：超过期限时的原因")
    party_group_id: int | None = Field(None, description="第19步：编入的党小组")
    outcome: str | None = Field(
        None, description="第23步：confirm 转正 · extend 延长预备期 · cancel 取消预备党员资格"
    )
    extension_months: int | None = Field(None, description="第23步延长预备期：6–12 个月")


class WithdrawIn(Schema):
    date: dt.date
    reason: str = Field(..., max_length=200)


class DueFilters(Schema):
    within: int | None = None
    days: int = Field(30, ge=0, le=366, description="未来多少天内到期的（已逾期的总是列出）")
    overdue: bool = Field(False, description="只列出已逾期的")


class DueList(Schema):
    count: int
    today: dt.date
    items: list[DueOut]


class StepDefinitionOut(Schema):
    number: int
    phase: int
    phase_title: str
    title: str
    decider: str
    decider_label: str
    source: str
    documents: list[str]
    requires: list[int]
    periodic: bool


class CountsOut(Schema):
    year: int
    items: list[dict]


class PlanLineIn(Schema):
    org_id: int
    quota: int = Field(..., ge=0, le=999)


class PlanIn(Schema):
    org_id: int = Field(..., description="制定计划的党委")
    year: int = Field(..., ge=2000, le=2100)
    note: str = Field("", max_length=300)
    lines: list[PlanLineIn]


class PlanUpdateIn(Schema):
    note: str | None = Field(None, max_length=300)
    lines: list[PlanLineIn]


class PlanLineOut(Schema):
    org_id: int
    org_name: str
    quota: int
    admitted: int = Field(description="该年度支部大会通过接收的人数")


class PlanOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    note: str
    total: int
    admitted: int
    lines: list[PlanLineOut]


class PlanList(Schema):
    count: int
    items: list[PlanOut]


# --- conversions -------------------------------------------------------------------------------------------------


def _case_out(case: DevelopmentCase, revealed: dict | None = None) -> dict:
    return {
        "id": case.pk,
        "person_name": case.person_name,
        "gender": case.gender,
        "id_number": revealed["id_number"] if revealed else mask_id_number(case.id_number),
        "birth_date": case.birth_date,
        "ethnicity": case.ethnicity,
        "education": case.education,
        "occupation": case.occupation,
        "work_unit": case.work_unit,
        "phone": revealed["phone"] if revealed else mask_phone(case.phone),
        "org_id": case.org_id,
        "org_name": case.org.name,
        "stage": case.stage,
        "stage_label": str(case.get_stage_display()),
        "applied_on": case.applied_on,
        "activist_on": case.activist_on,
        "candidate_on": case.candidate_on,
        "admitted_on": case.admitted_on,
        "probation_ends_on": case.probation_ends_on,
        "extended": case.extended,
        "extension_months": case.extension_months,
        "converted_on": case.converted_on,
        "notice_starts_on": case.notice_starts_on,
        "notice_ends_on": case.notice_ends_on,
        "closed_on": case.closed_on,
        "close_reason": case.close_reason,
        "member_id": case.member_id,
        "revealed": revealed is not None,
    }


def _vote_out(vote) -> dict | None:
    if vote is None:
        return None
    return {
        "id": vote.pk,
        "meeting_id": vote.meeting_id,
        "motion": vote.motion,
        "should_attend": vote.should_attend,
        "present": vote.present,
        "yes": vote.yes,
        "no": vote.no,
        "abstain": vote.abstain,
        "written_yes": vote.written_yes,
        "written_no": vote.written_no,
        "quorum_met": vote.quorum_met,
        "passed": vote.passed,
        "reasons": list(vote.reasons or []),
    }


def _file_out(record: CaseFile) -> dict:
    return {
        "id": record.pk,
        "title": record.title,
        "size": record.size,
        "step_id": record.step_id,
        "uploaded_at": record.uploaded_at,
    }


def _step_out(record: CaseStep) -> dict:
    spec = rules.STEPS[record.step]
    return {
        "id": record.pk,
        "step": record.step,
        "title": str(spec.title),
        "phase": spec.phase,
        "phase_title": spec.phase_title,
        "current": record.current,
        "date": record.date,
        "decided_by_id": record.decided_by_id,
        "decided_by_name": record.decided_by.name if record.decided_by else "",
        "body": record.body,
        "outcome": record.outcome,
        "late": record.late,
        "notes": record.notes,
        "details": record.details or {},
        "meeting_id": record.meeting_id,
        "vote": _vote_out(record.vote),
        "people": [{"role": p.role, "member_id": p.member_id, "name": p.name} for p in record.people.all()],
        "files": [_file_out(f) for f in record.files.all()],
    }


def _due_out(item: selectors.DueItem) -> dict:
    return {
        "case_id": item.case_id,
        "person_name": item.person_name,
        "org_id": item.org_id,
        "org_name": item.org_name,
        "stage": item.stage,
        "code": item.code,
        "title": item.due.title,
        "step": item.due.step,
        "due_on": item.due.due_on,
        "last_on": item.due.last_on,
        "overdue": item.overdue,
        "lapsed": item.lapsed,
        "days_left": item.days_left,
        "source": item.due.source,
    }


def _detail(case: DevelopmentCase, revealed: dict | None = None) -> dict:
    today = timezone.localdate()
    case = DevelopmentCase.objects.select_related("org", "member").get(pk=case.pk)
    dues = selectors.open_cases_with_dues(DevelopmentCase.objects.filter(pk=case.pk), today)
    return {
        **_case_out(case, revealed),
        "steps": [_step_out(record) for record in selectors.case_steps(case)],
        "allowed_steps": selectors.allowed_steps(case, today)
        if case.stage not in ("withdrawn", "cancelled")
        else [],
        "due": [_due_out(item) for item in dues],
    }


def _org_or_422(user, pk: int | None, field: str) -> Organization | None:
    if pk is None:
        return None
    try:
        return scoping.get_org_or_404(user, pk)
    except Http404:
        raise ValidationFailed.field(field, _("党组织不存在或不在您的管理范围内")) from None


def _member_or_422(user, pk: int | None, field: str) -> Member | None:
    if pk is None:
        return None
    member = scoping.scoped(Member.objects.all(), user, "org_path").filter(pk=pk).first()
    if member is None:
        raise ValidationFailed.field(field, _("党员不存在或不在您的管理范围内"))
    return member


def _meeting_or_422(user, pk: int | None) -> Meeting | None:
    if pk is None:
        return None
    meeting = scoping.scoped(Meeting.objects.all(), user, "org_path").filter(pk=pk).first()
    if meeting is None:
        raise ValidationFailed.field("meeting_id", _("会议不存在或不在您的管理范围内"))
    return meeting


def _step_details(user, payload: StepIn) -> dict:
    """The step's details as the service takes them: ids turned into the scoped objects they name."""
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    data.pop("step", None)
    data.pop("date", None)
    renames = {
        "decided_by_id": ("decided_by", lambda pk: _org_or_422(user, pk, "decided_by_id")),
        "party_group_id": ("party_group", lambda pk: _org_or_422(user, pk, "party_group_id")),
        "meeting_id": ("meeting", lambda pk: _meeting_or_422(user, pk)),
        "talker_member_id": ("talker", lambda pk: _member_or_422(user, pk, "talker_member_id")),
        "interviewer_member_id": (
            "interviewer",
            lambda pk: _member_or_422(user, pk, "interviewer_member_id"),
        ),
        "mentor_ids": ("mentors", lambda ids: [_member_or_422(user, pk, "mentor_ids") for pk in ids]),
        "sponsor_ids": ("sponsors", lambda ids: [_member_or_422(user, pk, "sponsor_ids") for pk in ids]),
    }
    for key, (name, convert) in renames.items():
        if key in data:
            data[name] = convert(data.pop(key))
    return data


# --- cases -------------------------------------------------------------------------------------------------------


@router.get("/cases", response=CaseList, summary="发展党员列表")
def list_cases(request, filters: Query[CaseFilters]):
    scoping.require_tree_role(request.user)
    within = scoping.get_org_or_404(request.user, filters.within) if filters.within is not None else None
    queryset = selectors.cases_within(
        user=request.user,
        filters=selectors.CaseFilters(
            within=within, stage=filters.stage or "", year=filters.year, q=filters.q
        ),
    )
    page = list(queryset[filters.offset : filters.offset + filters.limit])
    return {"count": queryset.count(), "items": [_case_out(case) for case in page]}


@router.post("/cases", response={201: CaseDetail}, summary="登记入党申请（第1步）")
def create_case(request, payload: CaseIn):
    scoping.require_tree_role(request.user)
    org = _org_or_422(request.user, payload.org_id, "org_id")
    case = services.case_create(actor=request.user, org=org, **payload.dict(exclude={"org_id"}))
    return 201, _detail(case)


@router.get(
    "/cases/{int:case_id}",
    response=CaseDetail,
    summary="发展党员详情与步骤（?reveal=true 返回完整身份证号和手机号）",
)
def get_case(request, case_id: int, reveal: bool = False):
    case = selectors.get_case_or_404(request.user, case_id)
    revealed = services.case_reveal(actor=request.user, case=case) if reveal else None
    return _detail(case, revealed)


@router.patch("/cases/{int:case_id}", response=CaseDetail, summary="更正个人信息（接收为预备党员之前）")
def update_case(request, case_id: int, payload: CaseUpdateIn):
    case = selectors.get_case_or_404(request.user, case_id)
    case = services.case_update(actor=request.user, case=case, **payload.dict(exclude_unset=True))
    return _detail(case)


@router.post("/cases/{int:case_id}/steps", response=CaseDetail, summary="登记一个步骤（第2–25步）")
def record_step(request, case_id: int, payload: StepIn):
    case = selectors.get_case_or_404(request.user, case_id)
    details = _step_details(request.user, payload)
    case = services.step_record(
        actor=request.user, case=case, step=payload.step, date=payload.date, **details
    )
    return _detail(case)


@router.post("/cases/{int:case_id}/withdraw", response=CaseDetail, summary="终止发展（接收为预备党员之前）")
def withdraw_case(request, case_id: int, payload: WithdrawIn):
    case = selectors.get_case_or_404(request.user, case_id)
    case = services.case_withdraw(actor=request.user, case=case, date=payload.date, reason=payload.reason)
    return _detail(case)


@router.post("/cases/{int:case_id}/files", response={201: FileOut}, summary="上传材料")
def upload_file(
    request,
    case_id: int,
    file: File[UploadedFile],
    title: Form[str] = "",
    step_id: Form[int | None] = None,
):
    case = selectors.get_case_or_404(request.user, case_id)
    step = None
    if step_id is not None:
        step = CaseStep.objects.filter(case=case, pk=step_id).first()
        if step is None:
            raise ValidationFailed.field("step_id", _("该步骤不属于此发展党员记录"))
    record = services.case_file_add(actor=request.user, case=case, upload=file, title=title, step=step)
    return 201, _file_out(record)


@router.get("/cases/{int:case_id}/files/{int:file_id}", summary="下载材料（记入操作日志）")
def download_file(request, case_id: int, file_id: int):
    case = selectors.get_case_or_404(request.user, case_id)
    record = CaseFile.objects.filter(case=case, pk=file_id).first()
    if record is None:
        raise Http404(_("材料不存在"))
    services.case_file_download(actor=request.user, case_file=record)
    suffix = PurePath(record.file.name).suffix
    return FileResponse(
        record.file.open("rb"), as_attachment=True, filename=f"{case.person_name}-{record.title}{suffix}"
    )


# --- due list, steps, counts -------------------------------------------------------------------------------------


@router.get("/due", response=DueList, summary="到期与逾期事项（默认未来 30 天）")
def due_list(request, filters: Query[DueFilters]):
    scoping.require_tree_role(request.user)
    within = scoping.get_org_or_404(request.user, filters.within) if filters.within is not None else None
    today = timezone.localdate()
    items = selectors.due_within(
        user=request.user, within=within, days=filters.days, today=today, overdue_only=filters.overdue
    )
    return {"count": len(items), "today": today, "items": [_due_out(item) for item in items]}


@router.get(
    "/steps", response=list[StepDefinitionOut], summary="五个阶段二十五个步骤（规定、决定机关、材料）"
)
def step_definitions(request):
    return [
        {
            "number": s.number,
            "phase": s.phase,
            "phase_title": s.phase_title,
            "title": str(s.title),
            "decider": s.decider,
            "decider_label": str(rules.DECIDERS[s.decider]),
            "source": str(s.source),
            "documents": [str(d) for d in s.documents],
            "requires": list(s.requires),
            "periodic": s.periodic,
        }
        for s in rules.STEPS.values()
    ]


@router.get("/counts", response=CountsOut, summary="各党支部发展党员人数（按年度，供统计）")
def counts(request, year: int = Query(..., ge=2000, le=2100), within: int | None = None):
    scoping.require_tree_role(request.user)
    org = scoping.get_org_or_404(request.user, within) if within is not None else None
    return {"year": year, "items": selectors.development_counts(user=request.user, within=org, year=year)}


# --- plans -------------------------------------------------------------------------------------------------------


def _plan_out(plan: DevelopmentPlan) -> dict:
    lines = selectors.plan_progress(plan)
    return {
        "id": plan.pk,
        "org_id": plan.org_id,
        "org_name": plan.org.name,
        "year": plan.year,
        "note": plan.note,
        "total": sum(line["quota"] for line in lines),
        "admitted": sum(line["admitted"] for line in lines),
        "lines": lines,
    }


def _require_planner(user) -> None:
    """Plans are made by committees: the county admin and committee officers (branch secretaries read them)."""
    scoping.require_tree_role(user)
    if user.role not in services.cases.APPROVER_ROLES:
        raise PermissionDenied(_("发展党员计划由党委制定，党支部只能查看"))


def _lines(user, lines: list[PlanLineIn]) -> list[tuple[Organization, int]]:
    return [(_org_or_422(user, line.org_id, f"lines.{i}.org_id"), line.quota) for i, line in enumerate(lines)]


@router.get("/plans", response=PlanList, summary="发展党员计划")
def list_plans(request, within: int | None = None, year: int | None = Query(None, ge=2000, le=2100)):
    scoping.require_tree_role(request.user)
    org = scoping.get_org_or_404(request.user, within) if within is not None else None
    plans = list(selectors.plans_within(user=request.user, within=org, year=year))
    return {"count": len(plans), "items": [_plan_out(plan) for plan in plans]}


@router.post("/plans", response={201: PlanOut}, summary="制定年度发展党员计划")
def create_plan(request, payload: PlanIn):
    _require_planner(request.user)
    org = _org_or_422(request.user, payload.org_id, "org_id")
    plan = services.plan_create(
        actor=request.user,
        org=org,
        year=payload.year,
        note=payload.note,
        lines=_lines(request.user, payload.lines),
    )
    return 201, _plan_out(selectors.get_plan_or_404(request.user, plan.pk))


@router.get("/plans/{int:plan_id}", response=PlanOut, summary="发展党员计划及完成情况")
def get_plan(request, plan_id: int):
    return _plan_out(selectors.get_plan_or_404(request.user, plan_id))


@router.put("/plans/{int:plan_id}", response=PlanOut, summary="修改发展党员计划")
def update_plan(request, plan_id: int, payload: PlanUpdateIn):
    plan = selectors.get_plan_or_404(request.user, plan_id)
    _require_planner(request.user)
    services.plan_update(
        actor=request.user, plan=plan, note=payload.note, lines=_lines(request.user, payload.lines)
    )
    return _plan_out(selectors.get_plan_or_404(request.user, plan_id))
