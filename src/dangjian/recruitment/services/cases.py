"""Writes of development cases: register an application (step 1), correct the person, withdraw, reveal, files.

Every function is keyword-only and atomic, checks who may act and what the rules allow, then writes and
records an audit entry. Personal data (ID number, phone) never enters the audit trail unmasked.
"""

import datetime as dt
import re
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, idnumber, scoping, uploads
from dangjian.core.crypto import lookup_hash, mask_id_number, mask_phone
from dangjian.core.errors import FieldErrors, TransitionNotAllowed, ValidationFailed
from dangjian.members import rules as member_rules
from dangjian.members.codes import EDUCATION, ETHNICITIES, OCCUPATIONS
from dangjian.members.models import GONE_STATUSES, Member
from dangjian.members.services.records import PHONE
from dangjian.members.strokes import name_key
from dangjian.orgs.models import Organization, OrgKind

from .. import rules
from ..models import CaseFile, CaseStep, DevelopmentCase

# Fields recorded in the audit trail (ID number and phone masked, see `snapshot`).
AUDIT_FIELDS = [
    "person_name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "occupation",
    "work_unit",
    "org_id",
    "stage",
    "applied_on",
    "activist_on",
    "candidate_on",
    "admitted_on",
    "probation_ends_on",
    "extended",
    "extension_months",
    "converted_on",
    "notice_starts_on",
    "notice_ends_on",
    "closed_on",
    "close_reason",
    "member_id",
]
TEXT_LIMITS = {"person_name": 50, "work_unit": 100, "notes": 2000}
# What case_update may correct, while the person is not yet a member (then the member record rules).
EDITABLE_FIELDS = frozenset(
    {"person_name", "id_number", "ethnicity", "education", "occupation", "work_unit", "phone", "notes"}
)
APPROVER_ROLES = frozenset({"county_admin", "committee_officer"})


def today() -> dt.date:
    return timezone.localdate()


def snapshot(case: DevelopmentCase) -> dict:
    data = audit.snapshot(case, AUDIT_FIELDS)
    data["id_number"] = mask_id_number(case.id_number)
    data["phone"] = mask_phone(case.phone)
    return data


def require_manager(actor, org: Organization) -> None:
    """A tree role whose scope holds the organization (branch secretary: their branch; officers: below)."""
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, org.path):
        raise PermissionDenied(_("该组织不在您的管理范围内"))


def require_approver(actor, org: Organization) -> None:
    """Steps of the 基层党委 (pre-review, talk, approval, filing): county admin or committee officer."""
    require_manager(actor, org)
    if actor.role not in APPROVER_ROLES:
        raise PermissionDenied(_("此步骤由具有审批权限的上级党委办理，党支部不能登记"))


def lock(case: DevelopmentCase) -> DevelopmentCase:
    """The case row locked for this transaction: two transitions at once are taken one after the other."""
    return (
        DevelopmentCase.objects.select_for_update(of=("self",))
        .select_related("org", "member")
        .get(pk=case.pk)
    )


def follow_member(actor, case: DevelopmentCase) -> None:
    """A probationary member transferred to another branch takes their case along (组织关系转接): the case
    moves to the member's branch before the next step, so the new branch holds the vote and the old one no
    longer sees it. Audited. (Transfers are received in members.services.transfers.)"""
    member = case.member
    if member is None or member.org_id == case.org_id or member.status in GONE_STATUSES:
        return
    before = snapshot(case)
    old_name = case.org.name
    case.org, case.org_path = member.org, member.org_path
    case.save(update_fields=["org", "org_path", "updated_at"])
    audit.record(
        actor=actor,
        action="move",
        obj=case,
        org=case.org,
        summary=_("组织关系转接：%(name)s的发展党员记录由%(old)s转至%(new)s")
        % {"name": case.person_name, "old": old_name, "new": case.org.name},
        before=before,
        after=snapshot(case),
    )


def ensure_open(case: DevelopmentCase) -> None:
    if case.stage in rules.CLOSED_STAGES and case.stage != rules.FULL:
        raise TransitionNotAllowed(
            _("该发展党员记录已%(stage)s，不能再修改") % {"stage": case.get_stage_display()}
        )


# --- validation -------------------------------------------------------------------------------------------------


