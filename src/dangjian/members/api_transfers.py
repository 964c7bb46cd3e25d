"""/api/v1/transfers, /api/v1/members/{id}/status-changes, /api/v1/status-changes and /api/v1/mobile.

Thin: scoped fetch (404 outside the caller's scope) → schema → one service or selector → the answer.
A transfer is seen from either side; of the other side's organization only its name is given.
"""

import datetime as dt
from enum import StrEnum

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangjian.core import scoping
from dangjian.core.errors import ValidationFailed
from dangjian.orgs.models import Organization

from .models import (
    Category,
    ExitKind,
    Member,
    MobileState,
    Status,
    StatusChangeKind,
    TransferKind,
    TransferState,
)
from .selectors import mobile as mobile_selectors
from .selectors import transfers as selectors
from .services import mobile as mobile_services
from .services import status as status_services
from .services import transfers as services

router = Router()
transfers_router = Router(tags=["组织关系转接"])
status_router = Router(tags=["党籍异动"])
mobile_router = Router(tags=["流动党员"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- schemas -------------------------------------------------------------------------------------------------


class TransferOut(Schema):
    id: int
    member_id: int
    member_name: str
    kind: TransferKind
    from_org_id: int | None
    from_org_name: str
    to_org_id: int | None
    to_org_name: str
    source_text: str
    destination_text: str
    letter_no: str
    issued_on: dt.date
    valid_until: dt.date
    dues_paid_until: dt.date
    reason: str
    state: TransferState
    received_on: dt.date | None
    closed_note: str


class TransferList(Schema):
    count: int
    items: list[TransferOut]


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class TransferFilters(Schema):
    within: int | None = Field(None, description="只列出该组织子树转出或转入的")
    direction: Direction | None = Field(None, description="incoming 转入（待接收等）· outgoing 转出")
    state: TransferState | None = None
    kind: TransferKind | None = None
    member_id: int | None = None
    q: str = Field("", max_length=50, description="党员姓名开头或介绍信编号")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class TransferIn(Schema):
    member_id: int
    to_org_id: int | None = Field(None, description="系统内的接收党支部")
    destination_text: str = Field("", max_length=200, description="系统外的转往单位")
    valid_months: int | None = Field(None, description="有效期（月），默认见设置")
    dues_paid_until: dt.date | None = Field(None, description="党费交至（该月任一日期），默认为开具当月")
    reason: str = Field("", max_length=200)


class IncomingIn(Schema):
    to_org_id: int
    source_text: str = Field(..., max_length=200, description="转出党组织（系统外）")
    letter_no: str = Field(..., max_length=40)
    issued_on: dt.date
    valid_until: dt.date
    dues_paid_until: dt.date
    received_on: dt.date | None = None
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=18)
    ethnicity: str = Field("01", max_length=2)
    category: Category
    joined_on: dt.date
    converted_on: dt.date | None = None
    phone: str = Field("", max_length=11)
    reason: str = Field("", max_length=200)


class ReceiveIn(Schema):
    received_on: dt.date | None = None


class CancelIn(Schema):
    reason: str = Field("", max_length=200)


class BranchOut(Schema):
    id: int
    name: str
    parent_name: str


class StatusChangeOut(Schema):
    id: int
    member_id: int
    member_name: str
    kind: str = Field(
        description="lost_contact · contact_restored · suspend · restore · leave · death；转接记录的 transfer_out · transfer_in"
    )
    kind_label: str
    exit_kind: ExitKind | None
    from_status: Status
    to_status: Status
    effective_on: dt.date
    reason: str
    approved_by: str
    decision_ref: str


class StatusChangeList(Schema):
    count: int
    items: list[StatusChangeOut]


class StatusChangeIn(Schema):
    kind: StatusChangeKind
    exit_kind: ExitKind | None = None
    effective_on: dt.date
    reason: str = Field(..., max_length=300)
    approved_by: str = Field("", max_length=100)
    decision_ref: str = Field("", max_length=100)


class StatusFilters(Schema):
    within: int | None = None
    kind: str = Field("", max_length=20)
    q: str = Field("", max_length=50)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class MobileOut(Schema):
    id: int
    member_id: int
    member_name: str
    home_org_id: int
    home_org_name: str
    left_on: dt.date
    expected_return_on: dt.date | None
    destination: str
    contact: str
    card_no: str
    host_org_id: int | None
    host_org_name: str
    host_text: str
    state: MobileState
    returned_on: dt.date | None
    note: str
    needs_transfer: bool
    advice: str


class InflowOut(Schema):
    """What the host organization sees: basic particulars, phone masked, no ID number."""

    id: int
    member_name: str
    gender: str
    category: str
    age: int
    phone: str
    home_org_name: str
    left_on: dt.date
    expected_return_on: dt.date | None
    destination: str
    card_no: str
    state: MobileState
    returned_on: dt.date | None


class MobileList(Schema):
    count: int
    items: list[MobileOut]


class InflowList(Schema):
    count: int
    items: list[InflowOut]


class MobileFilters(Schema):
    within: int | None = None
    state: MobileState | None = None
    q: str = Field("", max_length=50)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class OutflowIn(Schema):
    member_id: int
    left_on: dt.date
    expected_return_on: dt.date | None = None
    destination: str = Field(..., max_length=200)
    contact: str = Field("", max_length=100)
    card_no: str = Field("", max_length=40)
    host_org_id: int | None = None
    host_text: str = Field("", max_length=200)
    note: str = Field("", max_length=200)


class ReturnIn(Schema):
    returned_on: dt.date
    note: str = Field("", max_length=200)


class ActivityIn(Schema):
    held_on: dt.date
    activity: str = Field(..., max_length=200)


class ActivityOut(Schema):
    id: int
    record_id: int
    held_on: dt.date
    activity: str


# --- shaping -------------------------------------------------------------------------------------------------


def _transfer_out(t) -> dict:
    snapshot = t.member_snapshot or {}
    return {
        "id": t.pk,
        "member_id": t.member_id,
        "member_name": snapshot.get("name") or t.member.name,
        "kind": t.kind,
        "from_org_id": t.from_org_id,
        "from_org_name": t.from_org.name if t.from_org_id else t.source_text,
        "to_org_id": t.to_org_id,
        "to_org_name": t.to_org.name if t.to_org_id else t.destination_text,
        "source_text": t.source_text,
        "destination_text": t.destination_text,
        "letter_no": t.letter_no,
        "issued_on": t.issued_on,
        "valid_until": t.valid_until,
        "dues_paid_until": t.dues_paid_until,
        "reason": t.reason,
        "state": getattr(t, "current_state", None) or selectors.effective_state(t),
        "received_on": t.received_on,
        "closed_note": t.closed_note,
    }


def _change_out(c) -> dict:
    return {
        "id": c.pk,
        "member_id": c.member_id,
        "member_name": c.member.name,
        "kind": c.kind,
        "kind_label": status_services.kind_label(c.kind),
        "exit_kind": c.exit_kind or None,
        "from_status": c.from_status,
        "to_status": c.to_status,
        "effective_on": c.effective_on,
        "reason": c.reason,
        "approved_by": c.approved_by,
        "decision_ref": c.decision_ref,
    }


def _mobile_out(r) -> dict:
    advice = mobile_services.transfer_advice(r)
    return {
        "id": r.pk,
        "member_id": r.member_id,
        "member_name": r.member.name,
        "home_org_id": r.home_org_id,
        "home_org_name": r.home_org.name,
        "left_on": r.left_on,
        "expected_return_on": r.expected_return_on,
        "destination": r.destination,
        "contact": r.contact,
        "card_no": r.card_no,
        "host_org_id": r.host_org_id,
        "host_org_name": r.host_org.name if r.host_org_id else r.host_text,
        "host_text": r.host_text,
        "state": r.state,
        "returned_on": r.returned_on,
        "note": r.note,
        "needs_transfer": bool(advice),
        "advice": advice,
    }


def _inflow_out(r) -> dict:
    row = mobile_selectors.inflow_row(r)
    return {
        "id": r.pk,
        "member_name": row["name"],
        "gender": row["gender"],
        "category": row["category"],
        "age": row["age"],
        "phone": row["phone"],
        "home_org_name": row["home_org"],
        "left_on": r.left_on,
        "expected_return_on": r.expected_return_on,
        "destination": r.destination,
        "card_no": r.card_no,
        "state": r.state,
        "returned_on": r.returned_on,
    }


def _root(user, within: int | None):
    scoping.require_tree_role(user)
    return scoping.get_org_or_404(user, within) if within is not None else None


def _member_or_404(user, pk: int) -> Member:
    scoping.require_tree_role(user)
    member = scoping.scoped(Member.objects.select_related("org"), user, "org_path").filter(pk=pk).first()
    if member is None:
        raise Http404(_("党员不存在或不在您的管理范围内"))
    return member


def _member_or_422(user, pk: int) -> Member:
    try:
        return _member_or_404(user, pk)
    except Http404:
        raise ValidationFailed.field("member_id", _("党员不存在或不在您的管理范围内")) from None


def _any_org_or_422(pk: int | None, field: str) -> Organization | None:
    """Any organization of the system, by id (the receiving or host side need not be in scope)."""
    if pk is None:
        return None
    org = Organization.objects.filter(pk=pk).first()
    if org is None:
        raise ValidationFailed.field(field, _("组织不存在"))
    return org


def _page(queryset, limit: int, offset: int) -> tuple[int, list]:
    return queryset.count(), list(queryset[offset : offset + limit])


# --- transfers -----------------------------------------------------------------------------------------------


@transfers_router.get("", response=TransferList, summary="介绍信列表（两端在管理范围内的）")
def list_transfers(request, filters: Query[TransferFilters]):
    root = _root(request.user, filters.within)
    member = _member_or_404(request.user, filters.member_id) if filters.member_id is not None else None
    queryset = selectors.transfers_within(
        user=request.user,
        root=root,
        direction=filters.direction.value if filters.direction else "",
        state=filters.state or "",
        kind=filters.kind or "",
        q=filters.q,
        member=member,
    ).order_by("-issued_on", "-id")
    count, items = _page(queryset, filters.limit, filters.offset)
    return {"count": count, "items": [_transfer_out(t) for t in items]}


@transfers_router.post("", response={201: TransferOut}, summary="开具介绍信（系统内或转出系统外）")
def issue_transfer(request, payload: TransferIn):
    member = _member_or_422(request.user, payload.member_id)
    to_org = _any_org_or_422(payload.to_org_id, "to_org_id")
    transfer = services.transfer_issue(
        actor=request.user,
        member=member,
        to_org=to_org,
        destination_text=payload.destination_text,
        valid_months=payload.valid_months,
        dues_paid_until=payload.dues_paid_until,
        reason=payload.reason,
    )
    return 201, _transfer_out(selectors.get_transfer_or_404(request.user, transfer.pk))


@transfers_router.post("/incoming", response={201: TransferOut}, summary="登记从系统外转入")
def register_incoming(request, payload: IncomingIn):
    scoping.require_tree_role(request.user)
    try:
        to_org = scoping.get_org_or_404(request.user, payload.to_org_id)
    except Http404:
        raise ValidationFailed.field("to_org_id", _("接收党支部不存在或不在您的管理范围内")) from None
    transfer = services.transfer_register_incoming(
        actor=request.user, to_org=to_org, **payload.dict(exclude={"to_org_id"})
    )
    return 201, _transfer_out(selectors.get_transfer_or_404(request.user, transfer.pk))


@transfers_router.get("/receiving-branches", response=list[BranchOut], summary="可接收的党支部（按名称查找）")
def receiving_branches(request, q: str = Query("", max_length=50)):
    scoping.require_tree_role(request.user)
    return [
        {"id": o.pk, "name": o.name, "parent_name": o.parent.name if o.parent_id else ""}
        for o in selectors.receiving_branches(q=q)
    ]


@transfers_router.get("/{transfer_id}", response=TransferOut, summary="介绍信详情")
def get_transfer(request, transfer_id: int):
    return _transfer_out(selectors.get_transfer_or_404(request.user, transfer_id))


@transfers_router.post("/{transfer_id}/receive", response=TransferOut, summary="接收（系统外的：登记回执）")
def receive_transfer(request, transfer_id: int, payload: ReceiveIn | None = None):
    transfer = selectors.get_transfer_or_404(request.user, transfer_id)
    services.transfer_receive(
        actor=request.user, transfer=transfer, received_on=payload.received_on if payload else None
    )
    return _transfer_out(selectors.get_transfer_or_404(request.user, transfer_id))


@transfers_router.post("/{transfer_id}/cancel", response=TransferOut, summary="撤销（开具方，仅限未接收的）")
def cancel_transfer(request, transfer_id: int, payload: CancelIn | None = None):
    transfer = selectors.get_transfer_or_404(request.user, transfer_id)
    services.transfer_cancel(actor=request.user, transfer=transfer, reason=payload.reason if payload else "")
    return _transfer_out(selectors.get_transfer_or_404(request.user, transfer_id))


@transfers_router.get("/{transfer_id}/letter", summary="介绍信 Word 文档（存根、介绍信、回执）")
def transfer_letter(request, transfer_id: int):
    transfer = selectors.get_transfer_or_404(request.user, transfer_id)
    context = services.transfer_letter_reveal(actor=request.user, transfer=transfer)
    response = HttpResponse(services.transfer_letter_docx(context), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="transfer-{transfer.pk}.docx"'
    return response


# --- status changes ------------------------------------------------------------------------------------------


@status_router.get(
    "/members/{member_id}/status-changes", response=StatusChangeList, summary="党员的党籍异动记录"
)
def member_status_changes(request, member_id: int):
    member = _member_or_404(request.user, member_id)
    items = selectors.status_history(member)
    return {"count": len(items), "items": [_change_out(c) for c in items]}


@status_router.post(
    "/members/{member_id}/status-changes", response={201: StatusChangeOut}, summary="登记党籍异动"
)
def record_status_change(request, member_id: int, payload: StatusChangeIn):
    member = _member_or_404(request.user, member_id)
    change = status_services.status_change_record(
        actor=request.user,
        member=member,
        kind=payload.kind,
        exit_kind=payload.exit_kind or "",
        effective_on=payload.effective_on,
        reason=payload.reason,
        approved_by=payload.approved_by,
        decision_ref=payload.decision_ref,
    )
    return 201, _change_out(change)


@status_router.get("/status-changes", response=StatusChangeList, summary="近期党籍异动（?within= 子树）")
def list_status_changes(request, filters: Query[StatusFilters]):
    root = _root(request.user, filters.within)
    queryset = selectors.status_changes_within(user=request.user, root=root, kind=filters.kind, q=filters.q)
    count, items = _page(queryset.order_by("-effective_on", "-id"), filters.limit, filters.offset)
    return {"count": count, "items": [_change_out(c) for c in items]}


# --- mobile members ------------------------------------------------------------------------------------------


@mobile_router.get("/outflows", response=MobileList, summary="流出党员")
def list_outflows(request, filters: Query[MobileFilters]):
    root = _root(request.user, filters.within)
    queryset = mobile_selectors.outflows_within(
        user=request.user, root=root, state=filters.state or "", q=filters.q
    )
    count, items = _page(queryset.order_by("-left_on", "-id"), filters.limit, filters.offset)
    return {"count": count, "items": [_mobile_out(r) for r in items]}


@mobile_router.get("/inflows", response=InflowList, summary="流入党员（基本信息，已隐去个人信息）")
def list_inflows(request, filters: Query[MobileFilters]):
    root = _root(request.user, filters.within)
    queryset = mobile_selectors.inflows_within(
        user=request.user, root=root, state=filters.state or "", q=filters.q
    )
    count, items = _page(queryset.order_by("-left_on", "-id"), filters.limit, filters.offset)
    return {"count": count, "items": [_inflow_out(r) for r in items]}


@mobile_router.post("/outflows", response={201: MobileOut}, summary="登记流动党员外出")
def record_outflow(request, payload: OutflowIn):
    member = _member_or_422(request.user, payload.member_id)
    host_org = _any_org_or_422(payload.host_org_id, "host_org_id")
    record = mobile_services.mobile_outflow_record(
        actor=request.user,
        member=member,
        host_org=host_org,
        **payload.dict(exclude={"member_id", "host_org_id"}),
    )
    return 201, _mobile_out(mobile_selectors.get_record_or_404(request.user, record.pk))


@mobile_router.get(
    "/{record_id}", response=MobileOut | InflowOut, summary="流动党员登记（流入地只见基本信息）"
)
def get_mobile_record(request, record_id: int):
    record = mobile_selectors.get_record_or_404(request.user, record_id)
    if mobile_selectors.sides(request.user, record)["home"]:
        return _mobile_out(record)
    return _inflow_out(record)


@mobile_router.post("/{record_id}/return", response=MobileOut, summary="登记返回（流出地）")
def record_return(request, record_id: int, payload: ReturnIn):
    record = mobile_selectors.get_record_or_404(request.user, record_id)
    mobile_services.mobile_return_record(actor=request.user, record=record, **payload.dict())
    return _mobile_out(mobile_selectors.get_record_or_404(request.user, record_id))


@mobile_router.get("/{record_id}/activities", response=list[ActivityOut], summary="流入地活动记录")
def list_activities(request, record_id: int):
    record = mobile_selectors.get_record_or_404(request.user, record_id)
    return mobile_selectors.activities_of(record)


@mobile_router.post(
    "/{record_id}/activities", response={201: ActivityOut}, summary="登记参加流入地活动（流入地）"
)
def record_activity(request, record_id: int, payload: ActivityIn):
    record = mobile_selectors.get_record_or_404(request.user, record_id)
    entry = mobile_services.mobile_activity_record(actor=request.user, record=record, **payload.dict())
    return 201, entry


router.add_router("/transfers", transfers_router)
router.add_router("", status_router)
router.add_router("/mobile", mobile_router)
