"""组织关系转接 (RULES.md G): issue a letter, receive it, cancel it, let it expire; register incoming ones.

Until the receiving organization receives the member, the member stays with the sending organization and
is its responsibility (教管条例 第25条, RULES.md 第93条): only a receipt moves `Member.org`.

A letter whose validity has run out counts as expired from the next day on, whether or not the nightly
`expire_transfers` command has written that down yet: the selectors show it as expired, and the services
here refuse to act on it as if it were still open.
"""

import datetime as dt
import io
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto, idnumber, scoping, tree
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.orgs.models import Organization, OrgKind

from .. import rules, strokes
from ..models import (
    GONE_STATUSES,
    Category,
    Member,
    MobileRecord,
    MobileState,
    Status,
    StatusChange,
    Transfer,
    TransferKind,
    TransferState,
)
from .status import TRANSFER_IN, TRANSFER_OUT

TRANSFER_FIELDS = [
    "member_id",
    "kind",
    "from_org_id",
    "to_org_id",
    "source_text",
    "destination_text",
    "letter_no",
    "issued_on",
    "valid_until",
    "dues_paid_until",
    "reason",
    "state",
    "received_on",
    "closed_note",
]
# Statuses from which a member's organizational relationship can be transferred.
TRANSFERABLE = (Status.ACTIVE, Status.MOBILE)
COMMITTEE_KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)
_LETTER_ATTEMPTS = 5


# --- small helpers -----------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _day(value: dt.date) -> str:
    return f"{value:%Y-%m-%d}"


def _require_side(actor, path: str, message: str) -> None:
    scoping.require_tree_role(actor)
    if not path or not scoping.in_scope(actor, path):
        raise PermissionDenied(message)


def is_open(transfer: Transfer, today: dt.date | None = None) -> bool:
    """Issued and still within its validity (RULES.md 第95条)."""
    return transfer.state == TransferState.ISSUED and not rules.transfer_expired(
        transfer.valid_until, today or _today()
    )


def _refuse_unless_open(transfer: Transfer, today: dt.date) -> None:
    if transfer.state == TransferState.ISSUED and rules.transfer_expired(transfer.valid_until, today):
        raise TransitionNotAllowed(
            _("介绍信已于 %(day)s 超过有效期，不能再办理；需要时请重新开具（RULES.md 第95条）")
            % {"day": _day(transfer.valid_until)}
        )
    if transfer.state != TransferState.ISSUED:
        raise TransitionNotAllowed(
            _("该介绍信%(state)s，不能再办理") % {"state": TransferState(transfer.state).label}
        )


def letter_prefix() -> str:
    return settings.TRANSFER_LETTER_PREFIX


def letter_number(year: int, sequence: int) -> str:
    """旌组转〔2026〕第0001号: the county's prefix, the year, and the year's sequence number."""
    return f"{letter_prefix()}〔{year}〕第{sequence:04d}号"


_SEQUENCE = re.compile(r"第(\d+)号$")


def _next_sequence(year: int) -> int:
    head = f"{letter_prefix()}〔{year}〕第"
    last = (
        Transfer.objects.filter(letter_no__startswith=head)
        .exclude(kind=TransferKind.INCOMING)
        .order_by(Length("letter_no").desc(), "-letter_no")
        .values_list("letter_no", flat=True)
        .first()
    )
    match = _SEQUENCE.search(last or "")
    return int(match.group(1)) + 1 if match else 1


def issuing_committee(org: Organization) -> Organization:
    """The 基层党委 that issues and receives letters for `org` (RULES.md 第92、96条): the nearest grassroots
    committee at or above it, or the organization itself when there is none."""
    ids = tree.ancestor_ids(org.path)
    committees = {
        o.pk: o for o in Organization.objects.filter(pk__in=ids, kind__in=COMMITTEE_KINDS, is_grassroots=True)
    }
    for pk in reversed(ids):
        if pk in committees:
            return committees[pk]
    return org


def member_snapshot(member: Member, *, on: dt.date, from_name: str, to_name: str, issuer: str) -> dict:
    """The particulars the letter states, as of the day of issue. ID number and phone stay encrypted."""
    return {
        "name": member.name,
        "gender": member.gender,
        "birth_date": member.birth_date.isoformat(),
        "age": rules.age_on(member.birth_date, on),
        "ethnicity": member.ethnicity,
        "category": member.category,
        "id_number_encrypted": crypto.encrypt(member.id_number),
        "phone_encrypted": crypto.encrypt(member.phone) if member.phone else "",
        "from_org": from_name,
        "issuer": issuer,
        "to_org": to_name,
    }


