"""Member self-service (党员自助服务): a member's own data, correction requests and 在线咨询.

Writes on both sides of the counter:
- the member (role `member`, account linked through `User.member`) reveals their own personal data,
  requests a correction of a field of their record, asks their branch a question;
- the branch (the secretary of the member's branch, or an officer or admin whose scope contains it)
  approves or rejects a correction and answers a question.

Decisions recorded here:
- Only the fields in `CORRECTABLE` may be requested. Name, ID number, gender and birth date need documents
  (户籍证明), organization, status and category have their own procedures: the member is told where to go.
- The requested value is checked as the record itself would check it (code tables, dates, phone format), at
  submission and again when the branch approves (through `records.member_update`).
- One pending request per field and member (a database constraint too); deciding twice is a 409.
- Phone and address are personal data: the requested value is stored encrypted (`requested_secret`) and
  shown masked everywhere, in the request and in the audit trail.
- An answer to a consultation is final: answering twice is a 409. The member has read the answer; a
  follow-up is a new question. A member may have at most `OPEN_QUESTIONS_MAX` unanswered questions.
- Members who left the Party, died or were transferred out keep read access; their record is closed, so
  they cannot request corrections or ask the branch any more (409).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from dangjian.core import audit, scoping
from dangjian.core.crypto import mask_phone
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.orgs.rules import add_months

from ..codes import DEGREES, EDUCATION, ETHNICITIES, OCCUPATIONS
from ..models import GONE_STATUSES, Category, Consultation, CorrectionRequest, Member, RequestState
from . import records

SUBJECT_MAX = 100
TEXT_MAX = 2000
REASON_MAX = 300
OPEN_QUESTIONS_MAX = 5  # unanswered questions a member may have at once

CORRECTION_FIELDS = [
    "member_id",
    "field",
    "current_value",
    "requested_value",
    "reason",
    "state",
    "decision_note",
]
CONSULTATION_FIELDS = ["member_id", "org_id", "subject"]


@dataclass(frozen=True)
class Correctable:
    """A field of the record a member may ask to have corrected, and how its value is written."""

    name: str
    label: Promise
    kind: str  # text · code · date · phone
    table: tuple[tuple[str, str], ...] = ()
    limit: int = 0
    personal: bool = False  # stored encrypted, shown masked
    archive_check: bool = False  # the branch checks the archive (档案) before deciding


CORRECTABLE: dict[str, Correctable] = {
    spec.name: spec
    for spec in (
        Correctable("native_place", gettext_lazy("籍贯"), "text", limit=50),
        Correctable("ethnicity", gettext_lazy("民族"), "code", tuple(ETHNICITIES)),
        Correctable("education", gettext_lazy("学历"), "code", tuple(EDUCATION)),
        Correctable("degree", gettext_lazy("学位"), "code", tuple(DEGREES)),
        Correctable("occupation", gettext_lazy("职业"), "code", tuple(OCCUPATIONS)),
        Correctable("work_unit", gettext_lazy("工作单位"), "text", limit=100),
        Correctable("job_title", gettext_lazy("职务"), "text", limit=50),
        Correctable("phone", gettext_lazy("手机号码"), "phone", personal=True),
        Correctable("address", gettext_lazy("家庭住址"), "text", limit=200, personal=True),
        Correctable("joined_on", gettext_lazy("入党日期"), "date", archive_check=True),
        Correctable("converted_on", gettext_lazy("转正日期"), "date", archive_check=True),
    )
}


def correctable_for(member: Member) -> list[str]:
    """The fields this member may ask about: a probationary member has no conversion date yet."""
    return [
        name
        for name in CORRECTABLE
        if not (name == "converted_on" and member.category == Category.PROBATIONARY)
    ]


def _elsewhere(field: str) -> str | None:
    """Where a member goes to change a field that is not corrected by request, or None."""
    documents = _("姓名、公民身份号码、性别和出生日期的更正须凭户籍证明等材料，请与所在党支部联系办理")
    return {
        "name": documents,
        "id_number": documents,
        "gender": documents,
        "birth_date": documents,
        "org": _("所在党组织的变更须办理组织关系转接，请与所在党支部联系"),
        "party_group": _("所在党小组由党支部安排，请与所在党支部联系"),
        "status": _("党籍状态的变更由党组织按规定办理，不能申请更正"),
        "category": _("预备党员转为正式党员须经支部大会讨论通过，不能申请更正"),
    }.get(field)


# --- showing values ------------------------------------------------------------------------------------------


def field_label(field: str) -> str:
    spec = CORRECTABLE.get(field)
    return str(spec.label) if spec else field


def mask(field: str, value: str) -> str:
    if not value:
        return ""
    return mask_phone(value) if field == "phone" else records.mask_address(value)


def show(field: str, value) -> str:
    """A value of a correctable field as the member and the branch read it."""
    if value is None or value == "":
        return "—"
    spec = CORRECTABLE.get(field)
    if spec is not None and spec.kind == "code":
        return dict(spec.table).get(value, str(value))
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def current_shown(member: Member, field: str) -> str:
    value = getattr(member, field) or ""
    spec = CORRECTABLE[field]
    return show(field, mask(field, value) if spec.personal else value)


def requested_shown(correction: CorrectionRequest) -> str:
    """The requested value for display (phone and address are stored masked in `requested_value`)."""
    return show(correction.field, correction.requested_value)


def in_reader_language(field: str, text: str) -> str:
    """A value as `show` gives it (and as `current_value` stores it: the code tables' Chinese labels, marked
    with gettext_noop) in the reader's language; text of other fields is data and stays as written."""
    spec = CORRECTABLE.get(field)
    return _(text) if spec is not None and spec.kind == "code" else text


