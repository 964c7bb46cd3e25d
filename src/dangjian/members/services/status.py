"""党籍异动 (RULES.md F): record a change of a member's standing through members.rules only.

Members are never deleted: leaving the Party, death or stopped membership change `Member.status` and leave
a `StatusChange` row, so the history stays complete.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed

from .. import rules
from ..models import (
    ExitKind,
    Member,
    MobileRecord,
    MobileState,
    Status,
    StatusChange,
    StatusChangeKind,
    Transfer,
    TransferState,
)

# Changes of status that only a transfer records (组织关系转出系统外 / 从系统外转入); nobody records them by hand.
TRANSFER_OUT = StatusChangeKind.TRANSFER_OUT
TRANSFER_IN = StatusChangeKind.TRANSFER_IN
BY_TRANSFER_ONLY = frozenset({TRANSFER_OUT, TRANSFER_IN})
MANUAL_KINDS = [(value, label) for value, label in StatusChangeKind.choices if value not in BY_TRANSFER_ONLY]
KIND_LABELS = dict(StatusChangeKind.choices)
CHANGE_FIELDS = [
    "member_id",
    "kind",
    "exit_kind",
    "from_status",
    "to_status",
    "effective_on",
    "reason",
    "approved_by",
    "decision_ref",
]
# Where a mobile member's outflow record ends with the change (the member no longer takes part anywhere).
ENDS_OUTFLOW = (Status.SUSPENDED, Status.LEFT, Status.DECEASED)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def last_change_on(member: Member) -> dt.date | None:
    return member.status_changes.aggregate(last=Max("effective_on"))["last"]


@transaction.atomic
def status_change_record(
    *,
    actor,
    member: Member,
    kind: str,
    effective_on: dt.date,
    reason: str,
    approved_by: str = "",
    decision_ref: str = "",
    exit_kind: str = "",
) -> StatusChange:
    """Record a 党籍异动; the member's status follows members.rules.status_change_outcome (409 if refused)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, member.org_path):
        raise PermissionDenied(_("该党员不在您的管理范围内"))
    reason, approved_by, decision_ref = (
        (reason or "").strip(),
        (approved_by or "").strip(),
        (decision_ref or "").strip(),
    )
    if kind not in StatusChangeKind.values or kind in BY_TRANSFER_ONLY:
        raise ValidationFailed.field("kind", _("异动类别无效"))
    if kind == StatusChangeKind.LEAVE:
        if exit_kind not in ExitKind.values:
            raise ValidationFailed.field("exit_kind", _("请选择出党方式"))
    else:
        exit_kind = ""
    if not reason:
        raise ValidationFailed.field("reason", _("请填写异动原因"))
    for field, value, limit in (
        ("reason", reason, 300),
        ("approved_by", approved_by, 100),
        ("decision_ref", decision_ref, 100),
    ):
        if len(value) > limit:
            raise ValidationFailed.field(field, _("最多 %(limit)s 个字") % {"limit": limit})
    today = timezone.localdate()
    last = last_change_on(member)
    if effective_on > today:
        raise ValidationFailed.field("effective_on", _("生效日期不能晚于今天"))
    if last is not None and effective_on < last:
        raise ValidationFailed.field(
            "effective_on",
            _("生效日期不能早于上一次异动的日期（%(day)s）") % {"day": f"{last:%Y-%m-%d}"},
        )
    open_letter = Transfer.objects.filter(
        member=member, state=TransferState.ISSUED, valid_until__gte=today
    ).first()
    if open_letter is not None:
        raise TransitionNotAllowed(
            _("该党员有未办结的组织关系介绍信（%(no)s），请先接收或撤销后再登记党籍异动")
            % {"no": open_letter.letter_no}
        )
    try:
        outcome = rules.status_change_outcome(
            kind=kind,
            status=member.status,
            category=member.category,
            effective_on=effective_on,
            last_change_on=last,
            exit_kind=exit_kind,
            today=today,
        )
    except rules.RuleViolation as exc:
        raise TransitionNotAllowed(str(exc)) from None
    to_status = outcome.to_status
    outflow = MobileRecord.objects.select_for_update().filter(member=member, state=MobileState.OUT).first()
    if outflow is not None:
        if kind == StatusChangeKind.CONTACT_RESTORED:
            # Back in touch but still away: dual management goes on (RULES.md 第100条).
            to_status = Status.MOBILE
        elif to_status in ENDS_OUTFLOW:
            outflow.state = MobileState.RETURNED
            outflow.returned_on = max(effective_on, outflow.left_on)
            outflow.note = (_("因党籍异动（%(kind)s）结束") % {"kind": kind_label(kind)})[:200]
            outflow.save(update_fields=["state", "returned_on", "note"])
    change = StatusChange.objects.create(
        member=member,
        kind=kind,
        exit_kind=exit_kind,
        from_status=member.status,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        approved_by=approved_by,
        decision_ref=decision_ref,
        recorded_by=actor,
    )
    member.status = to_status
    if outcome.to_category is not None:
        member.category = outcome.to_category
    member.save(update_fields=["status", "category", "updated_at"])
    label = kind_label(kind)
    if exit_kind:
        label = f"{label}（{ExitKind(exit_kind).label}）"
    audit.record(
        actor=actor,
        action="transition",
        obj=change,
        org=member.org,
        summary=_("党籍异动：%(name)s %(kind)s，%(from)s → %(to)s")
        % {
            "name": member.name,
            "kind": label,
            "from": Status(change.from_status).label,
            "to": Status(to_status).label,
        },
        after=audit.snapshot(change, CHANGE_FIELDS),
    )
    return change