def _close_open_outflow(member: Member, day: dt.date, note: str) -> MobileRecord | None:
    record = MobileRecord.objects.select_for_update().filter(member=member, state=MobileState.OUT).first()
    if record is not None:
        record.state = MobileState.RETURNED
        record.returned_on = max(day, record.left_on)
        record.note = note[:200]
        record.save(update_fields=["state", "returned_on", "note"])
    return record


def _check_dues(dues_paid_until: dt.date, issued_on: dt.date) -> dt.date:
    dues_month = dues_paid_until.replace(day=1)
    if not rules.dues_paid_for_transfer(dues_month, issued_on):
        raise ValidationFailed.field(
            "dues_paid_until",
            _("党费应交至转接当月（%(month)s）或以后，请先收缴党费再开具介绍信（RULES.md 第98条）")
            % {"month": f"{issued_on:%Y-%m}"},
        )
    return dues_month


# --- issue -------------------------------------------------------------------------------------------------


@transaction.atomic
def transfer_issue(
    *,
    actor,
    member: Member,
    to_org: Organization | None = None,
    destination_text: str = "",
    valid_months: int | None = None,
    dues_paid_until: dt.date | None = None,
    reason: str = "",
) -> Transfer:
    """Issue an introduction letter to a branch in the system (`to_org`) or to an organization outside it
    (`destination_text`). The member stays with the sending organization until the letter is received."""
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    _require_side(actor, member.org_path, _("该党员不在您的管理范围内"))
    today = _today()
    destination_text = (destination_text or "").strip()
    reason = (reason or "").strip()
    if to_org is not None and destination_text:
        raise ValidationFailed.field("to_org_id", _("系统内的接收党支部和系统外的转往单位只能填写一项"))
    if to_org is None and not destination_text:
        raise ValidationFailed.field("to_org_id", _("请选择接收党支部，或填写系统外的转往单位"))
    if len(destination_text) > 200:
        raise ValidationFailed.field("destination_text", _("转往单位最多 200 个字"))
    if len(reason) > 200:
        raise ValidationFailed.field("reason", _("转接原因最多 200 个字"))
    if to_org is not None:
        if to_org.kind != OrgKind.BRANCH or to_org.is_dissolved:
            raise ValidationFailed.field("to_org_id", _("接收组织应为未撤销的党支部"))
        if to_org.pk == member.org_id:
            raise ValidationFailed.field("to_org_id", _("接收党支部就是该党员现在的党支部"))
    months = settings.DANGJIAN_RULES["TRANSFER_VALID_MONTHS"] if valid_months is None else valid_months
    try:
        valid_until = rules.transfer_valid_until(
            today, months, max_months=settings.DANGJIAN_RULES["TRANSFER_MAX_MONTHS"]
        )
    except rules.RuleViolation as exc:
        raise ValidationFailed.field("valid_months", str(exc)) from None
    dues_month = _check_dues(dues_paid_until or today, today)
    if member.status not in TRANSFERABLE:
        raise TransitionNotAllowed(
            _("该党员党籍状态为“%(status)s”，不能转接组织关系") % {"status": Status(member.status).label}
        )
    _expire_overdue(Transfer.objects.filter(member=member), today)
    current = Transfer.objects.filter(member=member, state=TransferState.ISSUED).first()
    if current is not None:
        raise TransitionNotAllowed(
            _("该党员已有一封未办结的介绍信（%(letter_no)s），请先接收或撤销")
            % {"letter_no": current.letter_no}
        )
    issuer = issuing_committee(member.org)
    to_name = to_org.name if to_org is not None else destination_text
    transfer = Transfer(
        member=member,
        kind=TransferKind.INTERNAL if to_org is not None else TransferKind.OUTGOING,
        from_org=member.org,
        from_path=member.org_path,
        to_org=to_org,
        to_path=to_org.path if to_org is not None else "",
        destination_text=destination_text,
        issued_on=today,
        valid_until=valid_until,
        dues_paid_until=dues_month,
        reason=reason,
        issued_by=actor,
        member_snapshot=member_snapshot(
            member, on=today, from_name=member.org.name, to_name=to_name, issuer=issuer.name
        ),
    )
    _save_with_new_number(transfer, today.year)
    audit.record(
        actor=actor,
        action="create",
        obj=transfer,
        org=member.org,
        summary=_("开具组织关系介绍信：%(name)s 转往 %(to)s") % {"name": member.name, "to": to_name},
        after=audit.snapshot(transfer, TRANSFER_FIELDS),
    )
    return transfer


