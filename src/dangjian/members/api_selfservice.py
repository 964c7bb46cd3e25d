"""/api/v1/me (the member's own record, corrections, questions) and, for the branch side,
/api/v1/corrections and /api/v1/consultations with their approve / reject / answer actions.

Thin: the member's own record or a scoped fetch (404 outside the caller's scope) → schema → one service
or selector → the answer. Every other role gets 403 on /me; a member gets 403 on the branch side.
"""

import datetime as dt

from ninja import Field, Query, Router, Schema

from dangjian.core import scoping
from dangjian.core.crypto import mask_id_number, mask_phone

from .models import (
    Category,
    ExitKind,
    Gender,
    MobileState,
    RequestState,
    Status,
    TransferKind,
    TransferState,
)
from .selectors import selfservice as selectors
from .selectors.transfers import effective_state
from .services import records as record_services
from .services import selfservice as services
from .services.status import kind_label

router = Router()
me_router = Router(tags=["党员自助服务"])
corrections_router = Router(tags=["信息更正审核"])
consultations_router = Router(tags=["在线咨询"])

CORRECTABLE_HELP = "可申请更正的信息项：" + " · ".join(
    f"{name} {spec.label}" for name, spec in services.CORRECTABLE.items()
)


# --- schemas -------------------------------------------------------------------------------------------------


class MyTransferOut(Schema):
    id: int
    kind: TransferKind
    from_org_name: str
    to_org_name: str
    letter_no: str
    issued_on: dt.date
    valid_until: dt.date
    dues_paid_until: dt.date
    state: TransferState
    received_on: dt.date | None


class MyStatusChangeOut(Schema):
    id: int
    kind: str
    kind_label: str
    exit_kind: ExitKind | None
    from_status: Status
    to_status: Status
    effective_on: dt.date
    reason: str
    approved_by: str
    decision_ref: str


class MyMobileOut(Schema):
    id: int
    left_on: dt.date
    expected_return_on: dt.date | None
    destination: str
    host_org_name: str
    card_no: str
    state: MobileState
    returned_on: dt.date | None


class MeOut(Schema):
    """The member's own record (API.md member fields and the rest of the record), with its history."""

    id: int
    name: str
    gender: Gender
    id_number: str = Field(description="默认隐去部分号码；?reveal=true 返回完整号码并记入操作日志")
    birth_date: dt.date
    ethnicity: str
    education: str
    degree: str
    occupation: str
    native_place: str
    work_unit: str
    job_title: str
    phone: str
    address: str
    org_id: int
    org_name: str
    party_group_name: str
    category: Category
    joined_on: dt.date
    converted_on: dt.date | None
    status: Status
    transfers: list[MyTransferOut]
    status_changes: list[MyStatusChangeOut]
    mobile_records: list[MyMobileOut]


class CorrectionOut(Schema):
    id: int
    member_id: int
    member_name: str
    org_id: int
    org_name: str
    field: str
    field_label: str
    current_value: str
    requested_value: str = Field(description="代码项为代码；手机号码、家庭住址已隐去部分内容")
    requested_label: str
    needs_archive_check: bool
    reason: str
    state: RequestState
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by_name: str
    decision_note: str


class CorrectionList(Schema):
    count: int
    items: list[CorrectionOut]


class CorrectionIn(Schema):
    field: str = Field(..., max_length=30, description=CORRECTABLE_HELP)
    requested_value: str = Field(..., max_length=200, description="日期为 YYYY-MM-DD；代码项填代码")
    reason: str = Field(..., max_length=300)


class ApproveIn(Schema):
    note: str = Field("", max_length=300)


class RejectIn(Schema):
    note: str = Field(..., max_length=300, description="驳回理由，党员可见")


class CorrectionFilters(Schema):
    state: RequestState | None = Field(None, description="默认列出全部；pending 待处理")
    within: int | None = None
    q: str = Field("", max_length=50, description="党员姓名开头")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class ConsultationOut(Schema):
    id: int
    member_id: int
    member_name: str
    org_id: int
    org_name: str
    subject: str
    question: str
    asked_at: dt.datetime
    answered: bool
    answer: str
    answered_at: dt.datetime | None
    answered_by_name: str


class ConsultationList(Schema):
    count: int
    items: list[ConsultationOut]


class ConsultationIn(Schema):
    subject: str = Field(..., max_length=services.SUBJECT_MAX)
    question: str = Field(..., max_length=services.TEXT_MAX)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=services.TEXT_MAX)