# --- who is acting -------------------------------------------------------------------------------------------


def _actor_member(actor, *, lock: bool = False) -> Member:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    if actor.role != "member":
        raise PermissionDenied(_("只有党员本人可以使用党员自助服务"))
    if actor.member_id is None:
        raise PermissionDenied(_("您的账号尚未关联党员档案，请联系所在党支部"))
    queryset = Member.objects.select_related("org")
    if lock:
        queryset = queryset.select_for_update()
    return queryset.get(pk=actor.member_id)


def _refuse_if_closed(member: Member, doing: str) -> None:
    if member.status in GONE_STATUSES:
        raise TransitionNotAllowed(
            _("您的党籍状态为“%(status)s”，档案已封存，不能再%(doing)s")
            % {"status": member.get_status_display(), "doing": doing}
        )


def _require_branch_side(actor, path: str) -> None:
    """The member's branch or an organization above it: tree roles whose scope contains `path`."""
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, path):
        raise PermissionDenied(_("该党员不在您的管理范围内"))


# --- reveal -------------------------------------------------------------------------------------------------


def member_reveal_own(*, actor) -> dict[str, str]:
    """A member's own ID number, phone and address in full; audited like every reveal of personal data."""
    member = _actor_member(actor)
    audit.record(
        actor=actor,
        action="reveal",
        obj=member,
        org=member.org,
        summary=_("党员本人查看本人完整的公民身份号码、手机号码和家庭住址"),
    )
    return {"id_number": member.id_number, "phone": member.phone or "", "address": member.address or ""}


# --- correction requests ------------------------------------------------------------------------------------


def correctable_spec(field: str) -> Correctable:
    """The whitelist entry of `field`, or ValidationFailed saying why it is not corrected by request."""
    field = (field or "").strip()
    if not field:
        raise ValidationFailed.field("field", _("请选择要更正的信息项"))
    if field in CORRECTABLE:
        return CORRECTABLE[field]
    elsewhere = _elsewhere(field)
    raise ValidationFailed.field("field", elsewhere or _("“%(field)s”不能申请更正") % {"field": field})


def _parse_date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed.field("requested_value", _("日期格式应为 年-月-日（如 2026-03-01）")) from None


def _check_dates(member: Member, field: str, day: dt.date, today: dt.date) -> None:
    """The rules member_update applies to the two dates (细则 第5条, 党章 第7条), for one date changed."""
    if field == "converted_on" and member.category == Category.PROBATIONARY:
        raise ValidationFailed.field("field", _("您是预备党员，尚未转正，没有转正日期可更正"))
    if day > today:
        raise ValidationFailed.field(
            "requested_value", _("%(label)s不能晚于今天") % {"label": field_label(field)}
        )
    both = _("如入党日期和转正日期都需更正，请与所在党支部联系，查阅档案后一并更正")
    if field == "joined_on":
        if not records.old_enough_to_join(member.birth_date, day):
            raise ValidationFailed.field(
                "requested_value", _("入党时应年满 18 周岁（细则 第5条），请核对入党日期")
            )
        if member.converted_on and not records.conversion_date_fits(day, member.converted_on):
            raise ValidationFailed.field(
                "requested_value",
                _("按此入党日期，档案中的转正日期 %(converted)s 不在预备期满后一年内（党章 第7条）。")
                % {"converted": f"{member.converted_on:%Y-%m-%d}"}
                + both,
            )
        return
    if not records.conversion_date_fits(member.joined_on, day):
        raise ValidationFailed.field(
            "requested_value",
            _("转正日期应在入党日期满一年后、两年内（党章 第7条）：应在 %(start)s 至 %(end)s 之间。")
            % {
                "start": f"{add_months(member.joined_on, records.PROBATION_MONTHS):%Y-%m-%d}",
                "end": f"{add_months(member.joined_on, records.PROBATION_LONGEST_MONTHS):%Y-%m-%d}",
            }
            + both,
        )