def clean_person(values: dict, errors: FieldErrors, on: dt.date) -> None:
    """Text lengths, code tables, phone, and the ID number (giving birth date and gender)."""
    for name in (
        "person_name",
        "id_number",
        "ethnicity",
        "education",
        "occupation",
        "work_unit",
        "phone",
        "notes",
    ):
        if values.get(name) is not None and not isinstance(values[name], str):
            errors.add(name, _("请输入文字"))
            values[name] = ""
    labels = {"person_name": _("姓名"), "work_unit": _("工作单位"), "notes": _("备注")}
    for name, limit in TEXT_LIMITS.items():
        if name in values:
            values[name] = (values[name] or "").strip()
            if len(values[name]) > limit:
                errors.add(name, _("%(label)s最多 %(n)d 个字") % {"label": labels[name], "n": limit})
    if "person_name" in values and not values["person_name"]:
        errors.add("person_name", _("请填写姓名"))
    tables = {
        "ethnicity": (ETHNICITIES, False, _("民族")),
        "education": (EDUCATION, True, _("学历")),
        "occupation": (OCCUPATIONS, True, _("职业")),
    }
    for name, (table, blank_ok, label) in tables.items():
        if name in values:
            value = values[name] or ""
            values[name] = value
            if (not value and not blank_ok) or (value and value not in dict(table)):
                errors.add(name, _("%(label)s取值无效，请从代码表中选择") % {"label": label})
    if "phone" in values:
        phone = re.sub(r"[\s-]", "", values["phone"] or "")
        values["phone"] = phone
        if phone and not PHONE.fullmatch(phone):
            errors.add("phone", _("手机号码应为 11 位数字，以 1 开头"))
    if "id_number" in values:
        number = idnumber.normalize(values["id_number"] or "")
        if not number:
            errors.add("id_number", _("请填写公民身份号码"))
            return
        try:
            birth, gender = idnumber.parse(number, today=on)
        except idnumber.InvalidIdNumber as exc:
            errors.add("id_number", str(exc))
            return
        values.update(id_number=number, birth_date=birth, gender=gender)


def check_not_known(actor, number: str, errors: FieldErrors, exclude_pk: int | None = None) -> str:
    """The keyed hash of the number, after making sure it is neither a member nor another open case."""
    digest = lookup_hash(number)
    member = Member.objects.filter(id_hash=digest).first()
    if member is not None:
        if scoping.in_scope(actor, member.org_path):
            errors.add(
                "id_number",
                _("%(name)s已有党员档案（%(status)s），不能再登记入党申请")
                % {"name": member.name, "status": member.get_status_display()},
            )
        else:
            errors.add("id_number", _("该公民身份号码已有党员档案，不能再登记入党申请"))
        return digest
    open_cases = DevelopmentCase.objects.filter(id_hash=digest, stage__in=rules.OPEN_STAGES)
    if exclude_pk is not None:
        open_cases = open_cases.exclude(pk=exclude_pk)
    other = open_cases.select_related("org").first()
    if other is not None:
        where = other.org.name if scoping.in_scope(actor, other.org_path) else _("其他党组织")
        errors.add(
            "id_number",
            _("该公民身份号码在%(where)s已有正在办理的发展党员记录，不能重复登记") % {"where": where},
        )
    return digest


def check_branch(org: Organization, errors: FieldErrors) -> None:
    # 细则 第6条: the application goes to the branch of the applicant's unit or place of residence.
    if org.kind != OrgKind.BRANCH:
        errors.add(
            "org",
            _("入党申请应向党支部提出：“%(org)s”是%(kind)s，请选择党支部")
            % {"org": org.name, "kind": org.get_kind_display()},
        )
    elif org.is_dissolved:
        errors.add("org", _("“%(org)s”已撤销") % {"org": org.name})


# --- services ---------------------------------------------------------------------------------------------------