class ConsultationFilters(Schema):
    answered: bool | None = Field(None, description="false 待答复 · true 已答复；默认全部")
    within: int | None = None
    q: str = Field("", max_length=50, description="主题中的文字或党员姓名开头")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class Page(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


# --- shaping -------------------------------------------------------------------------------------------------


def _transfer_out(t) -> dict:
    return {
        "id": t.pk,
        "kind": t.kind,
        "from_org_name": t.from_org.name if t.from_org_id else t.source_text,
        "to_org_name": t.to_org.name if t.to_org_id else t.destination_text,
        "letter_no": t.letter_no,
        "issued_on": t.issued_on,
        "valid_until": t.valid_until,
        "dues_paid_until": t.dues_paid_until,
        "state": getattr(t, "current_state", None) or effective_state(t),
        "received_on": t.received_on,
    }


def _change_out(c) -> dict:
    return {
        "id": c.pk,
        "kind": c.kind,
        "kind_label": kind_label(c.kind),
        "exit_kind": c.exit_kind or None,
        "from_status": c.from_status,
        "to_status": c.to_status,
        "effective_on": c.effective_on,
        "reason": c.reason,
        "approved_by": c.approved_by,
        "decision_ref": c.decision_ref,
    }


def _mobile_out(r) -> dict:
    return {
        "id": r.pk,
        "left_on": r.left_on,
        "expected_return_on": r.expected_return_on,
        "destination": r.destination,
        "host_org_name": r.host_org.name if r.host_org_id else r.host_text,
        "card_no": r.card_no,
        "state": r.state,
        "returned_on": r.returned_on,
    }


def _me_out(member, revealed: dict | None) -> dict:
    history = selectors.own_history(member)
    if revealed is None:
        revealed = {
            "id_number": mask_id_number(member.id_number),
            "phone": mask_phone(member.phone),
            "address": record_services.mask_address(member.address),
        }
    return {
        "id": member.pk,
        "name": member.name,
        "gender": member.gender,
        "id_number": revealed["id_number"],
        "birth_date": member.birth_date,
        "ethnicity": member.ethnicity,
        "education": member.education,
        "degree": member.degree,
        "occupation": member.occupation,
        "native_place": member.native_place,
        "work_unit": member.work_unit,
        "job_title": member.job_title,
        "phone": revealed["phone"],
        "address": revealed["address"],
        "org_id": member.org_id,
        "org_name": member.org.name,
        "party_group_name": member.party_group.name if member.party_group_id else "",
        "category": member.category,
        "joined_on": member.joined_on,
        "converted_on": member.converted_on,
        "status": member.status,
        "transfers": [_transfer_out(t) for t in history.transfers],
        "status_changes": [_change_out(c) for c in history.status_changes],
        "mobile_records": [_mobile_out(r) for r in history.mobile_records],
    }


def _name(user) -> str:
    return user.get_full_name() if user is not None else ""


def correction_out(c) -> dict:
    spec = services.CORRECTABLE.get(c.field)
    return {
        "id": c.pk,
        "member_id": c.member_id,
        "member_name": c.member.name,
        "org_id": c.member.org_id,
        "org_name": c.member.org.name,
        "field": c.field,
        "field_label": services.field_label(c.field),
        "current_value": c.current_value,
        "requested_value": c.requested_value,
        "requested_label": services.requested_shown(c),
        "needs_archive_check": bool(spec and spec.archive_check),
        "reason": c.reason,
        "state": c.state,
        "requested_at": c.requested_at,
        "decided_at": c.decided_at,
        "decided_by_name": _name(c.decided_by),
        "decision_note": c.decision_note,
    }


def consultation_out(c) -> dict:
    return {
        "id": c.pk,
        "member_id": c.member_id,
        "member_name": c.member.name,
        "org_id": c.org_id,
        "org_name": c.org.name,
        "subject": c.subject,
        "question": c.question,
        "asked_at": c.asked_at,
        "answered": c.answered_at is not None,
        "answer": c.answer,
        "answered_at": c.answered_at,
        "answered_by_name": _name(c.answered_by),
    }


def _page(queryset, limit: int, offset: int) -> tuple[int, list]:
    return queryset.count(), list(queryset[offset : offset + limit])


def _root(user, within: int | None):
    scoping.require_tree_role(user)
    return scoping.get_org_or_404(user, within) if within is not None else None


# --- /me -------------------------------------------------------------------------------------------------------


@me_router.get("", response=MeOut, summary="本人党员档案、组织关系转接、党籍异动和流动记录")
def me(request, reveal: bool = False):
    member = selectors.own_member_or_404(request.user)
    revealed = services.member_reveal_own(actor=request.user) if reveal else None
    return _me_out(member, revealed)


@me_router.get("/corrections", response=CorrectionList, summary="本人的信息更正申请")
def my_corrections(request, page: Query[Page]):
    member = selectors.own_member_or_404(request.user)
    count, items = _page(
        selectors.own_corrections(member).select_related("member__org"), page.limit, page.offset
    )
    return {"count": count, "items": [correction_out(c) for c in items]}


@me_router.post("/corrections", response={201: CorrectionOut}, summary="申请更正本人档案信息")
def submit_correction(request, payload: CorrectionIn):
    selectors.own_member_or_404(request.user)
    correction = services.correction_request_submit(actor=request.user, **payload.dict())
    return 201, correction_out(correction)


@me_router.get("/corrections/{correction_id}", response=CorrectionOut, summary="本人的一项更正申请")
def my_correction(request, correction_id: int):
    member = selectors.own_member_or_404(request.user)
    return correction_out(selectors.own_correction_or_404(member, correction_id))


@me_router.get("/consultations", response=ConsultationList, summary="本人的在线咨询")
def my_consultations(request, page: Query[Page]):
    member = selectors.own_member_or_404(request.user)
    count, items = _page(
        selectors.own_consultations(member).select_related("member"), page.limit, page.offset
    )
    return {"count": count, "items": [consultation_out(c) for c in items]}


@me_router.post("/consultations", response={201: ConsultationOut}, summary="向所在党支部咨询")
def ask(request, payload: ConsultationIn):
    selectors.own_member_or_404(request.user)
    consultation = services.consultation_ask(actor=request.user, **payload.dict())
    return 201, consultation_out(consultation)


@me_router.get("/consultations/{consultation_id}", response=ConsultationOut, summary="本人的一条咨询及答复")
def my_consultation(request, consultation_id: int):
    member = selectors.own_member_or_404(request.user)
    return consultation_out(selectors.own_consultation_or_404(member, consultation_id))


# --- the branch side -----------------------------------------------------------------------------------------


@corrections_router.get("", response=CorrectionList, summary="管理范围内党员的信息更正申请")
def list_corrections(request, filters: Query[CorrectionFilters]):
    root = _root(request.user, filters.within)
    queryset = selectors.corrections_within(
        user=request.user, state=filters.state or "all", root=root, q=filters.q
    ).order_by("-id")
    count, items = _page(queryset, filters.limit, filters.offset)
    return {"count": count, "items": [correction_out(c) for c in items]}


@corrections_router.get("/{correction_id}", response=CorrectionOut, summary="一项信息更正申请")
def get_correction(request, correction_id: int):
    return correction_out(selectors.get_correction_or_404(request.user, correction_id))


@corrections_router.post(
    "/{correction_id}/approve", response=CorrectionOut, summary="同意更正（档案随即更正）"
)
def approve_correction(request, correction_id: int, payload: ApproveIn | None = None):
    correction = selectors.get_correction_or_404(request.user, correction_id)
    services.correction_approve(
        actor=request.user, correction=correction, note=payload.note if payload else ""
    )
    return correction_out(selectors.get_correction_or_404(request.user, correction_id))


@corrections_router.post(
    "/{correction_id}/reject", response=CorrectionOut, summary="驳回更正申请（须说明理由）"
)
def reject_correction(request, correction_id: int, payload: RejectIn):
    correction = selectors.get_correction_or_404(request.user, correction_id)
    services.correction_reject(actor=request.user, correction=correction, note=payload.note)
    return correction_out(selectors.get_correction_or_404(request.user, correction_id))


@consultations_router.get("", response=ConsultationList, summary="向管理范围内党组织提出的咨询")
def list_consultations(request, filters: Query[ConsultationFilters]):
    root = _root(request.user, filters.within)
    state = "all" if filters.answered is None else ("answered" if filters.answered else "open")
    queryset = selectors.consultations_within(
        user=request.user, state=state, root=root, q=filters.q
    ).order_by("-id")
    count, items = _page(queryset, filters.limit, filters.offset)
    return {"count": count, "items": [consultation_out(c) for c in items]}


@consultations_router.get("/{consultation_id}", response=ConsultationOut, summary="一条咨询")
def get_consultation(request, consultation_id: int):
    return consultation_out(selectors.get_consultation_or_404(request.user, consultation_id))


@consultations_router.post(
    "/{consultation_id}/answer", response=ConsultationOut, summary="答复咨询（答复后不能修改）"
)
def answer_consultation(request, consultation_id: int, payload: AnswerIn):
    consultation = selectors.get_consultation_or_404(request.user, consultation_id)
    services.consultation_answer(actor=request.user, consultation=consultation, answer=payload.answer)
    return consultation_out(selectors.get_consultation_or_404(request.user, consultation_id))


router.add_router("/me", me_router)
router.add_router("/corrections", corrections_router)
router.add_router("/consultations", consultations_router)