def clean_requested_value(member: Member, spec: Correctable, raw, today: dt.date):
    """The requested value as the record would hold it, or ValidationFailed on `requested_value`."""
    if isinstance(raw, dt.date):
        raw = raw.isoformat()
    raw = (raw or "").strip() if isinstance(raw, str) else ""
    if not raw:
        raise ValidationFailed.field("requested_value", _("请填写更正后的内容"))
    if spec.kind == "code":
        if raw not in dict(spec.table):
            raise ValidationFailed.field(
                "requested_value", _("%(label)s取值无效，请从代码表中选择") % {"label": spec.label}
            )
        return raw
    if spec.kind == "phone":
        phone = re.sub(r"[\s-]", "", raw)
        if not records.PHONE.fullmatch(phone):
            raise ValidationFailed.field("requested_value", _("手机号码应为 11 位数字，以 1 开头"))
        return phone
    if spec.kind == "date":
        day = _parse_date(raw)
        _check_dates(member, spec.name, day, today)
        return day
    if len(raw) > spec.limit:
        raise ValidationFailed.field(
            "requested_value", _("%(label)s最多 %(limit)s 个字") % {"label": spec.label, "limit": spec.limit}
        )
    return raw


@transaction.atomic
def correction_request_submit(*, actor, field: str, requested_value, reason: str) -> CorrectionRequest:
    """A member asks the branch to correct one field of their own record."""
    member = _actor_member(actor, lock=True)
    _refuse_if_closed(member, _("申请更正档案信息"))
    spec = correctable_spec(field)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", _("请填写更正理由，例如依据的证件或材料"))
    if len(reason) > REASON_MAX:
        raise ValidationFailed.field("reason", _("更正理由最多 %(limit)s 个字") % {"limit": REASON_MAX})
    value = clean_requested_value(member, spec, requested_value, timezone.localdate())
    if value == getattr(member, spec.name):
        raise ValidationFailed.field("requested_value", _("与档案中登记的内容相同，无需更正"))
    pending = CorrectionRequest.objects.filter(
        member=member, field=spec.name, state=RequestState.PENDING
    ).first()
    if pending is not None:
        raise TransitionNotAllowed(
            _("您已于 %(day)s 申请更正“%(field)s”，党支部尚未处理；请等处理后再提交新的申请")
            % {"day": f"{timezone.localtime(pending.requested_at):%Y-%m-%d}", "field": spec.label}
        )
    stored = value.isoformat() if isinstance(value, dt.date) else value
    correction = CorrectionRequest(
        member=member,
        field=spec.name,
        current_value=current_shown(member, spec.name)[:200],
        requested_value=mask(spec.name, stored) if spec.personal else stored,
        requested_secret=stored if spec.personal else "",
        reason=reason,
        requested_by=actor,
    )
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:  # a second submission a moment ago (one_pending_correction_per_field)
        raise TransitionNotAllowed(
            _("您已申请更正“%(field)s”，党支部尚未处理；请等处理后再提交新的申请") % {"field": spec.label}
        ) from None
    audit.record(
        actor=actor,
        action="create",
        obj=correction,
        org=member.org,
        summary=_("申请更正档案信息：%(field)s") % {"field": spec.label},
        after=audit.snapshot(correction, CORRECTION_FIELDS),
    )
    return correction


def _lock(correction: CorrectionRequest) -> CorrectionRequest:
    return (
        CorrectionRequest.objects.select_for_update()
        .select_related("member", "member__org")
        .get(pk=correction.pk)
    )


def _refuse_unless_pending(correction: CorrectionRequest) -> None:
    if correction.state != RequestState.PENDING:
        decided = correction.decided_at
        raise TransitionNotAllowed(
            _("该申请已处理（%(state)s，%(day)s），不能重复处理")
            % {
                "state": correction.get_state_display(),
                "day": f"{timezone.localtime(decided):%Y-%m-%d}" if decided else "—",
            }
        )


def _clean_note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationFailed.field("note", _("请填写驳回理由，党员会看到这段说明"))
    if len(note) > REASON_MAX:
        raise ValidationFailed.field("note", _("处理意见最多 %(limit)s 个字") % {"limit": REASON_MAX})
    return note


def _value_to_write(correction: CorrectionRequest):
    spec = CORRECTABLE[correction.field]
    if spec.personal:
        return correction.requested_secret
    if spec.kind == "date":
        return dt.date.fromisoformat(correction.requested_value)
    return correction.requested_value


def _decide(correction: CorrectionRequest, *, actor, state: str, note: str) -> dict:
    before = audit.snapshot(correction, CORRECTION_FIELDS)
    correction.state = state
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.decision_note = note
    correction.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return before