def _save_with_new_number(transfer: Transfer, year: int) -> None:
    """Give the letter the year's next number; a concurrent issue that took it first makes us try the next."""
    for _attempt in range(_LETTER_ATTEMPTS):
        transfer.letter_no = letter_number(year, _next_sequence(year))
        try:
            with transaction.atomic():
                transfer.save()
            return
        except IntegrityError:
            if not Transfer.objects.filter(letter_no=transfer.letter_no).exists():
                # Not the number: the one-open-letter constraint, hit by a concurrent issue.
                raise TransitionNotAllowed(_("该党员已有一封未办结的介绍信，请先接收或撤销")) from None
    raise TransitionNotAllowed(_("介绍信编号分配冲突，请稍后重试"))


# --- receive, record the receipt, cancel -------------------------------------------------------------------


@transaction.atomic
def transfer_receive(*, actor, transfer: Transfer, received_on: dt.date | None = None) -> Transfer:
    """接收. Inside the system the receiving side receives the member, whose organization changes now.
    For a letter to an organization outside the system, the sending side records the receipt (回执,
    RULES.md 第96条) and the member's status becomes transferred_out."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    today = _today()
    received_on = received_on or today
    if transfer.kind == TransferKind.INTERNAL:
        _require_side(actor, transfer.to_path, _("只有接收方党组织可以接收该党员"))
    elif transfer.kind == TransferKind.OUTGOING:
        _require_side(actor, transfer.from_path, _("只有开具介绍信的党组织可以登记回执"))
    else:
        scoping.require_tree_role(actor)
        raise TransitionNotAllowed(_("从系统外转入的党员在登记时已接收"))
    if received_on > today:
        raise ValidationFailed.field("received_on", _("接收日期不能晚于今天"))
    if received_on < transfer.issued_on:
        raise ValidationFailed.field("received_on", _("接收日期不能早于开具日期"))
    if transfer.kind == TransferKind.OUTGOING:
        _check_receipt(transfer, received_on)
    else:
        _refuse_unless_open(transfer, today)
    before = audit.snapshot(transfer, TRANSFER_FIELDS)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if transfer.kind == TransferKind.INTERNAL:
        to_org = Organization.objects.get(pk=transfer.to_org_id)
        if to_org.is_dissolved:
            raise TransitionNotAllowed(_("接收党支部已撤销，请由转出方撤销该介绍信后重新开具"))
        summary = _receive_internal(member, to_org, transfer, received_on)
        org = to_org
    else:
        summary = _receive_outgoing(member, transfer, received_on, actor)
        org = transfer.from_org
    transfer.state = TransferState.RECEIVED
    transfer.received_on = received_on
    transfer.closed_by = actor
    transfer.save(update_fields=["state", "received_on", "closed_by"])
    audit.record(
        actor=actor,
        action="transition",
        obj=transfer,
        org=org,
        summary=summary,
        before={**before, "member_org_id": transfer.from_org_id},
        after={**audit.snapshot(transfer, TRANSFER_FIELDS), "member_org_id": member.org_id},
    )
    return transfer


def _check_receipt(transfer: Transfer, received_on: dt.date) -> None:
    # The receipt travels back by post (RULES.md 第96条): it may arrive after the validity ran out, and then
    # proves the member registered in time if its date lies within the validity.
    if transfer.state not in (TransferState.ISSUED, TransferState.EXPIRED):
        raise TransitionNotAllowed(
            _("该介绍信%(state)s，不能再登记回执") % {"state": TransferState(transfer.state).label}
        )
    if rules.transfer_expired(transfer.valid_until, received_on):
        raise TransitionNotAllowed(
            _(
                "回执日期晚于介绍信有效期（%(day)s），党员未在有效期内报到，不能登记为已转出（RULES.md 第95条）"
            )
            % {"day": _day(transfer.valid_until)}
        )


def _receive_internal(member: Member, to_org: Organization, transfer: Transfer, day: dt.date) -> str:
    closed = None
    if member.status == Status.MOBILE:
        closed = _close_open_outflow(
            member, day, _("组织关系已转至%(org)s（%(no)s）") % {"org": to_org.name, "no": transfer.letter_no}
        )
        member.status = Status.ACTIVE
    member.org = to_org
    member.org_path = to_org.path
    member.party_group = None
    member.save(update_fields=["org", "org_path", "party_group", "status", "updated_at"])
    summary = _("接收组织关系：%(name)s 由 %(from)s 转入 %(to)s") % {
        "name": member.name,
        "from": transfer.member_snapshot.get("from_org", ""),
        "to": to_org.name,
    }
    if closed is not None:
        summary += _("；流动党员登记同时结束")
    return summary


def _receive_outgoing(member: Member, transfer: Transfer, day: dt.date, actor) -> str:
    from_status = member.status
    if from_status == Status.MOBILE:
        _close_open_outflow(
            member,
            day,
            _("组织关系已转往%(to)s（%(no)s）") % {"to": transfer.destination_text, "no": transfer.letter_no},
        )
    member.status = Status.TRANSFERRED_OUT
    member.save(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        member=member,
        kind=TRANSFER_OUT,
        from_status=from_status,
        to_status=Status.TRANSFERRED_OUT,
        effective_on=day,
        reason=(
            _("组织关系转往%(to)s（介绍信%(no)s，已收到回执）")
            % {"to": transfer.destination_text, "no": transfer.letter_no}
        )[:300],
        recorded_by=actor,
    )
    return _("登记回执：%(name)s 的组织关系已转往 %(to)s") % {
        "name": member.name,
        "to": transfer.destination_text,
    }


@transaction.atomic
def transfer_cancel(*, actor, transfer: Transfer, reason: str = "") -> Transfer:
    """撤销: the sending side withdraws a letter that has not been received and is still valid."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.kind == TransferKind.INCOMING:
        scoping.require_tree_role(actor)
        if not scoping.in_scope(actor, transfer.to_path):
            raise PermissionDenied(_("只有开具介绍信的党组织可以撤销"))
        raise TransitionNotAllowed(_("从系统外转入的介绍信由原党组织开具，不能在本系统撤销"))
    _require_side(actor, transfer.from_path, _("只有开具介绍信的党组织可以撤销"))
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationFailed.field("reason", _("撤销原因最多 200 个字"))
    _refuse_unless_open(transfer, _today())
    before = audit.snapshot(transfer, TRANSFER_FIELDS)
    transfer.state = TransferState.CANCELLED
    transfer.closed_note = reason
    transfer.closed_by = actor
    transfer.save(update_fields=["state", "closed_note", "closed_by"])
    audit.record(
        actor=actor,
        action="cancel",
        obj=transfer,
        org=transfer.from_org,
        summary=_("撤销介绍信 %(no)s") % {"no": transfer.letter_no}
        + (_("：%(reason)s") % {"reason": reason} if reason else ""),
        before=before,
        after=audit.snapshot(transfer, TRANSFER_FIELDS),
    )
    return transfer


