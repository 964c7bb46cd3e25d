"""Reads of member self-service: the member's own record and history, and the branch's queue of correction
requests and questions (through core.scoping, by the member's current organization or the question's).

A member sees only their own record and what hangs off it: anything else is refused (403) or does not exist
for them (404). The branch side sees requests and questions of members in its scope.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.core import scoping, tree
from dangjian.core.crypto import mask_id_number, mask_phone
from dangjian.orgs.models import Organization

from ..models import (
    Consultation,
    CorrectionRequest,
    Member,
    MobileRecord,
    RequestState,
    StatusChange,
    Transfer,
    TransferState,
)
from ..services import records as record_services
from ..services import selfservice as services
from ..services.status import kind_label
from .mobile import mobile_records_of
from .transfers import status_history, transfers_of_member

MEMBER_ROLE = "member"


# --- the member's own side ----------------------------------------------------------------------------------


def require_member_role(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    if user.role != MEMBER_ROLE:
        raise PermissionDenied(_("党员自助服务仅供党员本人使用"))


def own_member(user) -> Member | None:
    """The signed-in member's record, or None when the account is not linked to one yet."""
    require_member_role(user)
    if user.member_id is None:
        return None
    return Member.objects.select_related("org", "party_group").get(pk=user.member_id)


def own_member_or_404(user) -> Member:
    member = own_member(user)
    if member is None:
        raise Http404(_("您的账号尚未关联党员档案，请联系所在党支部"))
    return member


@dataclass
class Row:
    field: str
    label: str
    value: str
    correctable: bool = False
    personal: bool = False


def record_rows(member: Member, *, revealed: dict | None = None) -> list[Row]:
    """The record as the member reads it: every field, ID number, phone and address masked unless
    `revealed` (from services.selfservice.member_reveal_own) holds them."""
    revealed = revealed or {}
    correctable = set(services.correctable_for(member))

    def row(field: str, label: str, value, personal: bool = False) -> Row:
        return Row(
            field, str(label), value if value not in (None, "") else "—", field in correctable, personal
        )

    def day(value: dt.date | None) -> str:
        return f"{value:%Y-%m-%d}" if value else ""

    # The code tables' labels are marked with gettext_noop: shown through gettext ("" stays "").
    return [
        row("name", _("姓名"), member.name),
        row("gender", _("性别"), member.get_gender_display()),
        row(
            "id_number",
            _("公民身份号码"),
            revealed.get("id_number") or mask_id_number(member.id_number),
            personal=True,
        ),
        row("birth_date", _("出生日期"), day(member.birth_date)),
        row("ethnicity", _("民族"), _(member.get_ethnicity_display())),
        row("native_place", _("籍贯"), member.native_place),
        row("education", _("学历"), _(member.get_education_display())),
        row("degree", _("学位"), _(member.get_degree_display())),
        row("occupation", _("职业"), _(member.get_occupation_display())),
        row("work_unit", _("工作单位"), member.work_unit),
        row("job_title", _("职务"), member.job_title),
        row("phone", _("手机号码"), revealed.get("phone") or mask_phone(member.phone), personal=True),
        row(
            "address",
            _("家庭住址"),
            revealed.get("address") or record_services.mask_address(member.address),
            personal=True,
        ),
        row("org", _("所在党组织"), member.org.name),
        row("party_group", _("所在党小组"), member.party_group.name if member.party_group_id else ""),
        row("category", _("人员类别"), member.get_category_display()),
        row("joined_on", _("入党日期"), day(member.joined_on)),
        row("converted_on", _("转正日期"), day(member.converted_on)),
        row("status", _("党籍状态"), member.get_status_display()),
    ]


@dataclass
class History:
    transfers: list[Transfer]
    status_changes: list[StatusChange]
    mobile_records: list[MobileRecord]


def own_history(member: Member) -> History:
    """The member's transfers, status changes and mobile periods, newest first, each with its labels."""
    transfers = transfers_of_member(member)
    for transfer in transfers:
        transfer.state_label = TransferState(transfer.current_state).label
    changes = status_history(member)
    for change in changes:
        change.kind_label = kind_label(change.kind)
    return History(transfers=transfers, status_changes=changes, mobile_records=mobile_records_of(member))


def own_corrections(member: Member) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(member=member).select_related("decided_by").order_by("-id")