@transaction.atomic
def correction_approve(*, actor, correction: CorrectionRequest, note: str = "") -> CorrectionRequest:
    """The branch agrees: the record is corrected through records.member_update (its checks and its audit
    entry, before → after), and the request is closed."""
    correction = _lock(correction)
    member = correction.member
    _require_branch_side(actor, member.org_path)
    _refuse_unless_pending(correction)
    note = _clean_note(note, required=False)
    spec = CORRECTABLE.get(correction.field)
    if spec is None:  # a request stored before the field left the whitelist
        raise TransitionNotAllowed(_("该信息项已不能通过申请更正，请驳回并说明办理方式"))
    try:
        records.member_update(actor=actor, member=member, **{spec.name: _value_to_write(correction)})
    except ValidationFailed as exc:
        raise ValidationFailed(
            _("档案不能按此申请更正：%(reason)s；请核实后驳回并说明理由") % {"reason": exc.message},
            [{"field": "requested_value", "message": exc.message}],
        ) from None
    before = _decide(correction, actor=actor, state=RequestState.APPROVED, note=note)
    audit.record(
        actor=actor,
        action="hold",
        obj=correction,
        org=member.org,
        summary=_("同意信息更正申请：%(name)s 的%(field)s由 %(old)s 更正为 %(new)s")
        % {
            "name": member.name,
            "field": spec.label,
            "old": correction.current_value or "—",
            "new": requested_shown(correction),
        },
        before=before,
        after=audit.snapshot(correction, CORRECTION_FIELDS),
    )
    return correction


@transaction.atomic
def correction_reject(*, actor, correction: CorrectionRequest, note: str) -> CorrectionRequest:
    """The branch declines, saying why (the member reads the note)."""
    correction = _lock(correction)
    member = correction.member
    _require_branch_side(actor, member.org_path)
    _refuse_unless_pending(correction)
    note = _clean_note(note, required=True)
    before = _decide(correction, actor=actor, state=RequestState.REJECTED, note=note)
    audit.record(
        actor=actor,
        action="hold",
        obj=correction,
        org=member.org,
        summary=_("驳回信息更正申请：%(name)s 的%(field)s")
        % {"name": member.name, "field": field_label(correction.field)},
        before=before,
        after=audit.snapshot(correction, CORRECTION_FIELDS),
    )
    return correction


# --- 在线咨询 ------------------------------------------------------------------------------------------------


def _clean_text(field: str, value: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.field(field, _("请填写%(label)s") % {"label": label})
    if len(value) > limit:
        raise ValidationFailed.field(
            field, _("%(label)s最多 %(limit)s 个字") % {"label": label, "limit": limit}
        )
    return value


@transaction.atomic
def consultation_ask(*, actor, subject: str, question: str) -> Consultation:
    """A member sends a question to their branch."""
    member = _actor_member(actor, lock=True)
    _refuse_if_closed(member, _("向党组织咨询"))
    subject = _clean_text("subject", subject, _("主题"), SUBJECT_MAX)
    question = _clean_text("question", question, pgettext("在线咨询", "问题"), TEXT_MAX)
    waiting = Consultation.objects.filter(member=member, answered_at__isnull=True).count()
    if waiting >= OPEN_QUESTIONS_MAX:
        raise TransitionNotAllowed(
            _("您已有 %(n)s 条咨询尚未答复，请等党支部答复后再提新的问题") % {"n": waiting}
        )
    consultation = Consultation.objects.create(
        member=member, org=member.org, org_path=member.org_path, subject=subject, question=question
    )
    audit.record(
        actor=actor,
        action="create",
        obj=consultation,
        org=member.org,
        summary=_("在线咨询：%(subject)s") % {"subject": subject},
        after=audit.snapshot(consultation, CONSULTATION_FIELDS),
    )
    return consultation


@transaction.atomic
def consultation_answer(*, actor, consultation: Consultation, answer: str) -> Consultation:
    """The branch (or an organization above it) answers; an answer is final (see the module docstring)."""
    consultation = (
        Consultation.objects.select_for_update().select_related("member", "org").get(pk=consultation.pk)
    )
    _require_branch_side(actor, consultation.org_path)
    if consultation.answered_at is not None:
        raise TransitionNotAllowed(
            _("该咨询已于 %(day)s 答复，不能重复答复；如需补充，请联系党员或请党员再次提问")
            % {"day": f"{timezone.localtime(consultation.answered_at):%Y-%m-%d}"}
        )
    answer = _clean_text("answer", answer, _("答复内容"), TEXT_MAX)
    consultation.answer = answer
    consultation.answered_by = actor
    consultation.answered_at = timezone.now()
    consultation.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record(
        actor=actor,
        action="hold",
        obj=consultation,
        org=consultation.org,
        summary=_("答复在线咨询：%(subject)s（%(name)s）")
        % {"subject": consultation.subject, "name": consultation.member.name},
        before={"answered": False},
        after={"answered": True, "answer_length": len(answer)},
    )
    return consultation
