"""/api/v1/meetings: organizational life recorded, planned, held or cancelled; attendance, votes, grades, files.

Thin: scoped fetch (404 outside the caller's scope) → schema → one service or selector → the answer.
"""

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from dangjian.core import scoping
from dangjian.core.errors import ValidationFailed
from dangjian.members.models import Member

from . import documents, rules, selectors, services
from .models import AppraisalGrade, Attendance, Meeting, MeetingKind, MeetingState

router = Router(tags=["组织生活"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- schemas -------------------------------------------------------------------------------------------------


class AttendeeIn(Schema):
    member_id: int
    attendance: Attendance = Attendance.PRESENT
    note: str = Field("", max_length=100)


class AttendeeOut(Schema):
    member_id: int
    member_name: str
    attendance: Attendance
    note: str


class MeetingOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: MeetingKind
    state: MeetingState
    held_on: dt.date
    ends_on: dt.date | None
    starts_at: dt.time | None
    place: str
    topic: str
    host: str
    recorder: str
    lecturer: str
    minutes: str
    resolutions: str
    hours: float
    themed_items: list[str] = Field(description="主题党日已开展的“4”项：study · life · discussion · service")
    themed_extra: str
    themed_missing: list[str] = Field(description="主题党日尚未开展的“4”项")
    held_as: str = Field(description="组织生活会的召开形式：assembly · committee · group")
    cancel_reason: str
    attendees: list[AttendeeOut]
    should_attend: int = Field(description="登记的参会人员（出席 + 请假 + 缺席）")
    present: int
    leave: int
    absent: int


class MeetingList(Schema):
    count: int
    items: list[MeetingOut]


class MeetingFilters(Schema):
    within: int | None = Field(None, description="只列出该组织及其下级组织的会议")
    kind: MeetingKind | None = None
    state: MeetingState | None = None
    date_from: dt.date | None = Field(None, alias="from", description="起始日期（含）")
    date_to: dt.date | None = Field(None, alias="to", description="截止日期（含）")
    q: str = Field("", max_length=50, description="主题中的文字")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class MeetingIn(Schema):
    org_id: int
    kind: MeetingKind
    held_on: dt.date
    topic: str = Field(..., max_length=200)
    state: MeetingState = Field(MeetingState.HELD, description="planned 计划召开 · held 已召开")
    starts_at: dt.time | None = None
    ends_on: dt.date | None = None
    place: str = Field("", max_length=100)
    host: str = Field("", max_length=50)
    recorder: str = Field("", max_length=50)
    lecturer: str = Field("", max_length=50)
    minutes: str = Field("", max_length=20000)
    resolutions: str = Field("", max_length=5000)
    hours: Decimal = Field(Decimal(0), ge=0, le=200, decimal_places=1)
    themed_items: list[str] = []
    themed_extra: str = Field("", max_length=200)
    held_as: str = Field("", max_length=20)
    attendees: list[AttendeeIn] = []


class MeetingPatch(Schema):
    held_on: dt.date | None = None
    starts_at: dt.time | None = None
    ends_on: dt.date | None = None
    place: str | None = Field(None, max_length=100)
    topic: str | None = Field(None, max_length=200)
    host: str | None = Field(None, max_length=50)
    recorder: str | None = Field(None, max_length=50)
    lecturer: str | None = Field(None, max_length=50)
    minutes: str | None = Field(None, max_length=20000)
    resolutions: str | None = Field(None, max_length=5000)
    hours: Decimal | None = Field(None, ge=0, le=200, decimal_places=1)
    themed_items: list[str] | None = None
    themed_extra: str | None = Field(None, max_length=200)
    held_as: str | None = Field(None, max_length=20)


class HoldIn(Schema):
    held_on: dt.date | None = Field(None, description="实际召开日期，默认为计划日期")
    starts_at: dt.time | None = None
    place: str | None = Field(None, max_length=100)
    host: str | None = Field(None, max_length=50)
    recorder: str | None = Field(None, max_length=50)
    minutes: str | None = Field(None, max_length=20000)
    resolutions: str | None = Field(None, max_length=5000)
    hours: Decimal | None = Field(None, ge=0, le=200, decimal_places=1)
    attendees: list[AttendeeIn] | None = None


class CancelIn(Schema):
    reason: str = Field(..., max_length=200)


class VoteIn(Schema):
    motion: str = Field(..., max_length=300)
    yes: int = Field(..., ge=0)
    no: int = Field(0, ge=0)
    abstain: int = Field(0, ge=0)
    written_yes: int = Field(0, ge=0, description="未到会有表决权党员的书面赞成意见（党员大会）")
    written_no: int = Field(0, ge=0)
    excluded: int = Field(0, ge=0, description="经上级党组织同意不计入应到会的人数（中组部有关规定）")
    rule: str | None = Field(
        None, description="assembly（默认，党员大会）· election（选举）· committee（支委会）"
    )
    subject_id: int | None = Field(None, description="表决涉及的党员（如预备党员转正）")
    subject_name: str = Field("", max_length=50)


class VoteOut(Schema):
    id: int
    meeting_id: int
    motion: str
    rule: str
    subject_id: int | None
    subject_name: str
    eligible: int = Field(description="有表决权的人数（预备党员没有表决权）")
    excluded: int
    should_attend: int = Field(description="应到会人数 = eligible − excluded")
    present: int = Field(description="到会的有表决权人数")
    yes: int
    no: int
    abstain: int
    written_yes: int
    written_no: int
    quorum_met: bool
    passed: bool
    reasons: list[str]


class VoteList(Schema):
    count: int
    items: list[VoteOut]


class GradeIn(Schema):
    member_id: int
    grade: AppraisalGrade.Grade
    note: str = Field("", max_length=200)


class GradesIn(Schema):
    grades: list[GradeIn]


class GradeOut(Schema):
    member_id: int
    member_name: str
    grade: AppraisalGrade.Grade
    note: str


class GradeList(Schema):
    count: int
    items: list[GradeOut]


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class FileList(Schema):
    count: int
    items: list[FileOut]


# --- shaping -------------------------------------------------------------------------------------------------


def _meeting_out(meeting: Meeting) -> dict:
    attendees = sorted(meeting.attendees.all(), key=lambda a: (a.member.name_key, a.member_id))
    counts = {value: 0 for value in Attendance.values}
    for attendee in attendees:
        counts[attendee.attendance] += 1
    return {
        "id": meeting.pk,
        "org_id": meeting.org_id,
        "org_name": meeting.org.name,
        "kind": meeting.kind,
        "state": meeting.state,
        "held_on": meeting.held_on,
        "ends_on": meeting.ends_on,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "topic": meeting.topic,
        "host": meeting.host,
        "recorder": meeting.recorder,
        "lecturer": meeting.lecturer,
        "minutes": meeting.minutes,
        "resolutions": meeting.resolutions,
        "hours": float(meeting.hours),
        "themed_items": list(meeting.themed_items or []),
        "themed_extra": meeting.themed_extra,
        "themed_missing": rules.themed_day_missing(meeting.themed_items or [])
        if meeting.kind == MeetingKind.THEMED_DAY
        else [],
        "held_as": meeting.held_as,
        "cancel_reason": meeting.cancel_reason,
        "attendees": [
            {
                "member_id": a.member_id,
                "member_name": a.member.name,
                "attendance": a.attendance,
                "note": a.note,
            }
            for a in attendees
        ],
        "should_attend": len(attendees),
        **counts,
    }


def _with_attendees(queryset):
    return queryset.select_related("org").prefetch_related("attendees__member")


def _fetch(user, pk) -> Meeting:
    meeting = selectors.get_meeting_or_404(user, pk)
    return _with_attendees(Meeting.objects.filter(pk=meeting.pk)).get()


def _vote_out(vote) -> dict:
    return {
        "id": vote.pk,
        "meeting_id": vote.meeting_id,
        "motion": vote.motion,
        "rule": vote.rule,
        "subject_id": vote.subject_id,
        "subject_name": vote.subject_name,
        "eligible": vote.eligible,
        "excluded": vote.excluded,
        "should_attend": vote.should_attend,
        "present": vote.present,
        "yes": vote.yes,
        "no": vote.no,
        "abstain": vote.abstain,
        "written_yes": vote.written_yes,
        "written_no": vote.written_no,
        "quorum_met": vote.quorum_met,
        "passed": vote.passed,
        "reasons": list(vote.reasons),
    }


def _grades_out(grades) -> dict:
    items = [
        {"member_id": g.member_id, "member_name": g.member.name, "grade": g.grade, "note": g.note}
        for g in grades
    ]
    return {"count": len(items), "items": items}


def _file_out(f) -> dict:
    return {
        "id": f.pk,
        "name": f.name,
        "content_type": f.content_type,
        "size": f.size,
        "uploaded_at": f.uploaded_at,
    }


def _entries(attendees) -> list[dict]:
    return [{"member_id": a.member_id, "attendance": a.attendance.value, "note": a.note} for a in attendees]


def _org_or_422(user, pk: int):
    scoping.require_tree_role(user)
    try:
        return scoping.get_org_or_404(user, pk)
    except Http404:
        raise ValidationFailed.field("org_id", _("组织不存在或不在您的管理范围内")) from None


# --- meetings ------------------------------------------------------------------------------------------------


@router.get("/meetings", response=MeetingList, summary="会议和活动列表（管理范围内）")
def list_meetings(request, filters: Query[MeetingFilters]):
    scoping.require_tree_role(request.user)
    root = scoping.get_org_or_404(request.user, filters.within) if filters.within is not None else None
    queryset = selectors.meetings_within(
        user=request.user,
        root=root,
        kind=filters.kind or "",
        state=filters.state or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
    )
    count = queryset.count()
    page = _with_attendees(queryset)[filters.offset : filters.offset + filters.limit]
    return {"count": count, "items": [_meeting_out(m) for m in page]}


@router.post("/meetings", response={201: MeetingOut}, summary="登记已召开的会议，或计划召开的会议")
def create_meeting(request, payload: MeetingIn):
    org = _org_or_422(request.user, payload.org_id)
    values = payload.dict(exclude={"org_id", "attendees"})
    meeting = services.meeting_create(
        actor=request.user, org=org, attendees=_entries(payload.attendees), **values
    )
    return 201, _meeting_out(_fetch(request.user, meeting.pk))


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="一次会议的记录")
def get_meeting(request, meeting_id: int):
    return _meeting_out(_fetch(request.user, meeting_id))


@router.patch("/meetings/{meeting_id}", response=MeetingOut, summary="修改会议记录")
def update_meeting(request, meeting_id: int, payload: MeetingPatch):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    changes = payload.dict(exclude_unset=True)
    for name in (
        "place",
        "topic",
        "host",
        "recorder",
        "lecturer",
        "minutes",
        "resolutions",
        "themed_extra",
        "held_as",
    ):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if changes.get("themed_items", ()) is None:
        changes["themed_items"] = []
    if "held_on" in changes and changes["held_on"] is None:
        raise ValidationFailed.field("held_on", _("请填写日期"))
    if "hours" in changes and changes["hours"] is None:
        changes["hours"] = 0
    services.meeting_update(actor=request.user, meeting=meeting, **changes)
    return _meeting_out(_fetch(request.user, meeting_id))


@router.post(
    "/meetings/{meeting_id}/hold", response=MeetingOut, summary="登记计划的会议已召开（409：状态不允许）"
)
def hold_meeting(request, meeting_id: int, payload: HoldIn):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    record = {k: v for k, v in payload.dict(exclude={"attendees", "held_on"}).items() if v is not None}
    services.meeting_hold(
        actor=request.user,
        meeting=meeting,
        held_on=payload.held_on,
        attendees=_entries(payload.attendees) if payload.attendees is not None else None,
        **record,
    )
    return _meeting_out(_fetch(request.user, meeting_id))


@router.post(
    "/meetings/{meeting_id}/cancel", response=MeetingOut, summary="取消计划的会议（409：状态不允许）"
)
def cancel_meeting(request, meeting_id: int, payload: CancelIn):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    services.meeting_cancel(actor=request.user, meeting=meeting, reason=payload.reason)
    return _meeting_out(_fetch(request.user, meeting_id))


@router.put("/meetings/{meeting_id}/attendees", response=MeetingOut, summary="登记参会情况（整表替换）")
def set_attendees(request, meeting_id: int, payload: list[AttendeeIn]):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    services.attendance_set(actor=request.user, meeting=meeting, entries=_entries(payload))
    return _meeting_out(_fetch(request.user, meeting_id))


@router.get("/meetings/{meeting_id}/record", summary="下载会议记录（Word）")
def meeting_record(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    content = documents.meeting_record_export(actor=request.user, meeting=meeting)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = documents.content_disposition(meeting)
    return response


# --- votes ---------------------------------------------------------------------------------------------------


@router.get("/meetings/{meeting_id}/votes", response=VoteList, summary="会议的表决")
def list_votes(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    votes = selectors.meeting_votes(meeting)
    return {"count": len(votes), "items": [_vote_out(v) for v in votes]}


@router.post(
    "/meetings/{meeting_id}/votes", response=VoteOut, summary="表决：按规定计算应到、实到、是否有效和是否通过"
)
def record_vote(request, meeting_id: int, payload: VoteIn):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    subject = None
    if payload.subject_id is not None:
        subject = (
            scoping.scoped(Member.objects.all(), request.user, "org_path")
            .filter(pk=payload.subject_id)
            .first()
        )
        if subject is None:
            raise ValidationFailed.field("subject_id", _("党员不存在或不在您的管理范围内"))
    vote = services.vote_record(
        actor=request.user,
        meeting=meeting,
        subject=subject,
        **payload.dict(exclude={"subject_id"}),
    )
    return _vote_out(vote)


# --- grades --------------------------------------------------------------------------------------------------


@router.get("/meetings/{meeting_id}/grades", response=GradeList, summary="民主评议等次")
def list_grades(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    return _grades_out(selectors.meeting_grades(meeting))


@router.post(
    "/meetings/{meeting_id}/grades",
    response=GradeList,
    summary="登记民主评议等次（整表替换；优秀不超过三分之一）",
)
def set_grades(request, meeting_id: int, payload: GradesIn):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    grades = services.grades_set(
        actor=request.user,
        meeting=meeting,
        grades=[{"member_id": g.member_id, "grade": g.grade.value, "note": g.note} for g in payload.grades],
    )
    return _grades_out(grades)


# --- files ---------------------------------------------------------------------------------------------------


@router.get("/meetings/{meeting_id}/files", response=FileList, summary="会议附件")
def list_files(request, meeting_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    files = list(selectors.meeting_files(meeting))
    return {"count": len(files), "items": [_file_out(f) for f in files]}


@router.post(
    "/meetings/{meeting_id}/files",
    response={201: FileOut},
    summary="上传照片（JPG、PNG）或文件（PDF、Word、Excel）",
)
def upload_file(request, meeting_id: int, file: File[UploadedFile] = None):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    stored = services.meeting_file_add(actor=request.user, meeting=meeting, upload=file)
    return 201, _file_out(stored)


@router.delete("/meetings/{meeting_id}/files/{file_id}", response={204: None}, summary="删除附件")
def delete_file(request, meeting_id: int, file_id: int):
    meeting = selectors.get_meeting_or_404(request.user, meeting_id)
    services.meeting_file_remove(actor=request.user, meeting_file=selectors.get_file_or_404(meeting, file_id))
    return 204, None
