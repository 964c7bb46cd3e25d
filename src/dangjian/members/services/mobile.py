"""流动党员 (RULES.md H): record an outflow, the host's activity records, and the return.

Dual management (RULES.md 第100条): the member stays a member of the home organization, which keeps the
record; the host organization, when it is in the system, sees the member under 流入党员 and records the
activities the member attended there.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.orgs.models import Organization, OrgKind

from .. import rules
from ..models import Member, MobileActivity, MobileRecord, MobileState, Status

RECORD_FIELDS = [
    "member_id",
    "home_org_id",
    "left_on",
    "expected_return_on",
    "destination",
    "contact",
    "card_no",
    "host_org_id",
    "host_text",
    "state",
    "returned_on",
    "note",
]
ACTIVITY_FIELDS = ["record_id", "held_on", "activity"]
# Kinds of organization that can host mobile members (a 党小组 is part of its branch).
HOST_KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)


def transfer_advice(record: MobileRecord) -> str:
    """The reminder shown when the stay is long enough that the relationship itself must move."""
    if not rules.outflow_needs_transfer(record.left_on, record.expected_return_on):
        return ""
    return _(
        "外出时间达到 %(months)s 个月以上、地点相对固定的，应当转移正式组织关系（教管条例 第25条），"
        "请为该党员开具组织关系介绍信。"
    ) % {"months": rules.MOBILE_TRANSFER_MONTHS}


def _limit(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ValidationFailed.field(field, _("最多 %(limit)s 个字") % {"limit": limit})


@transaction.atomic
def mobile_outflow_record(
    *,
    actor,
    member: Member,
    left_on: dt.date,
    destination: str,
    expected_return_on: dt.date | None = None,
    contact: str = "",
    card_no: str = "",
    host_org: Organization | None = None,
    host_text: str = "",
    note: str = "",
) -> MobileRecord:
    """登记外出: the member becomes a mobile member; the home organization keeps the record."""
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, member.org_path):
        raise PermissionDenied(_("该党员不在您的管理范围内"))
    destination, contact, card_no = (
        (destination or "").strip(),
        (contact or "").strip(),
        (card_no or "").strip(),
    )
    host_text, note = (host_text or "").strip(), (note or "").strip()
    if not destination:
        raise ValidationFailed.field("destination", _("请填写流入地"))
    for field, value, limit in (
        ("destination", destination, 200),
        ("contact", contact, 100),
        ("card_no", card_no, 40),
        ("host_text", host_text, 200),
        ("note", note, 200),
    ):
        _limit(field, value, limit)
    today = timezone.localdate()
    if left_on > today:
        raise ValidationFailed.field("left_on", _("外出日期不能晚于今天"))
    if expected_return_on is not None and expected_return_on <= left_on:
        raise ValidationFailed.field("expected_return_on", _("预计返回日期应晚于外出日期"))
    if host_org is not None:
        if host_text:
            raise ValidationFailed.field("host_org_id", _("系统内的流入地党组织和系统外的党组织只能填写一项"))
        if host_org.kind not in HOST_KINDS or host_org.is_dissolved:
            raise ValidationFailed.field("host_org_id", _("流入地党组织应为未撤销的党委、党总支或党支部"))
        if host_org.pk == member.org_id:
            raise ValidationFailed.field("host_org_id", _("流入地党组织不能是该党员所在的党组织"))
    if member.status != Status.ACTIVE:
        if member.status == Status.MOBILE:
            raise TransitionNotAllowed(_("该党员已登记为流动党员，请先登记返回"))
        raise TransitionNotAllowed(
            _("该党员党籍状态为“%(status)s”，不能登记外出") % {"status": Status(member.status).label}
        )
    record = MobileRecord(
        member=member,
        home_org=member.org,
        home_path=member.org_path,
        left_on=left_on,
        expected_return_on=expected_return_on,
        destination=destination,
        contact=contact,
        card_no=card_no,
        host_org=host_org,
        host_path=host_org.path if host_org is not None else "",
        host_text=host_text,
        note=note,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise TransitionNotAllowed(_("该党员已登记为流动党员，请先登记返回")) from None
    member.status = Status.MOBILE
    member.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="create",
        obj=record,
        org=member.org,
        summary=_("登记流动党员外出：%(name)s 到 %(to)s") % {"name": member.name, "to": destination},
        after=audit.snapshot(record, RECORD_FIELDS),
    )
    return record


def _lock_record(record: MobileRecord) -> MobileRecord:
    return MobileRecord.objects.select_for_update().select_related("member", "home_org").get(pk=record.pk)


@transaction.atomic
def mobile_return_record(
    *, actor, record: MobileRecord, returned_on: dt.date, note: str = ""
) -> MobileRecord:
    """登记返回: the home organization closes the record; a mobile member is active again."""
    record = _lock_record(record)
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, record.home_path):
        raise PermissionDenied(_("只有流出地党组织可以登记返回"))
    note = (note or "").strip()
    _limit("note", note, 200)
    if returned_on > timezone.localdate():
        raise ValidationFailed.field("returned_on", _("返回日期不能晚于今天"))
    if returned_on < record.left_on:
        raise ValidationFailed.field("returned_on", _("返回日期不能早于外出日期"))
    if record.state != MobileState.OUT:
        raise TransitionNotAllowed(
            _("该流动党员已于 %(day)s 登记返回") % {"day": f"{record.returned_on:%Y-%m-%d}"}
        )
    before = audit.snapshot(record, RECORD_FIELDS)
    record.state = MobileState.RETURNED
    record.returned_on = returned_on
    if note:
        record.note = note
    record.save(update_fields=["state", "returned_on", "note"])
    member = Member.objects.select_for_update().get(pk=record.member_id)
    if member.status == Status.MOBILE:
        member.status = Status.ACTIVE
        member.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="transition",
        obj=record,
        org=record.home_org,
        summary=_("登记流动党员返回：%(name)s") % {"name": member.name},
        before=before,
        after=audit.snapshot(record, RECORD_FIELDS),
    )
    return record


@transaction.atomic
def mobile_activity_record(*, actor, record: MobileRecord, held_on: dt.date, activity: str) -> MobileActivity:
    """The host organization records an activity the mobile member took part in (RULES.md 第100、101条)."""
    record = _lock_record(record)
    scoping.require_tree_role(actor)
    if not record.host_path or not scoping.in_scope(actor, record.host_path):
        raise PermissionDenied(_("只有流入地党组织可以登记参加活动情况"))
    activity = (activity or "").strip()
    if not activity:
        raise ValidationFailed.field("activity", _("请填写活动内容"))
    _limit("activity", activity, 200)
    if held_on > timezone.localdate():
        raise ValidationFailed.field("held_on", _("活动日期不能晚于今天"))
    if held_on < record.left_on:
        raise ValidationFailed.field("held_on", _("活动日期不能早于外出日期"))
    if record.state != MobileState.OUT:
        raise TransitionNotAllowed(_("该党员已返回流出地，不能再登记流入地活动"))
    entry = MobileActivity.objects.create(
        record=record, held_on=held_on, activity=activity, recorded_by=actor
    )
    audit.record(
        actor=actor,
        action="create",
        obj=entry,
        org=record.host_org,
        summary=_("登记流入党员参加活动：%(name)s，%(activity)s")
        % {"name": record.member.name, "activity": activity},
        after=audit.snapshot(entry, ACTIVITY_FIELDS),
    )
    return entry