# --- expiry ------------------------------------------------------------------------------------------------


def _expire_overdue(queryset, today: dt.date) -> int:
    overdue = list(
        queryset.select_for_update().filter(state=TransferState.ISSUED, valid_until__lt=today).order_by("pk")
    )
    for transfer in overdue:
        before = audit.snapshot(transfer, TRANSFER_FIELDS)
        transfer.state = TransferState.EXPIRED
        transfer.save(update_fields=["state"])
        audit.record(
            actor=None,
            action="transition",
            obj=transfer,
            org=transfer.from_org,
            summary=_("介绍信 %(no)s 已超过有效期（%(day)s），未被接收")
            % {"no": transfer.letter_no, "day": _day(transfer.valid_until)},
            before=before,
            after=audit.snapshot(transfer, TRANSFER_FIELDS),
        )
    return len(overdue)


@transaction.atomic
def transfers_expire_overdue(*, today: dt.date | None = None) -> int:
    """Write down that letters past their validity expired (RULES.md 第95条); returns how many."""
    return _expire_overdue(Transfer.objects.all(), today or _today())


# --- incoming from outside the system ------------------------------------------------------------------------


@transaction.atomic
def transfer_register_incoming(
    *,
    actor,
    to_org: Organization,
    source_text: str,
    letter_no: str,
    issued_on: dt.date,
    valid_until: dt.date,
    dues_paid_until: dt.date,
    name: str,
    id_number: str,
    category: str,
    joined_on: dt.date,
    converted_on: dt.date | None = None,
    ethnicity: str = "01",
    phone: str = "",
    received_on: dt.date | None = None,
    reason: str = "",
) -> Transfer:
    """登记从系统外转入: the receiving branch records the letter it was handed and receives the member,
    creating the member's record or reactivating the record of a member who once transferred out."""
    _require_side(actor, to_org.path, _("该组织不在您的管理范围内"))
    today = _today()
    received_on = received_on or today
    source_text, letter_no, name = (
        (source_text or "").strip(),
        (letter_no or "").strip(),
        (name or "").strip(),
    )
    phone, reason = (phone or "").strip(), (reason or "").strip()
    _check_incoming_input(
        to_org=to_org,
        source_text=source_text,
        letter_no=letter_no,
        name=name,
        issued_on=issued_on,
        valid_until=valid_until,
        received_on=received_on,
        category=category,
        joined_on=joined_on,
        converted_on=converted_on,
        ethnicity=ethnicity,
        phone=phone,
        today=today,
    )
    try:
        birth, gender = idnumber.parse(id_number, today=today)
    except idnumber.InvalidIdNumber as exc:
        raise ValidationFailed.field("id_number", str(exc)) from None
    number = idnumber.normalize(id_number)
    if joined_on < birth:
        raise ValidationFailed.field("joined_on", _("入党日期不能早于出生日期"))
    dues_month = _check_dues(dues_paid_until, issued_on)
    if rules.transfer_expired(valid_until, received_on):
        raise TransitionNotAllowed(
            _(
                "介绍信已于 %(day)s 超过有效期。超过有效期的，须由原党组织出具证明、本人提出申请后再办理"
                "（RULES.md 第95条）"
            )
            % {"day": _day(valid_until)}
        )
    member = Member.objects.select_for_update().filter(id_hash=crypto.lookup_hash(number)).first()
    particulars = {
        "name": name,
        "gender": gender,
        "birth_date": birth,
        "ethnicity": ethnicity,
        "category": category,
        "joined_on": joined_on,
        "converted_on": converted_on,
    }
    if member is None:
        member = Member(
            id_number=number,
            id_hash=crypto.lookup_hash(number),
            phone=phone,
            status=Status.ACTIVE,
            org=to_org,
            org_path=to_org.path,
            name_key=strokes.name_key(name),
            **particulars,
        )
        member.save()
        created = True
    else:
        _reactivate(member, to_org, particulars, phone, received_on, source_text, letter_no, actor)
        created = False
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.INCOMING,
        from_org=None,
        from_path="",
        to_org=to_org,
        to_path=to_org.path,
        source_text=source_text,
        letter_no=letter_no,
        issued_on=issued_on,
        valid_until=valid_until,
        dues_paid_until=dues_month,
        reason=reason,
        state=TransferState.RECEIVED,
        received_on=received_on,
        issued_by=actor,
        closed_by=actor,
        member_snapshot=member_snapshot(
            member, on=issued_on, from_name=source_text, to_name=to_org.name, issuer=source_text
        ),
    )
    summary = (
        _("登记从系统外转入：%(name)s 由 %(from)s 转入 %(to)s（新建党员档案）")
        if created
        else _("登记从系统外转入：%(name)s 由 %(from)s 转入 %(to)s（恢复原党员档案）")
    ) % {"name": name, "from": source_text, "to": to_org.name}
    audit.record(
        actor=actor,
        action="create",
        obj=transfer,
        org=to_org,
        summary=summary,
        after={**audit.snapshot(transfer, TRANSFER_FIELDS), "member_created": created},
    )
    return transfer