@transaction.atomic
def case_create(
    *,
    actor,
    org: Organization,
    person_name: str,
    id_number: str,
    applied_on: dt.date,
    ethnicity: str = "01",
    education: str = "",
    occupation: str = "",
    work_unit: str = "",
    phone: str = "",
    notes: str = "",
) -> DevelopmentCase:
    """Step 1: register a written application (入党申请书) received by a branch (细则 第6条).

    The applicant must be eighteen on the day of the application (细则 第5条: 422 otherwise); birth date and
    gender come from the ID number. Someone who already has a member record, or an open case, is refused.
    """
    require_manager(actor, org)
    day = today()
    values = {
        "person_name": person_name,
        "id_number": id_number,
        "ethnicity": ethnicity,
        "education": education,
        "occupation": occupation,
        "work_unit": work_unit,
        "phone": phone,
        "notes": notes,
    }
    errors = FieldErrors()
    check_branch(org, errors)
    clean_person(values, errors, day)
    if applied_on is None:
        errors.add("applied_on", _("请填写递交入党申请书的日期"))
    elif not isinstance(applied_on, dt.date) or isinstance(applied_on, dt.datetime):
        errors.add("applied_on", _("日期格式应为 YYYY-MM-DD"))
    elif applied_on > day:
        errors.add("applied_on", _("申请日期不能晚于今天"))
    elif "birth_date" in values and not rules.old_enough_to_apply(values["birth_date"], applied_on):
        errors.add(
            "applied_on",
            _("年满十八岁才能申请入党（细则 第5条）：出生于 %(birth)s，%(adult)s 起方可申请")
            % {
                "birth": f"{values['birth_date']:%Y-%m-%d}",
                "adult": f"{member_rules.coming_of_age(values['birth_date']):%Y-%m-%d}",
            },
        )
    digest = "" if errors.has("id_number") else check_not_known(actor, values["id_number"], errors)
    errors.raise_if_any()
    case = DevelopmentCase(
        **values,
        id_hash=digest,
        name_key=name_key(values["person_name"]),
        org=org,
        org_path=org.path,
        stage=rules.APPLICANT,
        applied_on=applied_on,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            case.save()
            CaseStep.objects.create(case=case, step=1, date=applied_on, decided_by=org, created_by=actor)
    except IntegrityError:  # another request registered the same person a moment ago
        raise ValidationFailed.field(
            "id_number", _("该公民身份号码已有正在办理的发展党员记录，不能重复登记")
        ) from None
    audit.record(
        actor=actor,
        action="create",
        obj=case,
        org=org,
        summary=_("登记入党申请：%(name)s") % {"name": case.person_name},
        after=snapshot(case),
    )
    return case


@transaction.atomic
def case_update(*, actor, case: DevelopmentCase, **changes) -> DevelopmentCase:
    """Correct the person's particulars while they are not yet a member (the member record rules after)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(_("不能修改的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    case = lock(case)
    require_manager(actor, case.org)
    if case.stage not in (rules.APPLICANT, rules.ACTIVIST, rules.CANDIDATE):
        raise TransitionNotAllowed(
            _("已接收为预备党员或已终止的，个人信息以党员档案为准，请在党员档案中更正")
        )
    values = dict(changes)
    errors = FieldErrors()
    clean_person(values, errors, today())
    if values.get("id_number") == case.id_number:
        for name in ("id_number", "birth_date", "gender"):
            values.pop(name, None)
    if "birth_date" in values and not rules.old_enough_to_apply(values["birth_date"], case.applied_on):
        errors.add("id_number", _("按此公民身份号码，申请入党时未满十八岁（细则 第5条）"))
    digest = None
    if "id_number" in values and not errors.has("id_number"):
        digest = check_not_known(actor, values["id_number"], errors, exclude_pk=case.pk)
    errors.raise_if_any()
    values = {name: value for name, value in values.items() if getattr(case, name) != value}
    if not values:
        return case
    before = snapshot(case)
    for name, value in values.items():
        setattr(case, name, value)
    written = [*values, "updated_at"]
    if digest is not None:
        case.id_hash = digest
        written.append("id_hash")
    if "person_name" in values:
        case.name_key = name_key(case.person_name)
        written.append("name_key")
    try:
        with transaction.atomic():
            case.save(update_fields=written)
    except IntegrityError:
        raise ValidationFailed.field("id_number", _("该公民身份号码已有正在办理的发展党员记录")) from None
    audit.record(
        actor=actor,
        action="update",
        obj=case,
        org=case.org,
        summary=_("更正发展党员信息：%(name)s") % {"name": case.person_name},
        before=before,
        after=snapshot(case),
    )
    return case


@transaction.atomic
def case_withdraw(*, actor, case: DevelopmentCase, date: dt.date, reason: str) -> DevelopmentCase:
    """End a case before admission: the applicant withdrew, or the branch stopped the development.

    A probationary member cannot be withdrawn (nor 劝退): the 支部大会 decides on extension or cancellation
    (党章 第7条; step 23). A closed case stays as it is (409).
    """
    case = lock(case)
    require_manager(actor, case.org)
    if case.stage == rules.PROBATIONARY:
        raise TransitionNotAllowed(
            _("预备党员不能撤销发展，应由支部大会讨论延长预备期或取消预备党员资格（党章 第7条）")
        )
    if case.stage in rules.CLOSED_STAGES:
        raise TransitionNotAllowed(
            _("该发展党员记录已%(stage)s，不能再终止") % {"stage": case.get_stage_display()}
        )
    reason = (reason or "").strip()
    errors = FieldErrors()
    if not reason:
        errors.add("reason", _("请填写终止原因"))
    elif len(reason) > 200:
        errors.add("reason", _("终止原因最多 200 个字"))
    latest = (
        CaseStep.objects.filter(case=case, current=True)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if date is None:
        errors.add("date", _("请填写终止日期"))
    elif not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors.add("date", _("日期格式应为 YYYY-MM-DD"))
    elif date > today():
        errors.add("date", _("日期不能晚于今天"))
    elif latest and date < latest:
        errors.add("date", _("终止日期不能早于最近一个步骤的日期（%(day)s）") % {"day": f"{latest:%Y-%m-%d}"})
    errors.raise_if_any()
    before = snapshot(case)
    case.stage, case.closed_on, case.close_reason = rules.WITHDRAWN, date, reason
    case.save(update_fields=["stage", "closed_on", "close_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="transition",
        obj=case,
        org=case.org,
        summary=_("终止发展：%(name)s（%(reason)s）") % {"name": case.person_name, "reason": reason[:100]},
        before=before,
        after=snapshot(case),
    )
    return case


def may_reveal(user, case: DevelopmentCase) -> bool:
    """Whether `user` may see the full ID number and phone (offering the button; case_reveal really checks)."""
    return (
        getattr(user, "role", None) in scoping.TREE_ROLES
        and scoping.in_scope(user, case.org_path)
        and member_rules.may_reveal(role=user.role, user_org_id=user.org_id, member_org_id=case.org_id)
    )


def case_reveal(*, actor, case: DevelopmentCase) -> dict[str, str]:
    """The full ID number and phone, for the county admin and the case's own branch secretary; audited."""
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, case.org_path):
        raise PermissionDenied(_("该发展党员记录不在您的管理范围内"))
    if not member_rules.may_reveal(role=actor.role, user_org_id=actor.org_id, member_org_id=case.org_id):
        raise PermissionDenied(_("只有组织部管理员和所在党支部的书记可以查看完整的身份证号和手机号"))
    audit.record(
        actor=actor,
        action="reveal",
        obj=case,
        org=case.org,
        summary=_("查看发展党员的完整公民身份号码和手机号码"),
    )
    return {"id_number": case.id_number, "phone": case.phone or ""}