def own_consultations(member: Member) -> QuerySet[Consultation]:
    return Consultation.objects.filter(member=member).select_related("org", "answered_by").order_by("-id")


def labelled(corrections) -> list[CorrectionRequest]:
    """Requests with what a reader sees: the field's name, the current and the requested value shown (code
    tables' labels in the reader's language), whether the branch checks the archive before deciding."""
    rows = list(corrections)
    for row in rows:
        spec = services.CORRECTABLE.get(row.field)
        row.field_label = services.field_label(row.field)
        row.requested_label = services.in_reader_language(row.field, services.requested_shown(row))
        row.current_label = services.in_reader_language(row.field, row.current_value)
        row.needs_archive_check = bool(spec and spec.archive_check)
    return rows


def own_correction_or_404(member: Member, pk) -> CorrectionRequest:
    try:
        return own_corrections(member).get(pk=pk)
    except (CorrectionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404(_("更正申请不存在")) from None


def own_consultation_or_404(member: Member, pk) -> Consultation:
    try:
        return own_consultations(member).get(pk=pk)
    except (Consultation.DoesNotExist, ValueError, TypeError):
        raise Http404(_("咨询不存在")) from None


def pending_fields(member: Member) -> set[str]:
    """Fields with a correction request still waiting for the branch."""
    return set(
        CorrectionRequest.objects.filter(member=member, state=RequestState.PENDING).values_list(
            "field", flat=True
        )
    )


# --- the branch side ----------------------------------------------------------------------------------------

CORRECTION_STATES = ("pending", "approved", "rejected", "all")
CONSULTATION_STATES = ("open", "answered", "all")


def corrections_within(
    *, user, state: str = "pending", root: Organization | None = None, q: str = ""
) -> QuerySet[CorrectionRequest]:
    """Correction requests of members now recorded in the reader's scope (or `root`'s subtree)."""
    queryset = scoping.scoped(CorrectionRequest.objects.all(), user, "member__org_path")
    if root is not None:
        queryset = queryset.filter(tree.within(root.path, "member__org_path"))
    if state in RequestState.values:
        queryset = queryset.filter(state=state)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(member__name__startswith=q)
    return queryset.select_related("member", "member__org", "decided_by")


def consultations_within(
    *, user, state: str = "open", root: Organization | None = None, q: str = ""
) -> QuerySet[Consultation]:
    """Questions sent to organizations in the reader's scope (or `root`'s subtree)."""
    queryset = scoping.scoped(Consultation.objects.all(), user, "org_path")
    if root is not None:
        queryset = queryset.filter(tree.within(root.path, "org_path"))
    if state == "open":
        queryset = queryset.filter(answered_at__isnull=True)
    elif state == "answered":
        queryset = queryset.filter(answered_at__isnull=False)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(subject__contains=q) | Q(member__name__startswith=q))
    return queryset.select_related("member", "org", "answered_by")


def service_counts(*, user) -> dict[str, int]:
    """What waits for the branch: pending corrections and unanswered questions (two indexed counts)."""
    corrections = scoping.scoped(
        CorrectionRequest.objects.filter(state=RequestState.PENDING), user, "member__org_path"
    ).aggregate(n=Count("pk"))["n"]
    questions = scoping.scoped(
        Consultation.objects.filter(answered_at__isnull=True), user, "org_path"
    ).aggregate(n=Count("pk"))["n"]
    return {"corrections": corrections, "consultations": questions}


def get_correction_or_404(user, pk) -> CorrectionRequest:
    scoping.require_tree_role(user)
    try:
        return corrections_within(user=user, state="all").get(pk=pk)
    except (CorrectionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404(_("更正申请不存在或不在您的管理范围内")) from None


def get_consultation_or_404(user, pk) -> Consultation:
    scoping.require_tree_role(user)
    try:
        return consultations_within(user=user, state="all").get(pk=pk)
    except (Consultation.DoesNotExist, ValueError, TypeError):
        raise Http404(_("咨询不存在或不在您的管理范围内")) from None


def keyset(queryset: QuerySet, *, before: str | None, size: int) -> tuple[list, int | None]:
    """One page, newest first, continued below an id (no OFFSET, no count)."""
    if before and str(before).isdigit():
        queryset = queryset.filter(pk__lt=int(before))
    rows = list(queryset.order_by("-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more and rows else None)