def _check_incoming_input(
    *,
    to_org,
    source_text,
    letter_no,
    name,
    issued_on,
    valid_until,
    received_on,
    category,
    joined_on,
    converted_on,
    ethnicity,
    phone,
    today,
) -> None:
    from ..codes import ETHNICITIES

    if to_org.kind != OrgKind.BRANCH or to_org.is_dissolved:
        raise ValidationFailed.field("to_org_id", _("接收组织应为未撤销的党支部"))
    checks = [
        ("source_text", not source_text, _("请填写转出党组织（系统外）")),
        ("source_text", len(source_text) > 200, _("转出党组织最多 200 个字")),
        ("letter_no", not letter_no, _("请填写介绍信编号")),
        ("letter_no", len(letter_no) > 40, _("介绍信编号最多 40 个字符")),
        ("name", not name, _("请填写姓名")),
        ("name", len(name) > 50, _("姓名最多 50 个字")),
        ("category", category not in Category.values, _("人员类别无效")),
        ("ethnicity", ethnicity not in dict(ETHNICITIES), _("民族无效")),
        ("phone", bool(phone) and not re.fullmatch(r"1[3-9]\d{9}", phone), _("手机号码应为 11 位数字")),
        ("issued_on", issued_on > today, _("开具日期不能晚于今天")),
        ("valid_until", valid_until < issued_on, _("有效期不能早于开具日期")),
        ("received_on", received_on > today, _("接收日期不能晚于今天")),
        ("received_on", received_on < issued_on, _("接收日期不能早于开具日期")),
        ("joined_on", joined_on > today, _("入党日期不能晚于今天")),
        (
            "converted_on",
            converted_on is not None and converted_on < joined_on,
            _("转正日期不能早于入党日期"),
        ),
        (
            "converted_on",
            category == Category.PROBATIONARY and converted_on is not None,
            _("预备党员没有转正日期"),
        ),
    ]
    for field, failed, message in checks:
        if failed:
            raise ValidationFailed.field(field, message)
    if Transfer.objects.filter(letter_no=letter_no).exists():
        raise ValidationFailed.field("letter_no", _("编号为“%(no)s”的介绍信已经登记过") % {"no": letter_no})