@transaction.atomic
def case_file_add(
    *, actor, case: DevelopmentCase, upload: UploadedFile, title: str = "", step: CaseStep | None = None
) -> CaseFile:
    """Attach a scan or document (PDF, JPG, PNG, .docx, .xlsx; size-limited) to a case, or to one of its steps."""
    require_manager(actor, case.org)
    if step is not None and step.case_id != case.pk:
        raise ValidationFailed.field("step", _("该步骤不属于此发展党员记录"))
    original = uploads.check_upload(upload)
    title = (title or "").strip() or PurePath(original).stem
    if len(title) > 100:
        raise ValidationFailed.field("title", _("标题最多 100 个字"))
    record = CaseFile.objects.create(
        case=case, step=step, title=title, file=upload, size=upload.size, uploaded_by=actor
    )
    audit.record(
        actor=actor,
        action="create",
        obj=case,
        org=case.org,
        summary=_("上传发展党员材料“%(title)s”") % {"title": title},
        after={
            "file_id": record.pk,
            "title": title,
            "size": record.size,
            "step": step.step if step else None,
        },
    )
    return record


def case_file_download(*, actor, case_file: CaseFile) -> CaseFile:
    """Hand out an attached file; it may show personal data, so the download is audited like a reveal."""
    case = case_file.case
    require_manager(actor, case.org)
    audit.record(
        actor=actor,
        action="reveal",
        obj=case,
        org=case.org,
        summary=_("下载发展党员材料“%(title)s”") % {"title": case_file.title},
    )
    return case_file