def _reactivate(member, to_org, particulars, phone, day, source_text, letter_no, actor) -> None:
    if member.status != Status.TRANSFERRED_OUT:
        if member.status in GONE_STATUSES:
            raise TransitionNotAllowed(
                _("该公民身份号码的党员已%(status)s，不能通过组织关系转接恢复党员档案")
                % {"status": Status(member.status).label}
            )
        raise TransitionNotAllowed(
            _("该党员的组织关系在本系统内，请由其所在党组织开具系统内的介绍信（教管条例 第25条）")
        )
    last = member.status_changes.aggregate(last=Max("effective_on"))["last"]
    effective_on = max(day, last) if last else day
    for field, value in particulars.items():
        setattr(member, field, value)
    fields = [*particulars, "name_key", "org", "org_path", "party_group", "status", "updated_at"]
    if phone:
        member.phone = phone
        fields.append("phone")
    member.name_key = strokes.name_key(member.name)
    member.org = to_org
    member.org_path = to_org.path
    member.party_group = None
    member.status = Status.ACTIVE
    # Only the fields named: an empty encrypted field reads back as None and would not save as it is.
    member.save(update_fields=fields)
    StatusChange.objects.create(
        member=member,
        kind=TRANSFER_IN,
        from_status=Status.TRANSFERRED_OUT,
        to_status=Status.ACTIVE,
        effective_on=effective_on,
        reason=(
            _("组织关系由%(from)s转入%(to)s（介绍信%(no)s）")
            % {"from": source_text, "to": to_org.name, "no": letter_no}
        )[:300],
        recorded_by=actor,
    )


# --- the letter ----------------------------------------------------------------------------------------------

LETTER_TEMPLATE = Path(__file__).resolve().parent.parent / "doc_templates" / "transfer_letter.docx"


def transfer_letter_reveal(*, actor, transfer: Transfer, purpose: str = "docx") -> dict:
    """The letter's text, ID number and phone in full, for the two sides of the transfer; audited as an
    export of personal data when downloaded as Word, as a reveal when printed. Letters from outside the system
    were printed by their issuer: there is none here."""
    from ..selectors.transfers import letter_context

    scoping.require_tree_role(actor)
    if not (
        (transfer.from_path and scoping.in_scope(actor, transfer.from_path))
        or (transfer.to_path and scoping.in_scope(actor, transfer.to_path))
    ):
        raise PermissionDenied(_("该介绍信不在您的管理范围内"))
    if transfer.kind == TransferKind.INCOMING:
        raise TransitionNotAllowed(_("从系统外转入的介绍信由原党组织开具，本系统不生成该介绍信"))
    context = letter_context(transfer)
    audit.record(
        actor=actor,
        action="export" if purpose == "docx" else "reveal",
        obj=transfer,
        org=transfer.from_org,
        summary=(
            _("下载介绍信 %(no)s（含完整公民身份号码）")
            if purpose == "docx"
            else _("打印介绍信 %(no)s（含完整公民身份号码）")
        )
        % {"no": transfer.letter_no},
    )
    return context


def transfer_letter_docx(context: dict) -> bytes:
    """Fill the county's letter template (members/doc_templates/transfer_letter.docx) with docxtpl."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(LETTER_TEMPLATE)
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()
